"""Load test: gunicorn + PostgreSQL + Redis + workers on this machine, driven by locust.

Usage: python -m bench.load --database-url postgresql+psycopg://... [--duration 60] [--ramp 10]
           [--submitters 80] [--submit-rate 2] [--others 40] [--gunicorn-workers 3]
           [--workers 2] [--worker-priority cgroup|nice] [--worker-nice 10] [--no-faults]

Everything listens on 127.0.0.1 only and every step is bounded in time. The scratch database's
tables are rebuilt, a private redis-server is started on a free port, gunicorn serves `app:app`,
`python -m workers` processes work the queue, and locust (headless) runs the users of
bench/locustfile.py: submitters (API, constant rate each), trackers, public readers, verifiers on
the staff queue. Unless --no-faults, mid-run Redis is killed and started again empty (as after a
crash without persistence) and one worker is SIGKILLed mid-job (a replacement starts, as a
supervisor would start one). The workers run at a lower CPU priority, as a deployment should run
them: a citizen's request comes first, grouping catches up when the burst is over. By default
they are put in an idle CPU cgroup (cgroup v1's cpu controller, writable as root; as a systemd
unit with CPUWeight=idle), else at --worker-nice, given to their session too. After locust
stops, the script waits for every accepted report to be processed, then prints locust's figures
and the counts.

Rate limits stay on (Flask-Limiter on Redis), with the per-address limits raised for the run,
since every simulated citizen comes from 127.0.0.1: TINGIA_RATELIMIT_REPORTS and
TINGIA_RATELIMIT_TRACKING="1000000 per minute" (the staff login keeps its 10 per minute: two
verifiers sign in once). Cookies are sent over plain HTTP (TINGIA_SESSION_COOKIE_SECURE=false)
for the staff login.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAFF_PASSWORD = "bench-load-passphrase-2026"
STAFF = ("verifier.bench1@tingia.local", "verifier.bench2@tingia.local")
CPU_CGROUP_ROOT = Path("/sys/fs/cgroup/cpu")  # cgroup v1's cpu controller


def free_port() -> int:
    """A TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float, what: str) -> None:
    """Poll until condition() is truthy, or exit."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)


class Redis:
    """A private redis-server without persistence, restartable at the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir, self.process = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)], stdout=subprocess.DEVNULL,
        )  # fmt: skip

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(up, 15, "redis-server")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)


def answers(url: str) -> bool:
    """True once the URL answers (any HTTP status)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310  (our own loopback URL)
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def workers_listening(redis_url: str) -> int:
    """How many RQ workers are registered in Redis."""
    from redis import Redis
    from rq import Worker

    connection = Redis.from_url(redis_url)
    try:
        return len(Worker.all(connection=connection))
    finally:
        connection.close()


def prepare_database(database_url: str, redis_url: str) -> None:
    """Rebuild the schema, seed provinces and the staff accounts."""
    from tingia import create_app
    from tingia.auth.service import create_user
    from tingia.centres.scoping import centre_for_province
    from tingia.centres.service import seed_provinces_and_centres
    from tingia.extensions import db

    app = create_app({"ENV": "development", "SECRET_KEY": "bench", "REDIS_URL": redis_url,
                      "SQLALCHEMY_DATABASE_URI": database_url})  # fmt: skip
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_provinces_and_centres()
        for email in STAFF:
            create_user(email, STAFF_PASSWORD, "verifier", centre_for_province("01"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def counts(database_url: str) -> tuple[int, int]:
    """(reports, processed reports) in the database."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        total, processed = connection.execute(
            sa.text("SELECT count(*), count(processed_at) FROM reports")
        ).one()
    engine.dispose()
    return total, processed


def start_worker(
    env: dict, log, nice: int = 0, idle: bool = False, cgroup: Path | None = None
) -> subprocess.Popen:
    """One `python -m workers` process in its own session, at this CPU niceness or in Linux's
    SCHED_IDLE class, and in this CPU cgroup when given (then the niceness only ranks it among the
    cgroup's tasks), else with the niceness given to its session too.
    """
    command = [sys.executable, "-m", "workers"]
    if idle:
        command = ["chrt", "--idle", "0", *command]  # chrt execs it: the same pid
    elif nice:
        command = ["nice", "-n", str(nice), *command]  # nice execs it: the same pid
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)  # fmt: skip
    if cgroup is not None:
        # Before the worker forks anything: its children are born in the cgroup too.
        (cgroup / "cgroup.procs").write_text(str(process.pid))
    else:
        lower_autogroup(process.pid, 19 if idle else nice)
    return process


def idle_cpu_cgroup(root: Path = CPU_CGROUP_ROOT) -> Path | None:
    """A CPU cgroup whose tasks yield the CPU to everything outside it, or None.

    The cgroup-level form of SCHED_IDLE (`cpu.idle`, Linux 5.15+), or failing that the least
    weight (`cpu.shares` 2 of the default 1024). A task in a cgroup other than the root is
    scheduled by its cgroup, not by its session's autogroup, the way a systemd unit with
    `CPUWeight=idle` is. None where the cpu controller cannot be written (not root, cgroup v2
    without delegation): the caller falls back to the session's niceness.
    """
    group = root / "tingia-bench-workers"
    try:
        group.mkdir(exist_ok=True)
        idle = group / "cpu.idle"
        if idle.exists():
            idle.write_text("1")
        else:
            (group / "cpu.shares").write_text("2")
    except OSError:
        return None
    return group


def remove_cgroup(group: Path) -> None:
    """Remove a cgroup made by idle_cpu_cgroup once its tasks have exited."""
    with contextlib.suppress(OSError):
        group.rmdir()


def lower_autogroup(pid: int, nice: int) -> None:
    """Give a process's session the niceness too, where Linux groups CPU time by session.

    With autogroup scheduling (`/proc/sys/kernel/sched_autogroup_enabled`), each session is one
    scheduling entity with the weight of a nice-0 task, and a process's own niceness only ranks it
    inside its session: a worker in a session of its own, at nice 10 or even SCHED_IDLE, weighed
    as much as all of gunicorn's processes together. The session's niceness ranks it among them.
    """
    autogroup = Path(f"/proc/{pid}/autogroup")
    if nice and autogroup.exists():
        with contextlib.suppress(OSError):
            autogroup.write_text(str(nice))


def kill_session(process: subprocess.Popen) -> None:
    """SIGKILL a process's whole session."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes and their children (live ones)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            parent = psutil.Process(pid)
            for process in [parent, *parent.children(recursive=True)]:
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def postmaster_pid(database_url: str) -> int | None:
    """The PostgreSQL server's pid when it runs on this machine (found by its listening port)."""
    import psutil

    port = int(database_url.rsplit(":", 1)[-1].split("/")[0])
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == "LISTEN" and conn.laddr.port == port and conn.pid:
            return conn.pid
    return None


def load_line() -> str:
    """The machine's load averages (it is shared)."""
    return "load=" + "/".join(f"{x:.2f}" for x in os.getloadavg())


def print_windows(history_csv: str, name: str, ramp: float) -> None:
    """Locust's figures for one request every 10 s, each over its last 10 s (ramp included)."""
    with open(history_csv, newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["Name"] == name]
    if not rows:
        return
    start = int(rows[0]["Timestamp"]) + ramp
    print(f"{name}, each over the 10 s before t (t from the ramp's end):")
    for row in rows[round(ramp) + 10 :: 10]:  # the first full window after the ramp's reset
        print(
            f"  t={int(row['Timestamp']) - start:4.0f}s {float(row['Requests/s']):6.1f}/s "
            f"p50 {row['50%']:>5} p95 {row['95%']:>5} p99 {row['99%']:>5} ms"
        )


def main(argv: list[str] | None = None) -> None:
    """Run the load test and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a scratch PostgreSQL database")
    parser.add_argument("--duration", type=int, default=60, help="seconds measured at full load")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which users start")
    parser.add_argument("--submitters", type=int, default=80)
    parser.add_argument("--submit-rate", type=float, default=2.0, help="per submitter, per s")
    parser.add_argument("--others", type=int, default=40, help="trackers and readers, half each")
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drain-timeout", type=int, default=300)
    parser.add_argument(
        "--worker-nice", type=int, default=10,
        help="CPU niceness of the workers: citizens' requests first, grouping catches up",
    )  # fmt: skip
    parser.add_argument(
        "--worker-idle", action="store_true",
        help="workers in the SCHED_IDLE class instead of niced: no CPU while requests want it",
    )  # fmt: skip
    parser.add_argument(
        "--worker-priority", choices=("cgroup", "nice"), default="cgroup",
        help="cgroup: the workers in an idle CPU cgroup where one can be made (root, cgroup v1 "
        "or delegated), else as nice; nice: --worker-nice on the process and its session",
    )  # fmt: skip
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="tingia-load-"))
    redis = Redis(scratch)
    redis.start()
    prepare_database(args.database_url, redis.url)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": redis.url,
        "SECRET_KEY": "bench-load-secret",
        "TINGIA_ENV": "production",
        "TINGIA_UPLOAD_DIR": str(scratch / "uploads"),
        "TINGIA_RATELIMIT_REPORTS": "1000000 per minute",
        "TINGIA_RATELIMIT_TRACKING": "1000000 per minute",
        "TINGIA_SESSION_COOKIE_SECURE": "false",
        "TINGIA_MATCH_OCR_ENABLED": "false",
        "TINGIA_SWEEP_AFTER_SECONDS": "10",
        "TINGIA_SWEEP_INTERVAL_SECONDS": "15",
    }
    log = (scratch / "services.log").open("ab")
    gunicorn = subprocess.Popen(
        [shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn",
         "-w", str(args.gunicorn_workers), "--threads", str(args.gunicorn_threads),
         "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    cgroup = None if args.worker_priority == "nice" else idle_cpu_cgroup()
    print(f"workers' CPU priority: {f'cgroup {cgroup}' if cgroup else 'session niceness'}")

    def worker() -> subprocess.Popen:
        return start_worker(env, log, args.worker_nice, args.worker_idle, cgroup)

    workers = [worker() for _ in range(args.workers)]
    events: list[str] = []
    try:
        # Ready means answering (every process forked from the loaded app: gunicorn.conf.py),
        # and the workers listening, so that start-up is not measured as load.
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/health"), 120, "gunicorn")
        wait_for(lambda: workers_listening(redis.url) >= args.workers, 120, "the workers")
        users = args.submitters + args.others + len(STAFF)
        trackers = args.others // 2
        locust_env = {
            **env,
            "BENCH_SUBMITTERS": str(args.submitters),
            "BENCH_TRACKERS": str(trackers),
            "BENCH_READERS": str(args.others - trackers),
            "BENCH_SUBMIT_RATE": str(args.submit_rate),
            "BENCH_STAFF_PASSWORD": STAFF_PASSWORD,
            "BENCH_STAFF_EMAILS": ",".join(STAFF),
        }
        csv_prefix = scratch / "locust"
        print(
            f"users: {args.submitters} submitters x {args.submit_rate}/s = "
            f"{args.submitters * args.submit_rate:.0f} submissions/s offered, {trackers} trackers, "
            f"{args.others - trackers} readers, {len(STAFF)} verifiers"
        )
        print(f"start {load_line()}", flush=True)
        pg_pid = postmaster_pid(args.database_url)
        groups = {"web": [gunicorn.pid]}
        if pg_pid:
            groups["postgres"] = [pg_pid]
        workers_cpu_before = cpu_seconds([w.pid for w in workers])
        locust_started = time.monotonic()
        # Users start over --ramp seconds; locust's figures are reset once every user runs
        # (--reset-stats), so the summary covers the --duration seconds of full load after it.
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
             "--headless", "-u", str(users), "-r", f"{users / max(args.ramp, 0.1):.2f}",
             "-t", f"{args.ramp + args.duration}s", "--reset-stats",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(csv_prefix),
             "--csv-full-history", "--only-summary", "--stop-timeout", "10",
             "Submitter", "Tracker", "Reader", "Verifier"],
            cwd=ROOT, env=locust_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        groups["locust"] = [locust.pid]
        output: list[str] = []

        def read_output() -> None:
            output.extend(locust.stdout.read().decode().splitlines())

        reader = threading.Thread(target=read_output, daemon=True)
        reader.start()
        time.sleep(args.ramp)
        cpu_before = {name: cpu_seconds(pids) for name, pids in groups.items()}
        cpu_before["redis"] = 0.0  # the restarted one, since its start
        if not args.no_faults:
            time.sleep(args.duration * 0.3)
            redis.kill()
            events.append(f"t={args.duration * 0.3:.0f}s Redis killed")
            time.sleep(5)
            redis.start()
            events.append(f"t={args.duration * 0.3 + 5:.0f}s Redis started again (empty)")
            time.sleep(args.duration * 0.25)
            kill_session(workers[0])
            events.append(f"t={args.duration * 0.55 + 5:.0f}s worker {workers[0].pid} SIGKILLed")
            time.sleep(3)
            workers[0] = worker()
            events.append(f"t={args.duration * 0.55 + 8:.0f}s replacement worker started")
        # Read every process's CPU time just before locust's own run ends (then it exits).
        run_time = args.ramp + args.duration
        time.sleep(max(0.0, run_time - (time.monotonic() - locust_started) - 1))
        groups["redis"] = [redis.process.pid]  # restarted mid-run: the new one's, since its start
        cpu_after = {name: cpu_seconds(pids) for name, pids in groups.items()}
        locust.wait(run_time + 60)
        reader.join(10)
        print(f"locust done {load_line()}", flush=True)
        stopped_at = time.monotonic()
        deadline = stopped_at + args.drain_timeout
        while True:
            total, processed = counts(args.database_url)
            if processed == total or time.monotonic() > deadline:
                break
            time.sleep(1)
        drained = time.monotonic() - stopped_at
        cpu_workers = cpu_seconds([w.pid for w in workers]) - workers_cpu_before
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        gunicorn.send_signal(signal.SIGTERM)
        for process in [*workers, gunicorn]:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                kill_session(process)
        redis.kill()
        log.close()
        if cgroup is not None:
            remove_cgroup(cgroup)

    print(f"ramp: {args.ramp}s, then {args.duration}s measured; t= counts from the ramp's end")
    for event in events:
        print("fault:", event)
    with open(f"{csv_prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    print(f"{'name':34} {'requests':>8} {'fails':>6} {'req/s':>7} {'p50':>5} {'p95':>5} {'p99':>5}")
    for row in rows:
        print(
            f"{row['Name'][:34]:34} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>5} {row['95%']:>5} {row['99%']:>5}"
        )
    submissions = next(row for row in rows if row["Name"] == "POST /api/v1/reports")
    print_windows(f"{csv_prefix}_stats_history.csv", "POST /api/v1/reports", args.ramp)
    print(
        f"submissions_per_s={float(submissions['Requests/s']):.1f} "
        f"submissions={submissions['Request Count']} failures={submissions['Failure Count']} "
        f"p50_ms={submissions['50%']} p95_ms={submissions['95%']} p99_ms={submissions['99%']}"
    )
    requests = sum(int(row["Request Count"]) for row in rows if row["Name"] == "Aggregated")
    web = cpu_after["web"] - cpu_before["web"]
    pg = cpu_after.get("postgres", 0.0) - cpu_before.get("postgres", 0.0)
    print(
        f"cpu_s: web={web:.1f} ({1000 * web / max(requests, 1):.1f} ms per request) "
        f"postgres={pg:.1f} (during the load) workers={cpu_workers:.1f} "
        f"({1000 * cpu_workers / max(total, 1):.1f} ms per report; without the killed worker's) "
        f"locust={cpu_after['locust']:.1f} redis={cpu_after['redis']:.1f} (the restarted one)"
    )
    print(
        f"reports_in_db={total} processed={processed} drained_after_s={drained:.0f} {load_line()}"
    )
    failures = [line for line in output if "Error" in line or "error" in line][:10]
    for line in failures:
        print("locust:", line)
    print(f"(scratch dir with logs and CSVs: {scratch})")


if __name__ == "__main__":
    main()
