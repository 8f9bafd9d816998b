"""Server-side staff sessions: a cookie copied from a browser stops working when the session ends
(sign-out, password change, deactivation, revocation, idle and absolute timeouts)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import PASSWORD


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def copy_of(client, app):
    """Another client holding a copy of this client's session cookie (a stolen cookie)."""
    cookie = client.get_cookie("session", domain="tingia.test")
    assert cookie is not None, "the client has no session cookie"
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain="tingia.test")
    return thief


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    assert sign_in(client, "lan@hanoi.gov.vn").status_code == 302
    thief = copy_of(client, app)
    assert thief.get("/staff/").status_code == 200  # the copy works while the session lives
    client.post("/logout")
    refused = thief.get("/staff/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_a_cookie_copied_before_a_password_change_is_refused_after_it(app, client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    sign_in(client, "lan@hanoi.gov.vn")
    thief = copy_of(client, app)
    assert thief.get("/staff/").status_code == 200
    changed = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert changed.status_code == 302
    assert thief.get("/staff/").status_code == 302
    # The browser that changed the password stays signed in, on a new session.
    assert client.get("/staff/").status_code == 200


def test_a_cookie_copied_before_deactivation_is_refused_even_after_reactivation(
    app, client, db, make
):
    lead = make.user("lead", "01")
    verifier = make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    verifier_browser = app.test_client()
    sign_in(verifier_browser, "lan@hanoi.gov.vn")
    thief = copy_of(verifier_browser, app)
    assert thief.get("/staff/").status_code == 200
    make.login(client, lead)
    client.post(f"/staff/team/{verifier.id}/active", data={"active": "0"})
    client.post(f"/staff/team/{verifier.id}/active", data={"active": "1"})
    assert verifier.active is True
    assert thief.get("/staff/").status_code == 302
    assert verifier_browser.get("/staff/").status_code == 302


def test_sessions_expire_after_30_idle_minutes(app, client, db, make, clock):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    sign_in(client, "lan@hanoi.gov.vn")
    for _ in range(3):  # activity keeps the session alive past 30 minutes in all
        clock.shift(timedelta(minutes=20))
        assert client.get("/staff/").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sessions_end_after_12_hours_however_active(app, client, db, make, clock):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    sign_in(client, "lan@hanoi.gov.vn")
    for _ in range(47):  # a request every 15 minutes for 11 h 45 min
        clock.shift(timedelta(minutes=15))
        assert client.get("/staff/").status_code == 200
    clock.shift(timedelta(minutes=16))
    assert client.get("/staff/").status_code == 302


def test_the_timeouts_are_configurable(app, db, make, clock, app_config):
    from tingia import create_app

    short = create_app({**app_config, "STAFF_SESSION_IDLE_MINUTES": 5})
    user = make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    client = short.test_client()  # each request in its own app context of `short`
    sign_in(client, user.email)
    clock.shift(timedelta(minutes=4))
    assert client.get("/staff/").status_code == 200
    clock.shift(timedelta(minutes=6))
    assert client.get("/staff/").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(app, client, db, make, clock):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    sign_in(client, "lan@hanoi.gov.vn")
    from tingia.models import StaffSession

    staff_session = db.session.scalar(select(StaffSession))
    first_seen = staff_session.last_seen_at
    clock.shift(timedelta(seconds=20))
    client.get("/staff/")
    db.session.refresh(staff_session)
    assert staff_session.last_seen_at == first_seen  # no write for a request 20 s later
    clock.shift(timedelta(seconds=50))
    client.get("/staff/")
    db.session.refresh(staff_session)
    assert staff_session.last_seen_at > first_seen


def test_no_year_long_remember_cookie(client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    response = sign_in(client, "lan@hanoi.gov.vn", remember="y")
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and not any(c.startswith("remember_token=") for c in cookies), cookies
    for cookie in cookies:
        assert "SameSite=Lax" in cookie and "HttpOnly" in cookie, cookie
        assert "Expires=" not in cookie, cookie  # a browser-session cookie


def test_cookies_are_secure_in_production(app_config):
    from tingia import create_app

    production = create_app({**app_config, "ENV": "production"})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert production.config["REMEMBER_COOKIE_DURATION"] <= timedelta(
        hours=production.config["STAFF_SESSION_MAX_HOURS"]
    )


def test_staff_see_their_sessions_and_revoke_one(app, client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    sign_in(client, "lan@hanoi.gov.vn")
    laptop = app.test_client()
    sign_in(laptop, "lan@hanoi.gov.vn", **{})
    page = client.get("/staff/account/sessions")
    assert page.status_code == 200
    assert page.text.count('data-testid="session-row"') == 2
    assert page.text.count('data-current="true"') == 1
    from tingia.models import StaffSession

    other = db.session.scalars(select(StaffSession).order_by(StaffSession.id)).all()[1]
    assert client.post(f"/staff/account/sessions/{other.id}/revoke").status_code == 302
    assert laptop.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 200
    assert client.get("/staff/account/sessions").text.count('data-testid="session-row"') == 1


def test_sign_out_everywhere_else(app, client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    sign_in(client, "lan@hanoi.gov.vn")
    others = [app.test_client() for _ in range(2)]
    for other in others:
        sign_in(other, "lan@hanoi.gov.vn")
    assert client.post("/staff/account/sessions/revoke-others").status_code == 302
    assert [other.get("/staff/").status_code for other in others] == [302, 302]
    assert client.get("/staff/").status_code == 200


def test_another_users_session_cannot_be_revoked(app, client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    make.user("verifier", "01", email="minh@hanoi.gov.vn")
    db.session.commit()
    victim = app.test_client()
    sign_in(victim, "minh@hanoi.gov.vn")
    from tingia.models import StaffSession

    victims_session = db.session.scalar(select(StaffSession))
    sign_in(client, "lan@hanoi.gov.vn")
    assert client.post(f"/staff/account/sessions/{victims_session.id}/revoke").status_code == 404
    assert victim.get("/staff/").status_code == 200


def test_the_session_records_address_and_browser(client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    client.post(
        "/login",
        data={"email": "lan@hanoi.gov.vn", "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    from tingia.models import StaffSession

    staff_session = db.session.scalar(select(StaffSession))
    assert staff_session.ip == "203.0.113.7"
    assert "Chrome/131" in staff_session.user_agent
    # Only a digest of the cookie's key is stored.
    cookie = client.get_cookie("session", domain="tingia.test").value
    assert staff_session.key_hash not in cookie


def test_revocations_are_in_the_sign_in_audit(app, client, db, make):
    from tingia.models import AuthAction, AuthEvent

    lead = make.user("lead", "01")
    verifier = make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    sign_in(client, verifier.email)
    other = app.test_client()
    sign_in(other, verifier.email)
    client.post("/staff/account/sessions/revoke-others")
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    manager = app.test_client()
    make.login(manager, lead)
    manager.post(f"/staff/team/{verifier.id}/active", data={"active": "0"})
    events = db.session.scalars(
        select(AuthEvent).where(AuthEvent.user_id == verifier.id).order_by(AuthEvent.id)
    ).all()
    revoked = [
        (e.detail.get("reason"), e.actor_id) for e in events if e.action == "sessions_revoked"
    ]
    assert revoked == [
        ("signed_out_elsewhere", None),
        ("password_changed", None),
        ("deactivated", lead.id),
    ]
    assert AuthAction.PASSWORD_CHANGED in [e.action for e in events]
