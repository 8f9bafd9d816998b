"""Flask commands: `flask seed`, `flask users`, `flask tokens`, `flask jobs`, `flask reports`,
`flask sources`, `flask images`, `flask privacy`."""

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
reports_cli = AppGroup("reports", help="Quarterly and yearly reports to the ministry.")
sources_cli = AppGroup("sources", help="Offending sources behind content URLs.")
images_cli = AppGroup("images", help="Stored images.")
privacy_cli = AppGroup("privacy", help="Reporters' personal data.")


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
    """Enqueue every report that is still unprocessed and every email still unsent."""
    from tingia.jobs.tasks import sweep_unprocessed, sweep_unsent_notifications

    click.echo(f"enqueued: {sweep_unprocessed(older_than_seconds=0)}")
    click.echo(f"emails enqueued: {sweep_unsent_notifications(older_than_seconds=0)}")


@jobs_cli.command("process")
@click.argument("report_id", type=int)
def process_command(report_id: int) -> None:
    """Process one report now, in this process (bypasses the queue)."""
    from tingia.jobs.tasks import process_report

    click.echo(process_report(report_id))


@reports_cli.command("quarterly")
@click.option(
    "--centre", "centre_code", default=None, help="2-digit province code; none = national"
)
@click.option("--quarter", required=True, help="A quarter (2026-Q4) or a year (2026).")
@click.option("--out", "out_path", default=None, help="Write the report: .xlsx or .csv.")
def quarterly_command(centre_code: str | None, quarter: str, out_path: str | None) -> None:
    """Print a centre's quarterly (or yearly) report; with --out, write it as XLSX or CSV."""
    from flask import current_app

    from tingia.statistics.export import province_row, summary_rows, to_csv, to_xlsx
    from tingia.statistics.periods import PeriodError, parse_period
    from tingia.statistics.quarterly import quarterly_report

    try:
        period = parse_period(quarter, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    except PeriodError:
        raise click.BadParameter(
            "give a quarter like 2026-Q4 or a year", param_hint="--quarter"
        ) from None
    if centre_code is not None and db.session.get(Province, centre_code) is None:
        raise click.BadParameter(f"unknown province code {centre_code}", param_hint="--centre")
    centre = centre_for_province(centre_code) if centre_code else national_centre()
    report = quarterly_report(centre, period)
    click.echo(f"{centre.name} – {period.label} ({period.first_day} – {period.last_day})")
    for label, value in summary_rows(report):
        click.echo(f"  {label}: {value}")
    for item in report["top_sources"]:
        click.echo(f"  source {item['platform']} {item['handle']}: {item['violations']}")
    for item in report.get("provinces", []):
        if item["reports_received"] or item["cases"] or item["takedowns"]["requested"]:
            click.echo("  " + " | ".join(str(value) for value in province_row(item)))
    if out_path:
        data = to_csv(report).encode("utf-8") if out_path.endswith(".csv") else to_xlsx(report)
        with open(out_path, "wb") as handle:
            handle.write(data)
        click.echo(f"written: {out_path}")


@sources_cli.command("attribute")
def attribute_command() -> None:
    """Attribute every report URL not attributed yet to its source (after an upgrade)."""
    from tingia.sources.service import attribute_unattributed

    count = attribute_unattributed()
    db.session.commit()
    click.echo(f"URLs attributed: {count}")


@images_cli.command("reencode")
@click.option("--batch", default=200, show_default=True, help="Images per transaction.")
def reencode_images_command(batch: int) -> None:
    """Re-encode images stored as uploaded (before metadata was stripped); delete the originals."""
    from tingia import storage
    from tingia.intake.reencode import reencode_legacy_images, unreferenced_keys

    done = unreadable = 0
    skipped: set[int] = set()
    while True:
        result = reencode_legacy_images(batch, skipped)
        db.session.commit()
        for key in unreferenced_keys(result.old_keys):
            storage.delete_image(key)
        done, unreadable = done + result.reencoded, unreadable + result.unreadable
        if not result.reencoded and not result.unreadable:
            break
    click.echo(f"re-encoded: {done}, unreadable (left as they are): {unreadable}")


@privacy_cli.command("purge")
def purge_command() -> None:
    """Erase contact details whose case was closed or published CONTACT_RETENTION_DAYS ago."""
    from flask import current_app

    from tingia.jobs.tasks import purge_contacts

    days = current_app.config["CONTACT_RETENTION_DAYS"]
    click.echo(f"contact details purged: {purge_contacts()} reports (retention {days} days)")


def register_cli(app: Flask) -> None:
    """Attach the commands to the app."""
    app.cli.add_command(seed_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(sources_cli)
    app.cli.add_command(images_cli)
    app.cli.add_command(privacy_cli)
