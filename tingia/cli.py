"""Flask commands: `flask seed`, `flask users`, `flask tokens`, `flask jobs`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from tingia.auth.service import AccountError, create_api_token, create_user, find_user_by_email
from tingia.centres.scoping import centre_for_province, national_centre
from tingia.centres.service import seed_provinces_and_centres
from tingia.extensions import db
from tingia.models import Province, Role

users_cli = AppGroup("users", help="Manage staff accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")
jobs_cli = AppGroup("jobs", help="Background jobs.")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also add demo staff and demo reports.")
def seed_command(demo: bool) -> None:
    """Load provinces and centres (idempotent); with --demo, demo staff and reports too."""
    provinces, centres = seed_provinces_and_centres()
    db.session.commit()
    click.echo(f"provinces added: {provinces}, centres added: {centres}")
    if demo:
        from tingia.demo import seed_demo

        summary = seed_demo()
        db.session.commit()
        click.echo(summary.describe())


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--province", "province_code", default=None, help="2-digit code; none = national")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
def create_user_command(email: str, role: str, province_code: str | None, password: str, name: str):
    """Create a staff account in a province's centre (or the national centre)."""
    if province_code is not None and db.session.get(Province, province_code) is None:
        raise click.BadParameter(f"unknown province code {province_code}", param_hint="--province")
    centre = centre_for_province(province_code) if province_code else national_centre()
    try:
        user = create_user(email, password, role, centre, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"created {user.role} {user.email} in {centre.name}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Issue an API token for a user; the token is printed once, on the last line."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    token = create_api_token(user, name=name)
    db.session.commit()
    click.echo(f"token for {user.email} (shown once, store it now):")
    click.echo(token)


@jobs_cli.command("sweep")
def sweep_command() -> None:
    """Enqueue every report that is still unprocessed."""
    from tingia.jobs.tasks import sweep_unprocessed

    click.echo(f"enqueued: {sweep_unprocessed(older_than_seconds=0)}")


@jobs_cli.command("process")
@click.argument("report_id", type=int)
def process_command(report_id: int) -> None:
    """Process one report now, in this process (bypasses the queue)."""
    from tingia.jobs.tasks import process_report

    click.echo(process_report(report_id))


def register_cli(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(jobs_cli)
