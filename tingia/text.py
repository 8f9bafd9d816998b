"""Text folding shared by matching and search: Vietnamese typed with or without diacritics, in
any case, compares equal once folded. Pure functions."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD_RE = re.compile(r"[\W_]+")


def fold_diacritics(text: str) -> str:
    """Remove Vietnamese (and other Latin) diacritics and map đ/Đ to d/D, keeping case."""
    # đ/Đ are letters of their own, not d + a combining mark, so NFD does not split them.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )


def fold_words(text: str) -> str:
    """Lower-case, unaccented words separated by single spaces (what search compares)."""
    folded = fold_diacritics(unicodedata.normalize("NFC", text).casefold())
    return " ".join(_NON_WORD_RE.sub(" ", folded).split())
