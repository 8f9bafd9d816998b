"""The Vietnamese catalogue is complete, compiled and keeps the placeholders of the English text.

Extracts the messages the same way `make translations` does (babel.cfg, keywords _l and
lazy_gettext besides babel's defaults), without writing anything.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "tingia" / "translations" / "vi" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# babel.cfg only maps these two trees; skipping the rest (build/, .venv/…) keeps the walk fast.
SOURCE_TREES = {"tingia", "templates"}

# %(name)s, %(n)d, %s, %% … and str.format fields {0}, {name}.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")


def _only_source_trees(dirpath: str) -> bool:
    relative = Path(os.path.relpath(dirpath, ROOT))
    if relative.parts and relative.parts[0] not in SOURCE_TREES:
        return False
    return not any(part.startswith((".", "_")) for part in relative.parts)


@cache
def extracted_ids() -> frozenset[str | tuple[str, ...]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_only_source_trees,
    ):
        assert context is None, f"unexpected message context {context!r} for {message!r}"
        ids.add(message)
    return frozenset(ids)


@cache
def po_catalogue() -> Catalog:
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po, locale="vi")


def _strings(message: Message) -> tuple[str, ...]:
    # read_po gives tuples for plural messages, read_mo lists.
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


def _placeholders(text: str) -> Counter[str]:
    return Counter(PERCENT.findall(text)) + Counter(BRACES.findall(text))


def test_extraction_finds_the_ui_messages() -> None:
    ids = extracted_ids()
    assert "Queue" in ids  # a template
    assert "Only triaged cases can be closed." in ids  # _l() in Python
    assert ("%(num)d case", "%(num)d cases") in ids  # ngettext in a template


def test_every_extracted_message_has_a_vietnamese_translation() -> None:
    catalogue = po_catalogue()
    assert catalogue.num_plurals == 1, "Vietnamese has a single plural form"
    problems = []
    for msgid in sorted(extracted_ids(), key=str):
        message = catalogue.get(msgid)
        if message is None:
            problems.append(f"missing from messages.po (run `make translations`): {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif isinstance(msgid, tuple) != message.pluralizable or not all(
            s.strip() for s in _strings(message)
        ):
            problems.append(f"untranslated: {msgid!r}")
        elif message.pluralizable and len(_strings(message)) != catalogue.num_plurals:
            problems.append(f"wrong number of plural forms: {msgid!r}")
    assert not problems, "\n".join(problems)


def test_no_fuzzy_entries_left() -> None:
    fuzzy = [m.id for m in po_catalogue() if m.id and m.fuzzy]
    assert not fuzzy


def test_compiled_catalogue_matches_the_po() -> None:
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    # What `pybabel compile` writes: translated, non-fuzzy messages.
    expected = {
        _ids(m): _strings(m) for m in po_catalogue() if m.id and not m.fuzzy and all(_strings(m))
    }
    actual = {_ids(m): _strings(m) for m in compiled if m.id}
    assert len(expected) > 300
    assert actual == expected, "messages.mo is stale: run `pybabel compile -d tingia/translations`"


def test_placeholders_are_kept() -> None:
    problems = []
    for message in po_catalogue():
        if not message.id or not all(_strings(message)):
            continue
        # Vietnamese has one plural form: msgstr[0] serves every count, like msgid_plural.
        msgid = _ids(message)[-1]
        for string in _strings(message):
            if _placeholders(msgid) != _placeholders(string):
                problems.append(f"{msgid!r} -> {string!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_catalogue_passes_babel_checks() -> None:
    errors = [(m.id, [str(e) for e in errs]) for m, errs in po_catalogue().check()]
    assert not errors
