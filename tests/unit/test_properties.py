"""Properties of text normalisation and URL canonicalisation, checked by hypothesis on generated
input (the example-based tests live beside this file)."""

from __future__ import annotations

import string
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tingia.matching.normalise import _is_droppable_char, drop_and_fold, normalise_text
from tingia.matching.urls import canonical_url, url_key
from tingia.text import fold_diacritics, fold_words

# Derandomised: the same examples on every run, so CI is repeatable.
PROPERTIES = settings(
    max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọ"
VIETNAMESE_LETTERS += "ồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
words = st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper(), min_size=1, max_size=8)
sentences = st.lists(words, min_size=0, max_size=30).map(" ".join)
any_text = st.text(max_size=300)  # every code point hypothesis likes, emoji and controls included

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,10}\.(vn|com|net|org)", fullmatch=True)
paths = st.lists(
    st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=10),
    max_size=4,
).map(lambda parts: "/" + "/".join(parts))
tracking = st.sampled_from(["utm_source=zalo", "fbclid=IwAR0x", "gclid=abc", "utm_medium=s"])


@PROPERTIES
@given(any_text)
def test_normalise_text_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once


@PROPERTIES
@given(any_text)
def test_normalised_text_is_lower_case_unaccented_words(text):
    normalised = normalise_text(text)
    assert normalised == normalised.strip()
    assert "  " not in normalised
    assert normalised == normalised.casefold()
    assert not any(
        unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFD", normalised)
    )
    assert "đ" not in normalised


@PROPERTIES
@given(sentences)
def test_accents_case_and_spacing_do_not_change_the_normalised_text(text):
    variant = "  ".join(fold_diacritics(text).upper().split(" "))
    assert normalise_text(variant) == normalise_text(text)


@PROPERTIES
@given(sentences)
def test_normalise_text_only_removes_words_from_the_folded_text(text):
    # Matching also drops social-media UI ("xem thêm", a lone "k" of "1,2k"): never adds words.
    folded = iter(fold_words(text).split())
    assert all(word in folded for word in normalise_text(text).split())


@PROPERTIES
@given(any_text)
def test_canonical_url_never_fails_and_is_idempotent(raw):
    canonical = canonical_url(raw)
    if canonical is not None:
        assert canonical_url(canonical) == canonical
        assert canonical.startswith(("http://", "https://"))


@PROPERTIES
@given(hosts, paths, st.lists(tracking, max_size=3), st.booleans(), st.booleans())
def test_scheme_www_tracking_and_trailing_slash_do_not_change_the_canonical_url(
    host, path, params, www, slash
):
    plain = f"https://{host}{path}"
    variant = f"http://{'www.' if www else ''}{host.upper()}{path}{'/' if slash else ''}"
    if params:
        variant += "?" + "&".join(params)
    assert canonical_url(variant) == canonical_url(plain)
    if canonical_url(plain) is not None:
        assert url_key(canonical_url(variant)) == url_key(canonical_url(plain))


@PROPERTIES
@given(any_text)
def test_drop_and_fold_is_dropping_then_folding(text):
    # The translate table folds one character at a time: the same as the character loop and
    # fold_diacritics over the whole text that it replaced.
    text = unicodedata.normalize("NFC", text)
    dropped = "".join(" " if _is_droppable_char(ch) else ch for ch in text)
    assert drop_and_fold(text) == fold_diacritics(dropped)
