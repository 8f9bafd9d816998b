"""Tracking codes: what a reporter is given to follow their report. Pure functions."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L or U: a code read aloud over the phone is hard to get wrong.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4  # 12 characters: ~59 bits, unguessable even at a high lookup rate
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_GROUPS * CODE_GROUP_LENGTH}}}$")


def new_tracking_code() -> str:
    """A random code formatted as XXXX-XXXX-XXXX."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return _grouped(chars)


def normalise_tracking_code(raw: str) -> str | None:
    """Accept a code typed in any case, with or without dashes or spaces; None if malformed."""
    compact = re.sub(r"[\s\-]", "", raw or "").upper()
    if not CODE_PATTERN.match(compact):
        return None
    return _grouped(compact)


def _grouped(chars: str) -> str:
    return "-".join(
        chars[i : i + CODE_GROUP_LENGTH] for i in range(0, len(chars), CODE_GROUP_LENGTH)
    )
