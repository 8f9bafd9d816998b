"""Measure OCR on the dev set's screenshots: character error rate against the visible post text.

Usage: python -m bench.ocr --devset build/devset [--split dev] [--sample 80] [--jobs 2]

For every screenshot the dev-set builder recorded the post text drawn on it (`screen_text`).
The screenshot is read as the worker reads it (tingia.matching.images.ocr_image: chrome set
aside, see screenshot_post_text) and compared with it:
- CER raw: Levenshtein distance / length of the truth, on NFC text with whitespace collapsed;
- CER matched: the same on what matching compares (normalise_text: case and diacritics
  folded, punctuation, counters and UI words set aside);
- chrome: share of the OCR's words that are not in the truth (names, times, buttons).
Printed per app, theme and width, and overall. OCR text is cached like bench.tune does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.tune import fingerprints
from tingia.matching.normalise import normalise_text


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(found: str, truth: str) -> float:
    """Character error rate of `found` against `truth` (0 is perfect; can exceed 1)."""
    if not truth:
        return 0.0 if not found else 1.0
    return Levenshtein.distance(found, truth) / len(truth)


def chrome_share(found: str, truth: str) -> float:
    """Share of the found words that are not words of the truth."""
    words = normalise_text(found).split()
    known = set(normalise_text(truth).split())
    return sum(1 for w in words if w not in known) / len(words) if words else 0.0


def measure(rows: list[dict], texts: dict[str, str]) -> dict[str, list[tuple[float, float, float]]]:
    """(CER raw, CER matched, chrome share) of each screenshot, grouped by label."""
    groups: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for row in rows:
        found, truth = texts[row["images"][0]], row["screen_text"]
        scores = (
            cer(_plain(found), _plain(truth)),
            cer(normalise_text(found), normalise_text(truth)),
            chrome_share(found, truth),
        )
        app, width, _font, theme = row["style"].split("/")
        px = int(re.sub(r"\D", "", width))
        for label in (
            "OVERALL",
            f"app {app}",
            f"theme {theme}",
            f"width {'<=412' if px <= 412 else '540-828' if px < 1080 else '1080'}",
            f"kind {row['variation']}",
        ):
            groups[label].append(scores)
    return groups


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devset", default="build/devset", type=Path)
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default="dev")
    parser.add_argument("--sample", default=0, type=int, help="screenshots drawn (0: all)")
    parser.add_argument("--seed", default=1, type=int)
    parser.add_argument("--jobs", default=os.cpu_count() or 1, type=int)
    args = parser.parse_args(argv)
    with open(args.devset / "reports.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [
        row
        for row in rows
        if row.get("screen_text") and (args.split == "all" or row["split"] == args.split)
    ]
    if args.sample:
        rows = random.Random(args.seed).sample(rows, min(args.sample, len(rows)))
    prints = fingerprints(args.devset, rows, args.jobs)
    texts = {path: fp.ocr_text for path, fp in prints.items()}
    groups = measure(rows, texts)
    print(f"{len(rows)} screenshots ({args.split} split)")
    print(f"{'':<30} {'n':>4}  CER raw  CER matched  chrome words")
    for label in sorted(groups, key=lambda g: (g != "OVERALL", g)):
        values = groups[label]
        n = len(values)
        raw, matched, chrome = (sum(v[i] for v in values) / n for i in range(3))
        print(f"{label:<30} {n:>4}  {raw:7.3f}  {matched:11.3f}  {chrome:12.3f}")


if __name__ == "__main__":
    main()
