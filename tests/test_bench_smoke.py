"""Smoke test of the matching benchmark: it runs end to end and prints its documented line."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(
    r"^n=(\d+) p50_ms=(\d+\.\d) p95_ms=(\d+\.\d) cpu_p95_ms=(\d+\.\d) "
    r"naive_p95_ms=(\d+\.\d) speedup=(\d+\.\d) rss_mb=(\d+) load=(\d+\.\d)-(\d+\.\d)$"
)


def test_matching_benchmark_prints_one_line_per_size():
    result = subprocess.run(
        [sys.executable, "-m", "bench.matching", "--sizes", "300", "--queries", "30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = LINE.match(lines[0])
    assert match, lines[0]
    assert match.group(1) == "300"
    assert float(match.group(2)) <= float(match.group(3))  # p50 <= p95
    assert "near-duplicates attached" in result.stderr
    assert re.search(r"worker photo-hash cache: \d+\.\d MB kept", result.stderr), result.stderr


PAGE_LINE = re.compile(
    r"^page=(\w+) n=(\d+) p50_ms=(\d+\.\d) p95_ms=(\d+\.\d) max_ms=(\d+\.\d) "
    r"cpu_p50_ms=(\d+\.\d) cpu_p95_ms=(\d+\.\d) status=(\d+)$"
)


def test_page_benchmark_times_every_page_and_each_answers_200():
    result = subprocess.run(
        [sys.executable, "-m", "bench.pages", "--reports", "1200", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("backend=sqlite reports=1200 ") and "load_1m=" in lines[0]
    pages = [PAGE_LINE.match(line) for line in lines[1:-1]]
    assert all(pages), lines
    statuses = {match.group(1): match.group(8) for match in pages}
    assert len(statuses) >= 50 and set(statuses.values()) == {"200"}, statuses
    assert {"queue_national_search_3_words", "case_viral_300_reports", "verdict"} <= set(statuses)
    assert lines[-1].startswith("done ")
