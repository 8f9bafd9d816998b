"""The worker survives missing files and dead workers: every report is processed in the end."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rq.job import Job, JobStatus
from sqlalchemy import update

from tests.test_concurrency import worker_env
from tingia import storage
from tingia.jobs.outbox import process_job_id
from tingia.jobs.queue import get_queue, get_redis
from tingia.jobs.tasks import enqueue_report, sweep_unprocessed
from tingia.matching.service import GROUPING_LOCK_ID
from tingia.models import GroupingLock

ROOT = Path(__file__).resolve().parent.parent


def test_a_missing_image_file_is_logged_and_the_report_grouped_on_its_text(
    db, make, run_worker, caplog
):
    text = (
        "Clip lan truyền cảnh hàng loạt cây xăng ở Hà Nội đóng cửa vì hết xăng, người dân xếp hàng "
        "dài từ sáng sớm, có tin nói giá xăng sẽ tăng gấp đôi từ tuần sau nên hãy mua tích trữ ngay"
    )
    with_image = make.report(text, images=[make.png_bytes(300, 200, "navy", "poster")])
    same_text = make.report(text)
    db.session.commit()
    storage.image_path(with_image.attachments[0].storage_key).unlink()
    enqueue_report(with_image.id)
    enqueue_report(same_text.id)

    assert run_worker() == 2  # no job failed, none is retried forever

    attachment = with_image.attachments[0]
    assert attachment.fingerprinted_at is not None
    assert attachment.text_heavy is True and attachment.phash is None  # never matched on looks
    assert "not fingerprinted" in caplog.text
    assert with_image.processed_at is not None
    assert same_text.case_id == with_image.case_id


def test_sweeper_re_enqueues_reports_whose_job_failed_or_vanished(db, make, run_worker):
    failed, vanished, queued = (make.report(f"Tin đồn số {n}") for n in range(3))
    db.session.commit()
    for report in (failed, vanished, queued):
        enqueue_report(report.id)
    queue = get_queue()
    job = Job.fetch(process_job_id(failed.id), connection=get_redis())
    queue.remove(job)
    job.set_status(JobStatus.FAILED)
    queue.failed_job_registry.add(job, exc_string="worker lost")
    queue.remove(process_job_id(vanished.id))
    Job.fetch(process_job_id(vanished.id), connection=get_redis()).delete()

    assert sweep_unprocessed(older_than_seconds=0) == 2  # the queued one is left alone
    assert run_worker() == 3
    assert all(r.processed_at is not None for r in (failed, vanished, queued))


def session_processes(session_id: int) -> list[int]:
    """Live processes of a session (Linux /proc): a worker and the work horse it forked."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            pids.append(int(stat.parent.name))
    return pids


def test_a_report_whose_worker_was_killed_mid_job_is_processed_after_all(db, make, app_config):
    report = make.report("Cảnh báo: nước máy ở quận 7 nhiễm độc, không được dùng để nấu ăn")
    db.session.add(GroupingLock(id=GROUPING_LOCK_ID))
    db.session.commit()
    enqueue_report(report.id)
    job_id = process_job_id(report.id)

    # Hold the grouping lock so the worker's job stays in the middle of processing.
    db.session.execute(update(GroupingLock).values(touched_at=GroupingLock.touched_at))
    worker = subprocess.Popen(
        [sys.executable, "-m", "workers", "--burst"],
        cwd=ROOT,
        env={**worker_env(app_config), "TINGIA_WORKER_FORK": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the worker and its work horse share this session
    )
    try:
        deadline = time.monotonic() + 60
        while (
            Job.fetch(job_id, connection=get_redis()).get_status() != JobStatus.STARTED
            or len(session_processes(worker.pid)) < 2
        ):
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.05)
    finally:
        # The machine dies: the worker and the work horse (its own process group) at once.
        while pids := session_processes(worker.pid):
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        worker.wait(30)
        db.session.rollback()  # release the lock

    db.session.refresh(report)
    assert report.processed_at is None
    assert Job.fetch(job_id, connection=get_redis()).get_status() == JobStatus.STARTED
    assert sweep_unprocessed(older_than_seconds=0) == 0  # it may still be running

    # Time passes and no heartbeat comes: the started-jobs entry expires.
    registry = get_queue().started_job_registry
    get_redis().zadd(registry.key, dict.fromkeys(get_redis().zrange(registry.key, 0, -1), 1))
    assert sweep_unprocessed(older_than_seconds=0) == 1

    result = subprocess.run(
        [sys.executable, "-m", "workers", "--burst"],
        cwd=ROOT,
        env=worker_env(app_config),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    db.session.refresh(report)
    assert report.processed_at is not None and report.case_id is not None
