"""The worker survives missing files and dead workers: every report is processed in the end."""

from pathlib import Path

from rq.job import Job, JobStatus

from tingia import storage
from tingia.jobs.outbox import process_job_id, release_stranded_dequeues
from tingia.jobs.queue import get_queue, get_redis
from tingia.jobs.tasks import enqueue_report, sweep_unprocessed

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


def test_a_job_a_killed_worker_had_dequeued_but_not_started_goes_back_to_the_queue(
    db, make, run_worker
):
    from datetime import timedelta

    from tingia.database import utcnow

    report = make.report("Tin đồn bị kẹt giữa hàng đợi và tiến trình đã chết")
    db.session.commit()  # queues its job
    queue = get_queue()
    redis = get_redis()
    # What RQ's dequeue does first (BLMOVE to the intermediate list, still `queued`), then the
    # worker is killed before marking it started; it was first seen there a while ago.
    redis.lmove(queue.key, queue.intermediate_queue_key, "LEFT", "RIGHT")
    job_id = process_job_id(report.id)
    long_ago = (utcnow() - timedelta(minutes=5)).timestamp()
    redis.set(queue.intermediate_queue.get_first_seen_key(job_id), long_ago)
    assert len(queue) == 0
    assert sweep_unprocessed(older_than_seconds=0) == 0  # `queued`: the sweep alone would wait

    release_stranded_dequeues()

    assert queue.get_job_ids() == [job_id]
    assert queue.intermediate_queue.get_job_ids() == []
    assert run_worker() == 1
    assert report.processed_at is not None


def test_a_job_just_dequeued_by_a_live_worker_is_left_alone(db, make):
    report = make.report("Tin đồn vừa được lấy ra khỏi hàng đợi")
    db.session.commit()
    queue = get_queue()
    get_redis().lmove(queue.key, queue.intermediate_queue_key, "LEFT", "RIGHT")
    release_stranded_dequeues()  # first sighting: noted, not touched
    assert queue.intermediate_queue.get_job_ids() == [process_job_id(report.id)]
    assert len(queue) == 0


def _run_burst_worker(app) -> None:
    """run_worker until the queue is empty, then give back the signal handlers it installs."""
    import signal

    from tingia.jobs import worker

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker.run_worker(app, burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_a_started_worker_keeps_its_startup_objects_out_of_full_collections(app):
    """A full collection over a started worker's long-lived objects took ~150 ms: one report
    in a few hundred waited for it. The worker freezes them once started."""
    import gc

    gc.unfreeze()
    try:
        _run_burst_worker(app)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_started_worker_has_the_compiled_photo_loops_ready(app, monkeypatch):
    """Compiling the photo loops (numba) takes seconds: a worker does it, or loads them from
    the disk cache, before taking its first report."""
    from tingia.jobs import worker

    warmed = []
    monkeypatch.setattr(worker, "warm_up_photo_matching", lambda: warmed.append(True))
    _run_burst_worker(app)
    assert warmed == [True]


_WEB_PROCESS = """
import sys
from tingia import create_app
from tingia.extensions import db

app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "REDIS_URL": "redis://127.0.0.1:1/0", "RATELIMIT_ENABLED": False})
with app.app_context():
    db.create_all()
client = app.test_client()
pages = [client.get(path).status_code for path in ("/", "/api/v1/openapi.json", "/report")]
print(pages, "numba" in sys.modules)
assert "numba" not in sys.modules
"""


def test_a_web_process_does_not_load_numba():
    """numba and LLVM cost a process ~70 MB: only workers, which verify photos, load them."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _WEB_PROCESS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
