"""Sign-in against enumeration and guessing: the same work for every email, per-account back-off
that holds across processes (database counters) and through a Redis outage, a password policy."""

from __future__ import annotations

import re
import socket
from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from tests.factories import PASSWORD
from tingia.auth import service


def sign_in(client, email, password=PASSWORD, address="198.51.100.1"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


class CountingHasher(PasswordHasher):
    """The suite's cheap hasher, recording the parameters of every hash it verifies against."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified: list[str] = []

    def verify(self, hash, password):  # noqa: A002  (argon2's own parameter name)
        self.verified.append(re.sub(r"\$[^$]*\$[^$]*$", "", hash))  # the parameters, no salt
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher()
    monkeypatch.setattr(service, "password_hasher", counting)
    return counting


def test_unknown_inactive_and_known_emails_cost_the_same_work(client, db, make, hasher):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    make.user("verifier", "01", email="cu@hanoi.gov.vn", active=False)
    db.session.commit()
    client.get("/?lang=en")
    hasher.verified.clear()
    answers = [
        sign_in(client, "lan@hanoi.gov.vn", "not-the-password"),
        sign_in(client, "nobody@hanoi.gov.vn", "not-the-password"),
        sign_in(client, "cu@hanoi.gov.vn", PASSWORD),
    ]
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert all("Wrong email or password" in answer.text for answer in answers)
    # One argon2 verification each, with the same parameters.
    assert len(hasher.verified) == 3, hasher.verified
    assert len(set(hasher.verified)) == 1, hasher.verified


def test_failures_lock_the_account_from_any_address_with_back_off(client, db, make, clock):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    client.get("/?lang=en")
    for n in range(5):  # five guesses from five addresses
        assert (
            sign_in(client, "lan@hanoi.gov.vn", f"guess-{n}", f"203.0.113.{n}").status_code == 400
        )
    locked = sign_in(client, "lan@hanoi.gov.vn", PASSWORD, "192.0.2.99")
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert client.get("/staff/").status_code == 302
    clock.shift(timedelta(seconds=31))
    assert sign_in(client, "lan@hanoi.gov.vn", "guess-5").status_code == 400
    # The sixth failure doubles the wait: still locked after 31 s, open after 61 s.
    clock.shift(timedelta(seconds=31))
    assert sign_in(client, "lan@hanoi.gov.vn", PASSWORD).status_code == 429
    clock.shift(timedelta(seconds=31))
    assert sign_in(client, "lan@hanoi.gov.vn", PASSWORD).status_code == 302
    # Success clears the count: the next mistake is not locked out.
    client.post("/logout")
    assert sign_in(client, "lan@hanoi.gov.vn", "typo").status_code == 400
    assert sign_in(client, "lan@hanoi.gov.vn", PASSWORD).status_code == 302


def test_unknown_emails_are_locked_out_the_same_way(client, db, make):
    client.get("/?lang=en")
    answers = [sign_in(client, "nobody@hanoi.gov.vn", f"guess-{n}") for n in range(6)]
    assert [answer.status_code for answer in answers] == [400] * 5 + [429]
    assert "Too many failed sign-ins" in answers[-1].text


def test_the_back_off_is_capped(client, db, make, clock):
    make.user("verifier", "01", email="lan@hanoi.gov.vn")
    db.session.commit()
    for n in range(14):
        sign_in(client, "lan@hanoi.gov.vn", f"guess-{n}")
        clock.shift(timedelta(minutes=16))  # past any lock: every guess counts
    assert sign_in(client, "lan@hanoi.gov.vn", "guess-x").status_code == 400
    clock.shift(timedelta(minutes=15, seconds=1))
    assert sign_in(client, "lan@hanoi.gov.vn", PASSWORD).status_code == 302


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_redis_down_sign_in_works_and_the_account_lock_still_holds(db, make, app_config):
    from tingia import create_app

    app = create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    )
    with app.app_context():
        make.user("verifier", "01", email="lan@hanoi.gov.vn")
        make.user("verifier", "01", email="minh@hanoi.gov.vn")
        db.session.commit()
        client = app.test_client()
        assert sign_in(client, "minh@hanoi.gov.vn").status_code == 302  # not closed to everyone
        client.post("/logout")
        for n in range(5):
            sign_in(client, "lan@hanoi.gov.vn", f"guess-{n}", f"203.0.113.{n}")
        assert sign_in(client, "lan@hanoi.gov.vn", PASSWORD, "192.0.2.1").status_code == 429
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    "password",
    [
        "short-pw-11",  # 11 characters
        "passwordpassword",  # common
        "matkhau123456",  # common in Vietnam ("mật khẩu" = password)
        "anhyeuem1234",
        "qwertyuiopasdf",
        "lan@hanoi.gov.vn",  # the account's own email
    ],
)
def test_weak_passwords_are_refused(db, make, password):
    from tingia.centres.scoping import centre_for_province

    with pytest.raises(service.AccountError):
        service.create_user("lan@hanoi.gov.vn", password, "verifier", centre_for_province("01"))


@pytest.mark.parametrize(
    "password", ["ba con mèo đen ngủ trưa", "correct horse battery", "Xe-đạp-của-bà-2026"]
)
def test_long_uncommon_passwords_are_accepted_whatever_their_characters(db, make, password):
    from tingia.centres.scoping import centre_for_province

    user = service.create_user("lan@hanoi.gov.vn", password, "verifier", centre_for_province("01"))
    assert service.check_password(user, password)


def test_the_forms_explain_the_policy(client, db, make):
    user = make.user("lead", "01")
    make.login(client, user)
    client.get("/?lang=en")
    common = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "passwordpassword",
            "confirm": "passwordpassword",
        },
    )
    assert common.status_code == 400 and "too common" in common.text
    short = client.post(
        "/staff/team", data={"email": "moi@hanoi.gov.vn", "name": "", "password": "short-pw-11"}
    )
    assert short.status_code == 400 and "at least 12 characters" in short.text


def test_names_nobody_failed_with_for_a_day_are_forgotten(client, db, make, clock):
    from sqlalchemy import func, select

    from tingia.models import LoginThrottle

    for n in range(3):
        sign_in(client, f"nobody{n}@hanoi.gov.vn", "guess")
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 3
    clock.shift(timedelta(hours=25))
    sign_in(client, "someone.else@hanoi.gov.vn", "guess")
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 1
