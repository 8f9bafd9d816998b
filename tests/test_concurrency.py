"""Two real worker processes grouping near-duplicates at the same moment end with one case."""

import os
import subprocess
import sys
import time
from pathlib import Path

from rq import Worker
from rq.job import Job
from sqlalchemy import func, select

from tingia.jobs.outbox import process_job_id
from tingia.jobs.queue import get_queue, get_redis
from tingia.matching.normalise import fold_diacritics
from tingia.models import Case, CaseLink, CaseSuggestion, Report

ROOT = Path(__file__).resolve().parent.parent
REPORTS = 40
TEXT = (
    "KHẨN CẤP: Bộ Y tế khuyến cáo người dân uống nước chanh ấm pha muối mỗi sáng để diệt virus "
    "cúm A đang bám trong cổ họng trước khi nó xuống phổi. Virus chỉ sống được ở nhiệt độ dưới 26 "
    "độ, vì vậy hãy súc miệng bằng nước muối ấm ba lần mỗi ngày và tránh uống nước đá trong suốt "
    "mùa dịch năm nay, hãy chia sẻ cho gia đình và bạn bè"
)
BEFORE = ("Có ai biết tin này thật không?", "Nhờ kiểm tra giúp:", "Thấy trên mạng:", "")
AFTER = ("", "Cẩn thận nhé!", "Có phải tin giả không ạ?")


def near_duplicate(i: int) -> str:
    """The i-th citizen's version of the same post: case, accents, spacing, own words."""
    body = (TEXT, TEXT.upper(), fold_diacritics(TEXT), TEXT.replace(", ", " ,  "))[i % 4]
    return f"{BEFORE[i % len(BEFORE)]} {body} {AFTER[i % len(AFTER)]}".strip()


def worker_env(app_config: dict) -> dict:
    """Environment of a worker process working the test app's database, queue and uploads."""
    return {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app_config["REDIS_URL"],
        "TINGIA_ENV": "testing",
        "TINGIA_RQ_QUEUE": app_config["RQ_QUEUE"],
        "TINGIA_UPLOAD_DIR": app_config["UPLOAD_DIR"],
        "TINGIA_JOB_RETRIES": "0",
    }


def test_two_worker_processes_grouping_near_duplicates_make_one_case(db, make, app_config):
    # Both workers listen before the first report arrives (one would drain the queue alone while
    # the other starts up); committing the reports queues their jobs.
    command = [sys.executable, "-m", "workers"]
    env = {**worker_env(app_config), "TINGIA_SWEEP_INTERVAL_SECONDS": "3600"}
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(Worker.all(queue=get_queue())) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)
        reports = [
            make.report(near_duplicate(i), province=("01", "79")[i % 2]) for i in range(REPORTS)
        ]
        db.session.commit()
        deadline = time.monotonic() + 240
        while db.session.scalar(select(func.count()).where(Report.processed_at.is_(None))):
            assert time.monotonic() < deadline, "the reports were not all processed"
            db.session.rollback()
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            _, stderr = worker.communicate(timeout=60)
            assert worker.returncode == 0, stderr.decode()

    # Both processes really worked at the same time: each ran jobs, and some of their jobs
    # ran during the same instants.
    jobs = [Job.fetch(process_job_id(r.id), connection=get_redis()) for r in reports]
    failed = [(job.id, job.get_status()) for job in jobs if job.get_status() != "finished"]
    assert not failed, failed[0]
    by_worker: dict[str, list[Job]] = {}
    for job in jobs:
        by_worker.setdefault(job.worker_name, []).append(job)
    assert len(by_worker) == 2, {name: len(done) for name, done in by_worker.items()}
    first, second = by_worker.values()
    assert any(
        a.started_at < b.ended_at and b.started_at < a.ended_at for a in first for b in second
    ), "the two workers never processed reports at the same moment"

    # One case per centre the reports were routed to (never joined across centres), and the
    # two cases linked as the same story.
    db.session.expire_all()
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    assert sorted(case.centre.province_code for case in cases) == ["01", "79"]
    assert sum(case.report_count for case in cases) == REPORTS
    assert all(case.report_count == REPORTS // 2 for case in cases)
    links = db.session.scalars(select(CaseLink)).all()
    assert [(link.case_id, link.other_case_id) for link in links] == [(cases[0].id, cases[1].id)]
    assert db.session.scalar(select(func.count(CaseSuggestion.id))) == 0
    assert db.session.scalar(select(func.count()).where(Report.processed_at.is_(None))) == 0
