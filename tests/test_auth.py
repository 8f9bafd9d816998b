"""Sign-in, sign-out, passwords, and the accounts pages of leads and admins."""

import re

from sqlalchemy import select

from tests.factories import PASSWORD
from tingia.auth.service import check_password
from tingia.models import ApiToken, User


def sign_in(client, email, password=PASSWORD, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_goes_to_the_queue_and_records_the_time(client, db, make):
    user = make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    assert client.get("/staff/").status_code == 302
    response = sign_in(client, "  LAN@hanoi.gov.vn ")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert user.last_login_at is not None
    assert client.get("/staff/").status_code == 200
    assert user.password_hash.startswith("$argon2id$")


def test_wrong_password_and_unknown_email_get_the_same_answer(client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    client.get("/?lang=en")  # messages in English (the session remembers it)
    wrong = sign_in(client, "lan@hanoi.gov.vn", "not-the-password")
    unknown = sign_in(client, "nobody@hanoi.gov.vn")
    assert wrong.status_code == unknown.status_code == 400
    assert "Wrong email or password" in wrong.text and "Wrong email or password" in unknown.text
    assert client.get("/staff/").status_code == 302


def test_inactive_users_cannot_sign_in_and_lose_their_session(client, db, make):
    user = make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    assert sign_in(client, "lan@hanoi.gov.vn").status_code == 302
    user.active = False
    db.session.commit()
    assert client.get("/staff/").status_code == 302  # the session no longer counts
    assert sign_in(client, "lan@hanoi.gov.vn").status_code == 400


def test_next_is_followed_only_within_the_site(client, db, make):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    assert (
        sign_in(client, "lan@hanoi.gov.vn", next_url="/staff/?q=x")
        .headers["Location"]
        .endswith("/staff/?q=x")
    )
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = sign_in(client, "lan@hanoi.gov.vn", next_url=evil)
        assert response.headers["Location"] == "/staff/", evil
        client.post("/logout")


def test_logout_is_a_post(client, db, make):
    user = make.user("verifier", "01")
    make.login(client, user)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/staff/").status_code == 302


def test_change_password(client, db, make):
    user = make.user("verifier", "01", email="lan@hanoi.gov.vn")
    make.login(client, user)
    client.get("/?lang=en")
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "nope",
            "new_password": "a-new-secret",
            "confirm": "a-new-secret",
        },
    )
    assert wrong.status_code == 400 and "Wrong password" in wrong.text
    mismatch = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a-new-secret", "confirm": "other"},
    )
    assert mismatch.status_code == 400
    short = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert short.status_code == 400
    done = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-secret",
            "confirm": "a-new-secret",
        },
    )
    assert done.status_code == 302
    assert check_password(user, "a-new-secret") and not check_password(user, PASSWORD)
    client.post("/logout")
    assert sign_in(client, "lan@hanoi.gov.vn", "a-new-secret").status_code == 302


def test_tokens_of_deactivated_users_stop_working(client, db, make):
    user = make.user("verifier", "01")
    headers = make.auth_headers(user)
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_a_lead_adds_and_deactivates_verifiers_of_their_centre(client, db, make):
    lead = make.user("lead", "01")
    other_lead = make.user("lead", "01", email="lead2@hanoi.gov.vn")
    make.login(client, lead)
    client.get("/?lang=en")
    page = client.get("/staff/team")
    assert page.status_code == 200 and "lead2@hanoi.gov.vn" in page.text
    created = client.post(
        "/staff/team",
        data={"email": "moi@hanoi.gov.vn", "name": "Chị Mới", "password": "long-enough-pw"},
    )
    assert created.status_code == 302
    new = db.session.scalar(select(User).where(User.email == "moi@hanoi.gov.vn"))
    assert new.role == "verifier" and new.centre_id == lead.centre_id
    duplicate = client.post(
        "/staff/team",
        data={"email": "moi@hanoi.gov.vn", "name": "x", "password": "long-enough-pw"},
    )
    assert duplicate.status_code == 400 and "exists already" in duplicate.text
    off = client.post(f"/staff/team/{new.id}/active", data={"active": "0"})
    assert off.status_code == 302 and new.active is False
    client.post(f"/staff/team/{new.id}/active", data={"active": "1"})
    assert new.active is True
    # Leads manage verifiers, not other leads.
    assert (
        client.post(f"/staff/team/{other_lead.id}/active", data={"active": "0"}).status_code == 403
    )
    assert other_lead.active is True


def test_admins_manage_every_account(client, db, make):
    from tingia.centres.scoping import centre_for_province

    admin = make.user("admin", None)
    verifier = make.user("verifier", "79")
    make.login(client, admin)
    listing = client.get(f"/staff/admin/users?centre={verifier.centre_id}")
    assert listing.status_code == 200 and verifier.email in listing.text
    hue = centre_for_province("46")
    created = client.post(
        "/staff/admin/users",
        data={
            "email": "lead@hue.gov.vn",
            "name": "",
            "password": "long-enough-pw",
            "role": "lead",
            "centre_id": hue.id,
        },
    )
    assert created.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "lead@hue.gov.vn")).centre == hue
    promoted = client.post(
        f"/staff/admin/users/{verifier.id}", data={"role": "lead", "centre_id": verifier.centre_id}
    )
    assert promoted.status_code == 302 and verifier.role == "lead"
    client.post(f"/staff/admin/users/{verifier.id}", data={"role": "admin", "centre_id": hue.id})
    assert verifier.role == "lead"  # admins belong to the national centre
    client.post(f"/staff/team/{admin.id}/active", data={"active": "0"})
    assert admin.active is True  # not oneself


def test_staff_create_and_revoke_their_api_tokens(client, db, make):
    user = make.user("verifier", "01")
    make.login(client, user)
    created = client.post("/staff/account/tokens", data={"name": "bảng điều khiển"})
    assert created.status_code == 200
    token = re.search(r'data-testid="new-token">(tg_[^<]+)<', created.text).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    listed = client.get("/staff/account/tokens").text
    assert token not in listed and token[:10] in listed  # shown once, then only its prefix
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash != token and token not in stored.token_hash
    client.post(f"/staff/account/tokens/{stored.id}/revoke")
    assert stored.revoked_at is not None
    assert client.get("/api/v1/cases", headers=headers).status_code == 401


def test_a_lead_revokes_a_verifiers_token_but_not_another_leads(client, db, make):
    lead = make.user("lead", "01")
    verifier = make.user("verifier", "01")
    other_lead = make.user("lead", "01")
    make.token(verifier)
    make.token(other_lead)
    make.login(client, lead)
    tokens = {t.user_id: t for t in db.session.scalars(select(ApiToken))}
    page = client.get("/staff/team").text
    assert f"/staff/account/tokens/{tokens[verifier.id].id}/revoke" in page
    client.post(f"/staff/account/tokens/{tokens[verifier.id].id}/revoke")
    assert tokens[verifier.id].revoked_at is not None
    response = client.post(f"/staff/account/tokens/{tokens[other_lead.id].id}/revoke")
    assert response.status_code == 404 and tokens[other_lead.id].revoked_at is None
