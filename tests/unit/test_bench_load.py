"""The load test's own arithmetic: the users it says it runs, the workers' CPU cgroup."""

import os
import subprocess
import sys
from pathlib import Path

from bench.load import idle_cpu_cgroup, remove_cgroup

ROOT = Path(__file__).resolve().parents[2]


def test_each_locust_class_runs_the_number_of_users_asked_for():
    # Imported in a child: locust monkey-patches the standard library with gevent on import.
    env = {**os.environ, "BENCH_SUBMITTERS": "80", "BENCH_TRACKERS": "20", "BENCH_READERS": "20"}
    env["BENCH_STAFF_EMAILS"] = "a@tingia.local,b@tingia.local"
    script = (
        "import bench.locustfile as f; "
        "print(*(c.fixed_count for c in (f.Submitter, f.Tracker, f.Reader, f.Verifier)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # By weight alone locust gave 10/16 of 108 users to submitters: 68, not 80 (136/s, not 160).
    assert result.stdout.split() == ["80", "20", "20", "2"]


def test_the_workers_cgroup_is_made_idle_where_the_kernel_offers_cpu_idle(tmp_path):
    group = tmp_path / "tingia-bench-workers"
    group.mkdir()
    (group / "cpu.idle").write_text("0")  # as the kernel creates it
    assert idle_cpu_cgroup(tmp_path) == group
    assert (group / "cpu.idle").read_text() == "1"
    assert not (group / "cpu.shares").exists()


def test_the_workers_cgroup_gets_the_least_weight_without_cpu_idle(tmp_path):
    group = idle_cpu_cgroup(tmp_path)
    assert group == tmp_path / "tingia-bench-workers"
    assert (group / "cpu.shares").read_text() == "2"
    (group / "cpu.shares").unlink()
    remove_cgroup(group)
    assert not group.exists()


def test_no_cgroup_where_the_controller_cannot_be_written(tmp_path):
    not_a_directory = tmp_path / "cpu"
    not_a_directory.write_text("")
    assert idle_cpu_cgroup(not_a_directory) is None
