"""flask seed, users, tokens."""

from sqlalchemy import func, select

from tingia.auth.service import user_for_token
from tingia.models import Centre, Province, Report, User


def test_seed_is_idempotent_and_builds_35_centres(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Province.code))) == 34
    assert db.session.scalar(select(func.count(Centre.id))) == 35
    assert (
        db.session.scalar(select(func.count(Centre.id)).where(Centre.province_code.is_(None))) == 1
    )
    assert "provinces added: 0, centres added: 0" in runner.invoke(args=["seed"]).output


def test_seed_demo_adds_staff_and_reports_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "verifier.hanoi@tingia.local" in first.output
    reports = db.session.scalar(select(func.count(Report.id)))
    assert 30 <= reports <= 60
    assert db.session.scalar(select(func.count(User.id))) >= 6
    second = runner.invoke(args=["seed", "--demo"])
    assert "already present" in second.output
    assert db.session.scalar(select(func.count(Report.id))) == reports


def test_users_create_in_a_province_or_national(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "v@hue.vn",
            "--role",
            "verifier",
            "--province",
            "46",
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "v@hue.vn"))
    assert user.centre.province_code == "46" and user.password_hash.startswith("$argon2id$")
    national = runner.invoke(
        args=["users", "create", "a@tingia.vn", "--role", "admin", "--password", "long-enough-pw"]
    )
    assert national.exit_code == 0
    assert db.session.scalar(select(User).where(User.email == "a@tingia.vn")).is_national


def test_users_create_refuses_bad_input(app, db):
    runner = app.test_cli_runner()
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "x@y.vn",
            "--role",
            "verifier",
            "--province",
            "99",
            "--password",
            "long-enough-pw",
        ]
    )
    assert unknown.exit_code != 0 and "99" in unknown.output
    short = runner.invoke(
        args=["users", "create", "x@y.vn", "--role", "verifier", "--password", "short"]
    )
    assert short.exit_code != 0 and "12" in short.output
    provincial_admin = runner.invoke(
        args=[
            "users",
            "create",
            "x@y.vn",
            "--role",
            "admin",
            "--province",
            "01",
            "--password",
            "long-enough-pw",
        ]
    )
    assert provincial_admin.exit_code != 0


def test_tokens_create_prints_only_the_token_last(app, db, make):
    user = make.user(email="api@centre.vn")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tokens", "create", "api@centre.vn"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("tg_") and " " not in token
    assert user_for_token(token).id == user.id
    assert token not in str(db.session.execute(select(User.password_hash)).all())
