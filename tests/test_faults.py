"""Faults with real processes: Redis stopped and started again under a running worker and during
submissions, a worker started while Redis is down, workers (and work horses) SIGKILLed mid-job.

Each test has its own redis-server (stopped and restarted at the same port; it comes back empty,
as a restart without persistence does) and real `python -m workers` processes. Intervals are
shortened so the tests take seconds; the bounds they check are computed from those settings.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from rq.job import Job, JobStatus
from sqlalchemy import func, select, text

from tests.conftest import make_config
from tests.processes import PostgresServer, RedisServer, WorkerProcess, wait_until
from tests.test_concurrency import worker_env
from tingia import create_app
from tingia.extensions import db as _db
from tingia.jobs.outbox import attempts_of, process_job_id
from tingia.jobs.queue import get_queue, get_redis
from tingia.matching import service as matching
from tingia.models import GroupingLock, Report, ReportJob

SWEEP_INTERVAL = 2
SWEEP_AFTER = 1
ALIVE = 3
# A report lost with Redis is enqueued by the first sweep after it is SWEEP_AFTER old: within
# SWEEP_AFTER + SWEEP_INTERVAL of Redis being back (the claim keys were lost with Redis, so the
# first sweep comes at once), plus the worker's reconnection back-off and processing.
RECOVERY_BOUND = SWEEP_AFTER + SWEEP_INTERVAL + 15


@pytest.fixture
def own_redis(tmp_path: Path):
    """A Redis this test may stop and start."""
    server = RedisServer(tmp_path / "redis")
    (tmp_path / "redis").mkdir()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(database_url: str, own_redis: RedisServer, tmp_path: Path) -> dict:
    """The test app on the test's own Redis, with the sweep every SWEEP_INTERVAL seconds."""
    return make_config(
        database_url,
        own_redis.url,
        tmp_path / "uploads",
        SWEEP_INTERVAL_SECONDS=SWEEP_INTERVAL,
        SWEEP_AFTER_SECONDS=SWEEP_AFTER,
        WORKER_ALIVE_SECONDS=ALIVE,
    )


def fault_env(app_config: dict, **extra: str) -> dict[str, str]:
    """A worker's environment for these tests."""
    return {
        **worker_env(app_config),
        "TINGIA_SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL),
        "TINGIA_SWEEP_AFTER_SECONDS": str(SWEEP_AFTER),
        "TINGIA_WORKER_ALIVE_SECONDS": str(ALIVE),
        **extra,
    }


@pytest.fixture
def start_worker(app_config: dict, tmp_path: Path):
    """Start `python -m workers` processes; every one still running is stopped at the end."""
    started: list[WorkerProcess] = []

    def start(*args: str, **env: str) -> WorkerProcess:
        log = tmp_path / f"worker-{len(started)}.log"
        worker = WorkerProcess(fault_env(app_config, **env), log, *args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.alive():
            worker.kill()


def submit(client, n: int, tag: str) -> list[str]:
    """Submit n reports through the API; each must be accepted (201). Returns tracking codes."""
    codes = []
    for i in range(n):
        response = client.post(
            "/api/v1/reports",
            json={
                "content": f"Tin đồn {tag} số {i}: nước máy ở phường {i} nhiễm độc, đừng dùng",
                "platform": "facebook",
                "province": "01",
            },
        )
        assert response.status_code == 201, response.get_json()
        codes.append(response.get_json()["tracking_code"])
    return codes


def unprocessed(codes: list[str]) -> int:
    """How many of these reports are not processed yet (in a fresh transaction)."""
    _db.session.rollback()
    return _db.session.scalar(
        select(func.count())
        .select_from(Report)
        .where(Report.tracking_code.in_(codes), Report.processed_at.is_(None))
    )


def wait_processed(codes: list[str], timeout: float) -> float:
    """Wait until every report is processed; returns how long it took."""
    start = time.monotonic()
    wait_until(lambda: unprocessed(codes) == 0, timeout, f"{len(codes)} reports to be processed")
    return time.monotonic() - start


def redis_lines(log: str) -> list[str]:
    """The worker's log lines about Redis being unreachable or lost."""
    return [
        line
        for line in log.splitlines()
        if re.search(r"Redis unreachable|lost Redis|could not connect to Redis", line)
    ]


def test_worker_started_while_redis_is_down_waits_then_works_and_outlives_an_outage(
    client, own_redis, start_worker
):
    own_redis.stop()
    waiting = submit(client, 3, "trong lúc Redis tắt")  # accepted: the database is the outbox
    worker = start_worker()
    wait_until(lambda: redis_lines(worker.log()), 60, "the worker to find Redis down")
    time.sleep(6)  # several back-off rounds
    assert worker.alive(), worker.log()
    assert len(redis_lines(worker.log())) == 1, worker.log()  # logged once, not per retry
    assert "Traceback" not in worker.log()

    own_redis.start()
    wait_processed(waiting, RECOVERY_BOUND)
    after = submit(client, 2, "khi Redis đã chạy lại")
    wait_processed(after, 10)

    # Redis goes away while the worker runs, for several of RQ's retry rounds.
    own_redis.stop()
    during = submit(client, 3, "khi Redis mất lần hai")
    time.sleep(6)
    assert worker.alive(), worker.log()
    own_redis.start()
    took = wait_processed(during, RECOVERY_BOUND)
    assert worker.alive()
    # One line per outage (RQ's own, one per retry and with tracebacks, are filtered out).
    assert len(redis_lines(worker.log())) == 2, worker.log()
    assert worker.log().count("Redis is reachable again") == 2
    assert "Traceback" not in worker.log()
    assert worker.terminate() == 0
    print(f"reports lost with Redis processed {took:.1f} s after it came back")


def test_sweep_keeps_running_through_redis_restarts_without_a_worker_restart(
    client, own_redis, start_worker
):
    worker = start_worker()
    wait_until(lambda: worker.alive() and "Listening on" in worker.log(), 30, "the worker")
    codes = submit(client, 5, "trước khi Redis khởi động lại")
    wait_processed(codes, 15)

    for outage in range(2):  # the sweep must keep running, outage after outage
        own_redis.stop()
        lost = submit(client, 8, f"khi Redis tắt lần {outage}")
        own_redis.start()
        during_recovery = submit(client, 4, f"ngay sau khi Redis chạy lại lần {outage}")
        took = wait_processed(lost + during_recovery, RECOVERY_BOUND)
        print(f"outage {outage}: every accepted report processed {took:.1f} s after restart")
        codes += lost + during_recovery

    # The sweep still runs every interval long after the last restart (the old self-rescheduling
    # job ran twice, then never again).
    redis = get_redis()
    first = int(redis.get("tingia:periodic:sweep") or 0)
    time.sleep(3 * SWEEP_INTERVAL + 1)
    assert int(redis.get("tingia:periodic:sweep") or 0) > first
    assert unprocessed(codes) == 0
    assert worker.alive() and worker.processes() == [worker.pid]  # never restarted


def hold_grouping(report: Report):
    """Hold what grouping this report needs, in the test's transaction: a worker processing it
    stays in the middle of its job until the test rolls back."""
    matching.lock_for_grouping(matching.signals_for(report))


@pytest.mark.parametrize("fork", [False, True], ids=["in-process", "forked-work-horse"])
def test_a_job_whose_worker_was_killed_mid_job_is_redone_by_another_worker(
    db, make, start_worker, fork
):
    report = make.report("Cảnh báo: nước máy ở quận 7 nhiễm độc, không được dùng để nấu ăn")
    db.session.add(GroupingLock(id=matching.GROUPING_LOCK_ID))
    db.session.commit()
    job_id = process_job_id(report.id)
    hold_grouping(report)
    victim = start_worker(TINGIA_WORKER_FORK="true" if fork else "false")

    def victim_is_mid_job() -> bool:
        job = Job.fetch(job_id, connection=get_redis())
        started = job.get_status() == JobStatus.STARTED
        return started and len(victim.processes()) == (2 if fork else 1)

    wait_until(victim_is_mid_job, 60, "the worker to start the job")
    other = start_worker()
    wait_until(lambda: "Listening on" in other.log(), 30, "the second worker")
    victim.kill()
    db.session.rollback()  # release what the killed job was waiting for
    killed_at = time.monotonic()

    # The other worker sees the killed one's alive key expire and redoes the job.
    wait_until(lambda: unprocessed([report.tracking_code]) == 0, ALIVE + 2 * SWEEP_INTERVAL + 15,
               "the killed job to be redone")  # fmt: skip
    print(f"killed job redone {time.monotonic() - killed_at:.1f} s after the kill")
    db.session.refresh(report)
    assert report.case_id is not None
    assert attempts_of(report.id) == 2  # the killed attempt counted
    assert db.session.get(ReportJob, report.id) is None  # nothing failed, nothing given up
    assert other.alive() and "abandoned" in other.log()
    assert db.session.scalar(text("SELECT 1")) == 1


ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="a PostgreSQL restart: the PostgreSQL pass only")
def test_app_and_worker_recover_from_a_postgresql_restart(own_redis, tmp_path, start_worker):
    from flask_migrate import upgrade

    from tingia.centres.service import seed_provinces_and_centres

    # A throwaway cluster: the suite's own is not restarted under the other tests.
    cluster = PostgresServer()
    assert cluster.available, "PostgreSQL server binaries not found"
    cluster.init()
    try:
        config = make_config(
            cluster.url, own_redis.url, tmp_path / "uploads",
            SWEEP_INTERVAL_SECONDS=SWEEP_INTERVAL, SWEEP_AFTER_SECONDS=SWEEP_AFTER,
            WORKER_ALIVE_SECONDS=ALIVE, JOB_RETRIES=2, JOB_RETRY_INTERVALS=[1, 2],
        )  # fmt: skip
        app = create_app(config)
        with app.app_context():
            upgrade()
            seed_provinces_and_centres()
            _db.session.commit()
            client = app.test_client()
            worker = start_worker(
                DATABASE_URL=cluster.url,
                TINGIA_JOB_RETRIES="2",
                TINGIA_JOB_RETRY_INTERVALS="[1, 2]",
            )
            before = submit(client, 5, "trước khi PostgreSQL khởi động lại")
            wait_processed(before, 30)

            # A backlog is being worked when the database goes away (jobs in flight fail).
            backlog = submit(client, 120, "đang xử lý khi PostgreSQL khởi động lại")
            wait_until(lambda: unprocessed(backlog) < 110, 30, "the worker to be mid-backlog")
            _db.session.remove()
            cluster.stop("fast")  # every connection is cut, open transactions rolled back
            down = client.get("/health")
            refused = client.post("/api/v1/reports", json={"content": "x" * 20, "platform": "zalo",
                                                           "province": "01"})  # fmt: skip
            time.sleep(3)  # the worker's jobs fail meanwhile
            cluster.start()

            # The same app object (its pool held connections to the old server) and the same
            # worker process carry on: no restart.
            after = submit(client, 5, "sau khi PostgreSQL chạy lại")
            took = wait_processed(backlog + after, 60)
            health = client.get("/health").get_json()
            jobs = _db.session.scalars(select(ReportJob)).all()
            # Read now: once the cluster is stopped for good below, the worker logs that too.
            worker_log = worker.log()
            _db.session.remove()
            _db.engine.dispose()
    finally:
        cluster.remove()
    assert down.status_code == 503 and down.get_json()["status"] == "down"
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert refused.get_json()["error"]["code"] == "unavailable"
    assert health["status"] == "ok" and health["database"]["unprocessed_reports"] == 0
    assert worker.alive() and worker.processes() == [worker.pid]
    assert not [job for job in jobs if job.gave_up_at is not None]  # an outage gives up nothing
    # The worker waited for the database instead of failing the queued jobs one after another.
    failures = worker_log.count("exception raised while executing") + worker_log.count(
        "batched job"
    )
    assert 1 <= failures <= 3, worker_log
    assert worker_log.count("database unreachable") == 1, worker_log
    print(f"backlog done {took:.1f} s after the restart; {failures} jobs failed in flight and"
          " were retried")  # fmt: skip


def test_report_jobs_a_killed_worker_had_taken_in_a_batch_are_redone(db, make, start_worker):
    from tests.test_concurrency import near_duplicate

    # Enough reports for several batches: on a fast machine a batch can be done before the test
    # holds it, and the test then tries again on the next one.
    reports = [make.report(near_duplicate(i)) for i in range(200)]
    db.session.commit()  # queues the 200 jobs
    victim = start_worker()
    wait_until(lambda: unprocessed([reports[0].tracking_code]) == 0, 60, "the first report")
    victim_name = Job.fetch(process_job_id(reports[0].id), connection=get_redis()).worker_name

    def batch_claimed() -> list[str]:
        jobs = Job.fetch_many([process_job_id(r.id) for r in reports[1:]], connection=get_redis())
        return [j.id for j in jobs if j.worker_name == victim_name and j.get_status() == "started"]

    attempt = 0
    while True:
        attempt += 1
        wait_until(lambda: len(batch_claimed()) > 1, 30, "the worker to take a batch", step=0.01)
        hold_grouping(reports[-1])  # they are near-duplicates: one report's locks hold them all
        taken = batch_claimed()
        if len(taken) > 1 or attempt == 5:
            break
        db.session.rollback()  # that batch was done before the hold: let the worker go on
    assert len(taken) > 1, "every batch finished before the test could hold it"
    assert not get_redis().zrange(get_queue().started_job_registry.key, 0, -1)  # in no registry
    victim.kill()
    db.session.rollback()
    killed_at = time.monotonic()

    start_worker()
    codes = [report.tracking_code for report in reports]
    wait_processed(codes, ALIVE + 2 * SWEEP_INTERVAL + 30)
    print(f"{len(taken)} batched jobs of a killed worker (held at attempt {attempt}) redone "
          f"{time.monotonic() - killed_at:.1f} s after the kill")  # fmt: skip
    assert len({report.case_id for report in reports}) == 1
