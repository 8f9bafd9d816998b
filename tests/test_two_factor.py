"""TOTP two-factor sign-in: required for leads and admins, optional for verifiers; single-use codes,
recovery codes, enrolment with a QR code, reset by an admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD
from tingia.models import AuthAction, AuthEvent, RecoveryCode, User


def sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def second_step(client, code):
    return client.post("/login/two-factor", data={"code": code})


def enrol_at_sign_in(client, email):
    """Sign in as a lead or admin without two-factor: enrol; returns (secret, recovery codes)."""
    answer = sign_in(client, email)
    assert answer.status_code == 302 and answer.headers["Location"] == "/login/two-factor/setup"
    page = client.get("/login/two-factor/setup")
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page.text).group(1)
    secret = secret.replace(" ", "")
    done = client.post("/login/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.text
    codes = re.findall(r'data-testid="recovery-code">([a-z0-9-]+)<', done.text)
    return secret, codes


def test_a_lead_must_enrol_before_reaching_any_staff_page(client, db, make):
    make.user("lead", "01", email="lead@hanoi.gov.vn", two_factor=False)
    db.session.commit()
    client.get("/?lang=en")
    answer = sign_in(client, "lead@hanoi.gov.vn")
    assert answer.headers["Location"] == "/login/two-factor/setup"
    for page in ("/staff/", "/staff/team", "/account/password", "/staff/account/sessions"):
        assert client.get(page).status_code == 302, page  # not signed in yet
    setup = client.get("/login/two-factor/setup")
    assert setup.status_code == 200 and "<svg" in setup.text  # the QR code, inline
    assert 'data-testid="totp-secret"' in setup.text
    wrong = client.post("/login/two-factor/setup", data={"code": "000000"})
    assert wrong.status_code == 400 and "code is not valid" in wrong.text
    assert client.get("/staff/").status_code == 302
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', setup.text).group(1)
    done = client.post(
        "/login/two-factor/setup", data={"code": pyotp.TOTP(secret.replace(" ", "")).now()}
    )
    assert done.status_code == 200
    codes = re.findall(r'data-testid="recovery-code">([a-z0-9-]+)<', done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/staff/").status_code == 200
    # Recovery codes are shown once and stored only as digests.
    assert not re.findall(r'data-testid="recovery-code"', client.get("/staff/").text)
    stored = " ".join(db.session.scalars(select(RecoveryCode.code_hash)))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


def test_admins_must_enrol_too_and_verifiers_need_not(client, db, make):
    make.user("admin", None, email="admin@tingia.vn", two_factor=False)
    make.user("verifier", "01", email="kcv@hanoi.gov.vn")
    db.session.commit()
    assert sign_in(client, "admin@tingia.vn").headers["Location"] == "/login/two-factor/setup"
    other = client.application.test_client()
    assert sign_in(other, "kcv@hanoi.gov.vn").headers["Location"] == "/staff/"


def test_an_enrolled_lead_gives_a_code_after_the_password(client, db, make):
    lead = make.user("lead", "01", email="lead@hanoi.gov.vn")
    db.session.commit()
    client.get("/?lang=en")
    assert sign_in(client, "lead@hanoi.gov.vn").headers["Location"] == "/login/two-factor"
    assert client.get("/staff/").status_code == 302
    assert second_step(client, "123456").status_code == 400
    answer = second_step(client, make.totp_code(lead))
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_code_is_accepted_once(app, client, db, make):
    lead = make.user("lead", "01", email="lead@hanoi.gov.vn")
    db.session.commit()
    client.get("/?lang=en")
    code = make.totp_code(lead)
    sign_in(client, lead.email)
    assert second_step(client, code).status_code == 302
    client.post("/logout")
    # The same code again, within its 30-second window, from another browser: refused.
    replay = app.test_client()
    replay.get("/?lang=en")
    sign_in(replay, lead.email)
    refused = second_step(replay, code)
    assert refused.status_code == 400 and "code is not valid" in refused.text
    assert replay.get("/staff/").status_code == 302


def test_the_second_step_expires_and_needs_the_password_first(client, db, make, clock):
    lead = make.user("lead", "01", email="lead@hanoi.gov.vn")
    db.session.commit()
    assert client.get("/login/two-factor").status_code == 302  # no password given yet
    assert second_step(client, make.totp_code(lead)).status_code == 302
    assert client.get("/staff/").status_code == 302
    sign_in(client, lead.email)
    clock.shift(timedelta(minutes=6))
    late = second_step(client, make.totp_code(lead))
    assert late.status_code == 302 and late.headers["Location"].startswith("/login")
    assert client.get("/staff/").status_code == 302


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, db, make):
    lead = make.user("lead", "01", email="lead@hanoi.gov.vn")
    db.session.commit()
    client.get("/?lang=en")
    sign_in(client, lead.email)
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        assert second_step(client, guess).status_code == 400
    locked = second_step(client, make.totp_code(lead))
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert client.get("/staff/").status_code == 302


def test_recovery_codes_work_once_each(app, client, db, make):
    make.user("lead", "01", email="lead@hanoi.gov.vn", two_factor=False)
    db.session.commit()
    _, codes = enrol_at_sign_in(client, "lead@hanoi.gov.vn")
    client.post("/logout")
    for browser_number in range(2):
        browser = app.test_client()
        browser.get("/?lang=en")
        sign_in(browser, "lead@hanoi.gov.vn")
        answer = second_step(browser, codes[0].upper())  # case and spaces do not matter
        if browser_number == 0:
            assert answer.status_code == 302 and browser.get("/staff/").status_code == 200
        else:
            assert answer.status_code == 400 and browser.get("/staff/").status_code == 302
    assert (
        db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.used_at.is_(None)))
        == len(codes) - 1
    )


def test_a_verifier_turns_two_factor_on_and_off(client, db, make):
    verifier = make.user("verifier", "01", email="kcv@hanoi.gov.vn")
    make.login(client, verifier)
    client.get("/?lang=en")
    page = client.get("/staff/account/two-factor")
    assert page.status_code == 200 and "<svg" in page.text
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page.text).group(1)
    totp = pyotp.TOTP(secret.replace(" ", ""))
    done = client.post("/staff/account/two-factor", data={"code": totp.now()})
    assert done.status_code == 200 and done.text.count('data-testid="recovery-code"') == 10
    client.post("/logout")
    assert sign_in(client, verifier.email).headers["Location"] == "/login/two-factor"
    assert second_step(client, make.totp_code(verifier)).status_code == 302
    refused = client.post(
        "/staff/account/two-factor/disable", data={"disable-password": "wrong one"}
    )
    assert refused.status_code == 400
    off = client.post("/staff/account/two-factor/disable", data={"disable-password": PASSWORD})
    assert off.status_code == 302
    client.post("/logout")
    assert sign_in(client, verifier.email).headers["Location"] == "/staff/"


def test_leads_cannot_turn_two_factor_off(client, db, make):
    lead = make.user("lead", "01")
    make.login(client, lead)
    assert (
        client.post(
            "/staff/account/two-factor/disable", data={"disable-password": PASSWORD}
        ).status_code
        == 403
    )
    assert db.session.get(User, lead.id).totp_secret is not None


def test_new_recovery_codes_replace_the_old_ones(client, db, make):
    make.user("lead", "01", email="lead@hanoi.gov.vn", two_factor=False)
    db.session.commit()
    _, old = enrol_at_sign_in(client, "lead@hanoi.gov.vn")
    fresh = client.post(
        "/staff/account/two-factor/recovery-codes", data={"codes-password": PASSWORD}
    )
    new = re.findall(r'data-testid="recovery-code">([a-z0-9-]+)<', fresh.text)
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout")
    sign_in(client, "lead@hanoi.gov.vn")
    assert second_step(client, old[1]).status_code == 400
    assert second_step(client, new[1]).status_code == 302


def test_an_admin_resets_a_leads_two_factor(app, client, db, make):
    admin = make.user("admin", None)
    lead = make.user("lead", "01", email="lead@hanoi.gov.vn")
    db.session.commit()
    lead_browser = app.test_client()
    sign_in(lead_browser, lead.email)
    second_step(lead_browser, make.totp_code(lead))
    assert lead_browser.get("/staff/").status_code == 200
    make.login(client, admin)
    reset = client.post(f"/staff/admin/users/{lead.id}/two-factor/reset")
    assert reset.status_code == 302
    assert lead_browser.get("/staff/").status_code == 302  # the lead's sessions ended
    assert db.session.get(User, lead.id).totp_secret is None
    assert sign_in(lead_browser, lead.email).headers["Location"] == "/login/two-factor/setup"
    assert (
        db.session.scalar(
            select(AuthEvent).where(AuthEvent.action == AuthAction.TWO_FACTOR_RESET)
        ).actor_id
        == admin.id
    )


def test_only_admins_reset_two_factor(client, db, make):
    lead = make.user("lead", "01")
    verifier = make.user("verifier", "01", two_factor=True)
    make.login(client, lead)
    assert client.post(f"/staff/admin/users/{verifier.id}/two-factor/reset").status_code == 403
    assert db.session.get(User, verifier.id).totp_secret is not None


def test_a_verifier_promoted_to_lead_must_enrol(app, client, db, make):
    admin = make.user("admin", None)
    verifier = make.user("verifier", "01", email="kcv@hanoi.gov.vn")
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, verifier.email)
    assert browser.get("/staff/").status_code == 200
    make.login(client, admin)
    client.post(
        f"/staff/admin/users/{verifier.id}", data={"role": "lead", "centre_id": verifier.centre_id}
    )
    assert db.session.get(User, verifier.id).role == "lead"
    assert browser.get("/staff/").status_code == 302  # a session without a second factor
    assert sign_in(browser, verifier.email).headers["Location"] == "/login/two-factor/setup"


@pytest.mark.parametrize(
    ("steps", "action"),
    [
        ("wrong_password", AuthAction.LOGIN_FAILED),
        ("sign_in", AuthAction.LOGIN_SUCCEEDED),
        ("sign_out", AuthAction.LOGOUT),
        ("wrong_code", AuthAction.SECOND_FACTOR_FAILED),
    ],
)
def test_sign_in_events_are_recorded(client, db, make, steps, action):
    lead = make.user("lead", "01", email="lead@hanoi.gov.vn")
    db.session.commit()
    if steps == "wrong_password":
        sign_in(client, lead.email, "not the password")
    else:
        sign_in(client, lead.email)
        second_step(client, "000000" if steps == "wrong_code" else make.totp_code(lead))
        if steps == "sign_out":
            client.post("/logout")
    event = db.session.scalar(select(AuthEvent).where(AuthEvent.action == action))
    assert event is not None and event.user_id == lead.id
    assert event.ip == "127.0.0.1"


def test_demo_leads_sign_in_with_the_documented_secret(app, client, db):
    from tingia.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    result = app.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_TOTP_SECRET in result.output
    assert sign_in(client, "lead.hanoi@tingia.local", DEMO_PASSWORD).headers["Location"] == (
        "/login/two-factor"
    )
    assert second_step(client, pyotp.TOTP(DEMO_TOTP_SECRET).now()).status_code == 302
    assert client.get("/staff/").status_code == 200
    other = app.test_client()
    assert sign_in(other, "verifier.hanoi@tingia.local", DEMO_PASSWORD).status_code == 302
    assert other.get("/staff/").status_code == 200
