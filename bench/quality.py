"""Measure grouping quality through the real pipeline: intake, worker processing, index, cases.

Usage: python -m bench.quality --devset build/devset [--database-url URL] [--order devset]
                                [--split all|dev|holdout]

Every dev-set report (built by `python -m bench.devset` if the folder has none) is accepted by
tingia.intake.service.accept_report with its images, then grouped by
tingia.matching.service.process_report, one after the other in arrival order, in a scratch app
(a temporary SQLite file, or --database-url: a scratch database whose tables are dropped).
Predicted clusters are the cases; a report left as a suggestion counts as not merged.
Prints B-cubed precision, recall and F1 overall and per variation kind, unrelated screenshots
merged, and what became of the suggestions (right: the suggested case holds the report's
story; wrong: it does not), per kind. --split dev runs only the stories tuned on (a story's
reports are all in one split, so nothing of the other split is missing from its groups).

--exhaustive scores every earlier report instead of the index's candidates: the difference
with a normal run is the recall the index loses.

Image fingerprints (OCR included) are computed on every core with the pipeline's own
fingerprint_image and cached like bench.tune does, then stored on the attachments before
processing (--fingerprint-in-worker leaves that to process_report itself: same result, slower).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench.metrics import bcubed, bcubed_by_group

ORDERS = ("devset", "shuffled")


def load_rows(devset: Path) -> list[dict]:
    """The dev set's reports in file order, building the dev set first if it is missing."""
    if not (devset / "reports.jsonl").exists():
        from bench import devset as builder

        print(f"no dev set in {devset}: building it", file=sys.stderr)
        builder.main(["--out", str(devset)])
    with open(devset / "reports.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def arrival_order(rows: list[dict], order: str, seed: int) -> list[dict]:
    """devset: the builder's arrival order (shuffled, each story's full report first);
    shuffled: a fresh shuffle, so a story's photo-only or link-only report may come first."""
    if order == "devset":
        return list(rows)
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def screenshot_pairs_merged(pred: dict, gold: dict, variation: dict) -> int:
    """Pairs of screenshots of different stories that ended in the same case."""
    by_case = defaultdict(list)
    for item, case in pred.items():
        if variation[item].startswith("screenshot"):
            by_case[case].append(item)
    return sum(
        1
        for members in by_case.values()
        for a, b in itertools.combinations(members, 2)
        if gold[a] != gold[b]
    )


def run_pipeline(rows: list[dict], devset: Path, args: argparse.Namespace) -> dict:
    """Accept and process every report; return predictions and suggestions by dev-set id."""
    from sqlalchemy import select
    from werkzeug.datastructures import FileStorage

    from tingia import create_app
    from tingia.centres.service import read_provinces, seed_provinces_and_centres
    from tingia.extensions import db
    from tingia.intake.service import ReportInput, accept_report
    from tingia.intake.uploads import read_image_upload
    from tingia.matching import index, service
    from tingia.matching.service import process_report, store_fingerprint, thresholds
    from tingia.models import Case, CaseSuggestion, Report

    if args.exhaustive:

        def every_grouped_report(signals, exclude_report_id=None):
            ids = db.session.scalars(
                select(Report.id).where(Report.case_id.is_not(None), Report.id != exclude_report_id)
            )
            with_features = any(image.has_photo for image in signals.images)
            return index.rows_for_reports(list(ids), with_features=with_features)

        service.candidate_rows = every_grouped_report

    prints = {}
    if not args.fingerprint_in_worker:
        from bench.tune import fingerprints

        began = time.perf_counter()
        prints = fingerprints(devset, rows, args.jobs)
        print(f"fingerprints ready in {time.perf_counter() - began:.0f} s", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="tingia-quality-") as tmp:
        app = create_app(
            {
                "ENV": "testing",
                "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{tmp}/quality.db",
                "UPLOAD_DIR": f"{tmp}/uploads",
                "RATELIMIT_ENABLED": False,
                "REDIS_URL": "redis://127.0.0.1:1/0",  # never used: nothing is enqueued
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed_provinces_and_centres()
            db.session.commit()
            # One province, so one centre: a report is only grouped within the centre it is
            # routed to (other centres' cases are linked), and the dev set measures grouping.
            province = next(code for code, _ in read_provinces())
            max_bytes = app.config["MAX_IMAGE_BYTES"]
            report_ids: dict[str, int] = {}
            load_before = os.getloadavg()[0]
            began, cpu_began = time.perf_counter(), time.process_time()
            for n, row in enumerate(rows, 1):
                images = [
                    read_image_upload(
                        FileStorage(io.BytesIO((devset / path).read_bytes()), filename=path),
                        max_bytes,
                    )
                    for path in row["images"]
                ]
                fields = ReportInput(
                    content=row["content"],
                    url=row["url"],
                    platform="facebook",
                    province_code=province,
                )
                report = accept_report(fields, images)
                db.session.commit()
                for attachment, path in zip(report.attachments, row["images"], strict=True):
                    if path in prints:
                        store_fingerprint(attachment, prints[path])
                report_ids[row["id"]] = report.id
                process_report(report.id)
                db.session.commit()
                if n % 500 == 0:
                    print(
                        f"  {n} reports processed ({time.perf_counter() - began:.0f} s)",
                        file=sys.stderr,
                    )
            seconds = time.perf_counter() - began
            cpu_seconds = time.process_time() - cpu_began
            case_of = dict(db.session.execute(select(Report.id, Report.case_id)).all())
            # A suggested case may have been merged into another since: follow it there.
            merged_into = dict(
                db.session.execute(
                    select(Case.id, Case.merged_into_id).where(Case.merged_into_id.is_not(None))
                ).all()
            )

            def final_case(case_id: int) -> int:
                while case_id in merged_into:
                    case_id = merged_into[case_id]
                return case_id

            suggestions = [
                (s.report_id, final_case(s.case_id), s.score)
                for s in db.session.scalars(select(CaseSuggestion).order_by(CaseSuggestion.id))
            ]
            auto, suggest = thresholds()
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    by_report = {report_id: row_id for row_id, report_id in report_ids.items()}
    return {
        "pred": {row_id: case_of[report_id] for row_id, report_id in report_ids.items()},
        "suggestions": [(by_report[r], case, score) for r, case, score in suggestions],
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "load": (load_before, os.getloadavg()[0]),
        "thresholds": (auto, suggest),
    }


def print_report(rows: list[dict], result: dict, args: argparse.Namespace) -> None:
    """The quality table: overall, per variation kind, screenshots, suggestions."""
    pred = result["pred"]
    gold = {row["id"]: row["cluster"] for row in rows}
    variation = {row["id"]: row["variation"] for row in rows}
    counts = Counter(variation.values())
    auto, suggest = result["thresholds"]
    print(
        f"{len(rows)} reports, {len(set(gold.values()))} stories; real pipeline "
        f"(accept_report -> process_report{', no index' if args.exhaustive else ''}), "
        f"order={args.order}, seed={args.seed}; "
        f"thresholds auto {auto:g} / suggest {suggest:g}; "
        f"{1000 * result['seconds'] / len(rows):.0f} ms per report "
        f"({1000 * result['cpu_seconds'] / len(rows):.0f} ms CPU), 1-minute load "
        f"{result['load'][0]:.1f} -> {result['load'][1]:.1f}\n"
    )
    print(f"{'variation':<24} {'n':>5}  precision  recall      F1")
    p, r, f = bcubed(pred, gold)
    print(f"{'OVERALL':<24} {len(rows):>5}  {p:9.4f}  {r:6.4f}  {f:6.4f}")
    for name, (p, r, f) in bcubed_by_group(pred, gold, variation).items():
        print(f"{name:<24} {counts[name]:>5}  {p:9.4f}  {r:6.4f}  {f:6.4f}")
    # The same per split: "dev" stories were looked at while tuning, "holdout" ones never.
    split = {row["id"]: row.get("split", "dev") for row in rows}
    for part in sorted(set(split.values())):
        labels = {item: f"{split[item]}|{variation[item]}" for item in pred}
        overall = {item: split[item] for item in pred}
        n_part = sum(1 for item in pred if split[item] == part)
        p, r, f = bcubed_by_group(pred, gold, overall)[part]
        print(f"\n{part} split: {n_part} reports, P {p:.4f} R {r:.4f} F1 {f:.4f}")
        for name, (p, r, f) in bcubed_by_group(pred, gold, labels).items():
            if name.startswith(part + "|"):
                kind = name.split("|", 1)[1]
                n = sum(1 for item in pred if labels[item] == name)
                print(f"  {kind:<22} {n:>5}  {p:9.4f}  {r:6.4f}  {f:6.4f}")
    print(f"\nunrelated screenshots merged: {screenshot_pairs_merged(pred, gold, variation)}")

    members = defaultdict(set)
    for item, case in pred.items():
        members[case].add(gold[item])
    same = [(item, case) for item, case, _ in result["suggestions"] if gold[item] in members[case]]
    print(
        f"suggestions (not merged above): {len(result['suggestions'])}, of which same story "
        f"{len(same)}, different story {len(result['suggestions']) - len(same)}"
    )
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for item, case, _score in result["suggestions"]:
        right = gold[item] in members[case]
        by_kind[variation[item]]["right" if right else "wrong"] += 1
    for kind in sorted(by_kind):
        counts_kind = by_kind[kind]
        print(f"  {kind:<24} right {counts_kind['right']:>4}  wrong {counts_kind['wrong']:>4}")
    if same:
        confirmed = dict(pred)
        for item, case in same:  # a verifier confirms the right ones and rejects the rest
            confirmed[item] = case
        p, r, f = bcubed(confirmed, gold)
        print(f"after a verifier confirms the right suggestions: P {p:.4f} R {r:.4f} F1 {f:.4f}")


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devset", default="build/devset", type=Path)
    parser.add_argument("--database-url", default=None, help="scratch database (tables dropped)")
    parser.add_argument("--order", choices=ORDERS, default="devset")
    parser.add_argument("--seed", default=1, type=int)
    parser.add_argument("--jobs", default=os.cpu_count() or 1, type=int)
    parser.add_argument("--fingerprint-in-worker", action="store_true")
    parser.add_argument("--exhaustive", action="store_true", help="no index: score every report")
    parser.add_argument(
        "--split",
        choices=("all", "dev", "holdout"),
        default="all",
        help="only the reports of one split (dev: tuning; holdout: the final check)",
    )
    parser.add_argument(
        "--dump", type=Path, default=None, help="write each report's case and suggestions (JSON)"
    )
    args = parser.parse_args(argv)
    rows = [
        row
        for row in load_rows(args.devset)
        if args.split == "all" or row.get("split", "dev") == args.split
    ]
    rows = arrival_order(rows, args.order, args.seed)
    result = run_pipeline(rows, args.devset, args)
    if args.dump:
        outcome = {"cases": result["pred"], "suggestions": result["suggestions"]}
        args.dump.write_text(json.dumps(outcome, indent=1), encoding="utf-8")
    print_report(rows, result, args)


if __name__ == "__main__":
    main()
