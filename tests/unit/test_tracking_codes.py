"""Tracking codes: short, unguessable, easy to read aloud and forgiving when typed."""

import re

from tingia.tracking_codes import CODE_ALPHABET, new_tracking_code, normalise_tracking_code


def test_codes_are_three_groups_of_four_unambiguous_characters():
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert not set(code.replace("-", "")) & set("01OILU")


def test_alphabet_leaves_out_confusable_characters():
    assert not set(CODE_ALPHABET) & set("01OILU")
    assert len(CODE_ALPHABET) ** 12 > 2**58


def test_typed_codes_are_normalised():
    code = new_tracking_code()
    assert normalise_tracking_code(code.lower()) == code
    assert normalise_tracking_code(code.replace("-", " ")) == code
    assert normalise_tracking_code(code.replace("-", "")) == code
    assert normalise_tracking_code("ABC") is None
    assert normalise_tracking_code("0000-0000-0000") is None
