"""The pure rules of staff sign-in: back-off, session liveness, TOTP steps, recovery codes."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from tingia.auth.sessions import is_live
from tingia.auth.throttle import backoff_seconds, throttle_key
from tingia.auth.two_factor import grouped, matching_step, normalise_recovery_code
from tingia.models import StaffSession

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
IDLE, LONGEST = timedelta(minutes=30), timedelta(hours=12)


@pytest.mark.parametrize(
    ("failures", "seconds"), [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (10, 900), (500, 900)]
)
def test_backoff_doubles_after_the_free_failures_up_to_the_cap(failures, seconds):
    assert backoff_seconds(failures, free=5, base=30, cap=900) == seconds


def test_throttle_keys_ignore_case_and_spaces_and_hide_the_email():
    assert throttle_key(" Lan@Hanoi.gov.vn ") == throttle_key("lan@hanoi.gov.vn")
    assert "lan" not in throttle_key("lan@hanoi.gov.vn")


def _session(created_minutes_ago: float, seen_minutes_ago: float, revoked: bool = False):
    return StaffSession(
        created_at=NOW - timedelta(minutes=created_minutes_ago),
        last_seen_at=NOW - timedelta(minutes=seen_minutes_ago),
        revoked_at=NOW if revoked else None,
    )


@pytest.mark.parametrize(
    ("created", "seen", "revoked", "live"),
    [
        (10, 1, False, True),
        (10, 1, True, False),  # revoked
        (60, 30, False, True),  # exactly the idle limit
        (60, 31, False, False),  # idle too long
        (12 * 60, 0, False, True),
        (12 * 60 + 1, 0, False, False),  # older than the absolute limit, however active
    ],
)
def test_session_liveness(created, seen, revoked, live):
    assert is_live(_session(created, seen, revoked), NOW, IDLE, LONGEST) is live


def test_a_code_matches_its_step_and_the_neighbouring_ones_only():
    secret = pyotp.random_base32(32)
    now = NOW.timestamp()
    step = int(now // 30)
    totp = pyotp.TOTP(secret)
    assert matching_step(secret, totp.generate_otp(step), now) == step
    assert matching_step(secret, totp.generate_otp(step - 1), now) == step - 1
    assert matching_step(secret, totp.generate_otp(step + 1), now) == step + 1
    assert matching_step(secret, totp.generate_otp(step - 2), now) is None
    code = totp.generate_otp(step)
    assert matching_step(secret, f"{code[:3]} {code[3:]}", now) == step  # spaces allowed
    assert matching_step(secret, "abcdef", now) is None
    assert matching_step(secret, code + "0", now) is None


def test_recovery_codes_compare_without_case_spaces_or_dashes():
    assert normalise_recovery_code(" ABCD-efgh ijkl-MNOP ") == "abcdefghijklmnop"


def test_the_secret_is_shown_in_groups_of_four():
    assert grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"
