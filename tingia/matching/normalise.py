"""Text normalisation for matching reports (Vietnamese and English social-media text)."""

from __future__ import annotations

import html
import re
import unicodedata

from tingia.text import fold_diacritics

# URLs with a scheme or "www.", and bare "domain.tld/path" links that reporters paste.
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|vn|me|ly|be|co|gl|info|io|tv)/\S*",
    re.IGNORECASE,
)
# "#hashtag" and "@mention" (not the "@" inside an e-mail address).
_TAG_RE = re.compile(r"(?<![\w@])[#@][\w.]*\w")
# Engagement counters ("1,2K lượt thích", "300 bình luận", "45 shares"), matched on folded text.
_COUNTER_RE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*[km]?\s*"
    r"(?:luot thich|luot chia se|luot binh luan|binh luan|luot xem|cam xuc"
    r"|likes?|comments?|shares?|views?|reactions?)\b"
)
# Phrases of the social-media UI. They are also ordinary words ("giải thích", "chia sẻ với
# báo chí"), so they are removed only where they are UI: on a line made only of UI words and
# counters, or as the "... Xem thêm" that ends a truncated post.
_UI_PHRASES = (
    "xem ban dich",
    "see translation",
    "xem them",
    "see more",
    "an bot",
    "see less",
    "tra loi",
    "reply",
    "theo doi",
    "follow",
    "chia se",
    "share",
    "binh luan",
    "comment",
    "thich",
    "like",
    "more",
)
_UI_LINE_RE = re.compile(
    r"^(?:\W|\d|[km]\b|" + "|".join(re.escape(p) + r"\b" for p in _UI_PHRASES) + r")*$"
)
_SEE_MORE_RE = re.compile(r"(?:\.\.\.|…)?\s*(?:xem them|see more|\.\.\.\s*more|…\s*more)\W*$")
_TRANSLATE_RE = re.compile(r"\b(?:xem ban dich|see translation)\b")
_NON_WORD_RE = re.compile(r"[\W_]+")


def _is_droppable_char(ch: str) -> bool:
    """Emoji, pictographs, format characters (ZWJ, variation selectors) and private use."""
    if ch in "\n\t ":
        return False
    cat = unicodedata.category(ch)
    # So = emoji and other pictographs; Sk = skin-tone modifiers; Cf = ZWJ/ZWSP/soft hyphen;
    # Co/Cs/Cn = private use, surrogates, unassigned; Me = keycap enclosers.
    if cat in ("So", "Sk", "Cf", "Co", "Cs", "Cn", "Me"):
        return True
    # Variation selectors are combining marks (Mn) that would otherwise survive.
    return "\ufe00" <= ch <= "\ufe0f"


class _FoldTable(dict):
    """str.translate table, filled on first sight of each character: emoji and other droppable
    characters become a space, the rest are folded as fold_diacritics folds them.

    What a character becomes depends on it alone, so text.translate(table) followed by NFC
    equals dropping characters one by one and then fold_diacritics, at the speed of a dict
    lookup per character (a Python loop over every character was a tenth of a lookup's time).
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = " " if _is_droppable_char(ch) else fold_diacritics(ch)
        if len(self) < 65_536:  # bounded whatever text arrives (CJK, garbage)
            self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def drop_and_fold(text: str) -> str:
    """Droppable characters (emoji, pictographs, format characters) as spaces, and the rest
    with its diacritics folded: what normalise_text does to NFC text before its patterns."""
    return unicodedata.normalize("NFC", text.translate(_FOLD_TABLE))


def normalise_text(text: str | None) -> str:
    """Normalise report text for matching: lower-case, unaccented words separated by spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", html.unescape(text)).casefold()
    text = _URL_RE.sub(" ", text)
    text = _TAG_RE.sub(" ", text)
    # Fold before removing boilerplate so "Xem them" typed without accents is caught too.
    text = drop_and_fold(text)
    # Removing boilerplate can make more of it: punctuation turned to spaces ("see:more"), or
    # lines joined into one ("5" + "likes"). Repeat until nothing changes, so that normalising
    # a normalised text changes nothing (each round only removes text or turns it into spaces).
    while True:
        stripped = _strip_boilerplate(text)
        if stripped == text:
            return stripped
        text = stripped


def _strip_boilerplate(text: str) -> str:
    """One round: counters, "see translation", UI-only lines and a trailing "see more" go; what
    is left is words separated by single spaces."""
    text = _COUNTER_RE.sub(" ", text)
    text = _TRANSLATE_RE.sub(" ", text)
    lines = [line for line in text.splitlines() if not _UI_LINE_RE.match(line.strip())]
    text = "\n".join(lines)
    text = _SEE_MORE_RE.sub(" ", text)
    return " ".join(_NON_WORD_RE.sub(" ", text).split())


def tokens(normalised: str) -> list[str]:
    """Split a normalised text into its word tokens."""
    return normalised.split()
