"""`/health` (database and Redis state, queue depth, oldest unprocessed report) and jobs that
always fail: they stop after their retries, the sweep leaves them alone, admins see and requeue
them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import update

from tests.conftest import make_config
from tests.processes import RedisServer, free_port
from tingia import create_app
from tingia.database import utcnow
from tingia.extensions import db as _db
from tingia.jobs import tasks
from tingia.jobs.outbox import begin_attempt, process_job_id
from tingia.jobs.queue import get_queue, get_redis
from tingia.jobs.tasks import sweep_unprocessed
from tingia.matching import service as matching
from tingia.models import Report, ReportJob

CONTACT = {
    "contact_name": "Trần Thị Riêng Tư",
    "contact_email": "rieng.tu@example.vn",
    "contact_phone": "0912345678",
    "contact_consent": True,
}


def assert_no_personal_data(text: str) -> None:
    """None of the reporter's details (nor the report's text) appear."""
    for value in ("Trần Thị Riêng Tư", "rieng.tu@example.vn", "0912345678", "nước mắm"):
        assert value not in text


def test_health_reports_database_redis_queue_and_the_oldest_unprocessed_report(client, db, make):
    old = make.report("Tin đồn nước mắm giả ở chợ Bến Thành", **CONTACT)
    make.report("Tin đồn nước mắm giả ở chợ Bến Thành, lần hai")
    db.session.commit()
    db.session.execute(
        update(Report)
        .where(Report.id == old.id)
        .values(created_at=utcnow() - timedelta(seconds=300))
    )
    db.session.commit()

    response = client.get("/health")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["redis"]["ok"] is True
    assert body["database"]["unprocessed_reports"] == 2
    assert 299 <= body["database"]["oldest_unprocessed_age_seconds"] < 400
    assert body["database"]["given_up_reports"] == 0
    assert body["redis"]["queued_jobs"] == 2  # each committed report queued its job
    assert body["redis"]["running_jobs"] == 0 and body["redis"]["scheduled_jobs"] == 0
    assert_no_personal_data(response.text)


def test_health_is_ok_and_null_age_when_everything_is_processed(client, db, make, run_worker):
    make.report("Một tin đã xử lý xong")
    db.session.commit()
    run_worker()
    body = client.get("/health").get_json()
    assert body["database"]["unprocessed_reports"] == 0
    assert body["database"]["oldest_unprocessed_age_seconds"] is None
    assert body["redis"]["queued_jobs"] == 0


def test_health_is_degraded_but_200_when_only_redis_is_out(db, make, app_config, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    app = create_app({**app_config, "REDIS_URL": server.url})
    with app.app_context():
        make.report("Tin đồn nước mắm giả trong lúc Redis tắt", **CONTACT)  # accepted all the same
        _db.session.commit()
        server.stop()
        response = app.test_client().get("/health")
        _db.session.remove()
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["redis"] == {"ok": False, "error": "ConnectionError"}
    assert body["database"]["ok"] is True and body["database"]["unprocessed_reports"] == 1
    assert_no_personal_data(response.text)


@pytest.mark.parametrize("redis_up", [True, False], ids=["redis-up", "redis-down"])
def test_health_is_503_when_the_database_is_out(app_config, tmp_path, redis_up):
    # A PostgreSQL address where nothing listens: connecting is refused, as when it is down.
    unreachable = f"postgresql+psycopg://tingia@127.0.0.1:{free_port()}/tingia"
    redis_url = app_config["REDIS_URL"] if redis_up else f"redis://127.0.0.1:{free_port()}/0"
    app = create_app(make_config(unreachable, redis_url, tmp_path / "uploads"))
    with app.app_context():
        response = app.test_client().get("/health")
        _db.session.remove()
        _db.engine.dispose()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down"
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["redis"]["ok"] is redis_up
    assert "127.0.0.1" not in response.text  # no connection details either


# --- jobs that always fail ---------------------------------------------------------------


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Two retries, at once (no waiting between attempts in the test)."""
    return {**app_config, "JOB_RETRIES": 2, "JOB_RETRY_INTERVALS": [0, 0], "JOB_MAX_ATTEMPTS": 6}


def work_burst() -> None:
    """Run the real RQ worker on the app's queue until it is empty (failures allowed)."""
    SimpleWorker([get_queue()], connection=get_redis()).work(burst=True)
    _db.session.expire_all()


class PoisonReport(Exception):
    """What the broken matcher raises."""


@pytest.fixture
def broken_matcher(monkeypatch):
    """Grouping fails for every report, as a bug would (the rest of the stack is real)."""

    def fail(report_id: int):
        raise PoisonReport(f"cannot group report {report_id}")

    monkeypatch.setattr(matching, "process_report", fail)
    return monkeypatch


def test_a_job_that_always_fails_stops_after_its_retries_and_the_sweep_leaves_it(
    db, make, broken_matcher
):
    report = make.report("Tin đồn nước mắm giả làm hỏng bộ ghép", **CONTACT)
    db.session.commit()

    work_burst()  # the first attempt, then two retries

    job = db.session.get(ReportJob, report.id)
    assert job.attempts == 3
    assert job.gave_up_at is not None
    assert job.last_error == f"PoisonReport: cannot group report {report.id}"
    assert report.processed_at is None
    assert get_queue().failed_job_registry.get_job_ids() == [process_job_id(report.id)]
    # The sweep (every minute) does not enqueue it again, however often it runs.
    for _ in range(3):
        assert sweep_unprocessed(older_than_seconds=0) == 0
    assert len(get_queue()) == 0


def test_a_report_started_too_many_times_is_given_up_without_running(db, make, app):
    # A job that kills its worker every time never reaches its own error handling: attempts are
    # counted when they start, so the count still grows and stops it.
    report = make.report("Tin đồn làm tiến trình chết mỗi lần")
    db.session.commit()
    for _ in range(app.config["JOB_MAX_ATTEMPTS"]):
        assert begin_attempt(report.id)
    assert not begin_attempt(report.id)
    job = db.session.get(ReportJob, report.id)
    assert job.gave_up_at is not None
    assert sweep_unprocessed(older_than_seconds=0) == 0
    assert tasks.process_report(report.id) == {"report_id": report.id, "outcome": "skipped"}


def test_outages_do_not_make_a_report_given_up(db, make):
    from sqlalchemy.exc import OperationalError

    from tingia.jobs.outbox import record_failure, unprocessed_report_ids

    report = make.report("Tin đồn khi cơ sở dữ liệu khởi động lại")
    db.session.commit()
    assert begin_attempt(report.id)
    record_failure(report.id, OperationalError("SELECT 1", {}, Exception("server closed")), True)
    job = db.session.get(ReportJob, report.id)
    assert job.gave_up_at is None and job.last_error.startswith("Exception: server closed")
    assert unprocessed_report_ids(older_than_seconds=0) == [report.id]  # the sweep redoes it


def test_admins_see_failed_jobs_and_requeue_them(app, db, make, broken_matcher):
    report = make.report("Tin đồn nước mắm giả làm hỏng bộ ghép", **CONTACT)
    admin = make.user("admin", None)
    db.session.commit()
    work_burst()
    client = app.test_client()
    make.login(client, admin)

    page = client.get("/staff/admin/jobs")
    assert page.status_code == 200
    row = re.search(rf'data-report-id="{report.id}".*?</tr>', page.text, re.S).group(0)
    assert report.tracking_code in row and "PoisonReport" in row and ">3<" in row
    assert_no_personal_data(page.text)

    broken_matcher.undo()  # the cause is fixed
    response = client.post(f"/staff/admin/jobs/{report.id}/requeue")
    assert response.status_code == 302
    assert db.session.get(ReportJob, report.id).gave_up_at is None
    work_burst()
    assert report.processed_at is not None and report.case_id is not None
    assert "no-failed-jobs" in client.get("/staff/admin/jobs").text
    # Requeueing a report that is not given up on answers 404.
    assert client.post(f"/staff/admin/jobs/{report.id}/requeue").status_code == 404


def test_requeue_without_csrf_token_is_refused(db, make, app_config, broken_matcher):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        report = make.report("Tin đồn cần đưa lại vào hàng đợi")
        admin = make.user("admin", None)
        _db.session.commit()
        work_burst()
        client = app.test_client()
        make.login(client, admin)
        assert client.post(f"/staff/admin/jobs/{report.id}/requeue").status_code == 400
        assert _db.session.get(ReportJob, report.id).gave_up_at is not None
        _db.session.remove()


def test_failed_jobs_page_is_for_admins_only(app, db, make):
    for role, province in (("verifier", "01"), ("lead", "01"), ("lead", None)):
        client = app.test_client()
        make.login(client, make.user(role, province))
        assert client.get("/staff/admin/jobs").status_code == 403, role
    assert app.test_client().get("/staff/admin/jobs").status_code == 302  # sign in first
