"""Grouping throughput of real worker processes on a backlog of text reports (no OCR).

Usage: python -m bench.grouping --database-url postgresql+psycopg://... --redis-url redis://...
           [--reports 3000] [--workers 1,2,4] [--worker-cwd DIR] [--burst]

For each worker count: the scratch database's tables are dropped and rebuilt, a backlog of short
text reports is accepted (VFND stories, read at run time from ../shared/data, each with its
variations: the post, respaced, an excerpt, with typos, "Xem thêm", wrapped in comments, so most
reports join a case), that many `python -m workers` processes are started and left to register,
then every job is queued at once and the clock runs until the last report is processed.
Prints one line per count, with the machine's load average (the machine is shared).

--burst queues the backlog first and then starts `python -m workers --burst` (their start-up
counts). --worker-cwd runs the workers of another checkout (for example the main branch, to measure
before a change) against the same database and queue.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "vfnd-real-articles.jsonl"
QUEUE = "tingia-bench"


def report_texts(articles_path: Path, count: int, seed: int = 7) -> list[str]:
    """`count` short text reports: each story's post and its variations, stories in turn."""
    from bench import devset

    rng = random.Random(seed)
    articles = devset.load_articles(str(articles_path))
    rng.shuffle(articles)
    variations = (
        lambda text: text,
        lambda text: devset.respace(text, rng),
        lambda text: devset.excerpt(text, rng),
        lambda text: devset.add_typos(text, rng),
        lambda text: devset.see_more(text, rng),
        lambda text: devset.wrap_with_comments(text, rng),
    )
    texts: list[str] = []
    for article in articles:
        post = " ".join(devset.post_text(article).split()[:120])  # a short post
        texts.extend(vary(post) for vary in variations)
        if len(texts) >= count:
            break
    while len(texts) < count:  # a small corpus: repeat it
        texts.extend(texts[: count - len(texts)])
    rng.shuffle(texts)
    return texts[:count]


def prepare(app, texts: list[str]) -> list[int]:
    """Rebuild the schema, seed provinces and accept the backlog (nothing enqueued)."""
    from tingia.centres.service import seed_provinces_and_centres
    from tingia.extensions import db
    from tingia.intake.service import ReportInput, accept_report

    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_provinces_and_centres()
        provinces = ("01", "79", "48", "31")
        ids = []
        for i, text in enumerate(texts):
            fields = ReportInput(content=text, url=None, platform="facebook",
                                 province_code=provinces[i % len(provinces)])  # fmt: skip
            ids.append(accept_report(fields, []).id)
            if i % 500 == 499:
                db.session.commit()
        db.session.commit()
        db.session.remove()
        return ids


def unprocessed(app) -> int:
    """Reports not processed yet."""
    from sqlalchemy import func, select

    from tingia.extensions import db
    from tingia.models import Report

    with app.app_context():
        count = db.session.scalar(select(func.count()).where(Report.processed_at.is_(None)))
        db.session.remove()
        return count


def measure(app, args, n_workers: int, texts: list[str]) -> dict:
    """Start the workers, queue the backlog at once, time it until every report is processed."""
    from redis import Redis
    from rq import Queue, Worker
    from sqlalchemy import func, select

    from bench.load import cpu_seconds, postmaster_pid
    from tingia.extensions import db
    from tingia.jobs.outbox import process_job_id
    from tingia.jobs.tasks import process_report
    from tingia.models import Case

    ids = prepare(app, texts)
    postgres = [pid for pid in [postmaster_pid(args.database_url)] if pid]
    redis = Redis.from_url(args.redis_url)
    redis.flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "TINGIA_ENV": "development",
        "TINGIA_RQ_QUEUE": QUEUE,
        "TINGIA_MATCH_OCR_ENABLED": "false",
        "TINGIA_SWEEP_INTERVAL_SECONDS": "3600",
        "PYTHONPATH": str(args.worker_cwd),
    }
    logs = open(os.devnull, "wb")  # noqa: SIM115  (closed below)
    queue = Queue(QUEUE, connection=redis)

    def start_workers() -> list[subprocess.Popen]:
        command = [sys.executable, "-m", "workers", *(["--burst"] if args.burst else [])]
        return [
            subprocess.Popen(command, cwd=args.worker_cwd, env=env, stdout=logs,
                             stderr=subprocess.STDOUT, start_new_session=True)
            for _ in range(n_workers)
        ]  # fmt: skip

    def enqueue_all() -> None:
        with redis.pipeline() as pipeline:
            jobs = [
                Queue.prepare_data(process_report, (report_id,), job_id=process_job_id(report_id),
                                   timeout=120, result_ttl=600)
                for report_id in ids
            ]  # fmt: skip
            queue.enqueue_many(jobs, pipeline=pipeline)
            pipeline.execute()

    workers: list[subprocess.Popen] = []
    try:
        if args.burst:  # the backlog is queued, then burst workers start (start-up included)
            enqueue_all()
            load_before = os.getloadavg()
            start = time.monotonic()
            workers = start_workers()
        else:  # the workers are listening, then the backlog is queued at once
            workers = start_workers()
            deadline = time.monotonic() + 120
            while len(Worker.all(queue=queue)) < n_workers:
                if time.monotonic() > deadline:
                    raise SystemExit("the workers did not start")
                time.sleep(0.1)
            time.sleep(1.0)
            load_before = os.getloadavg()
            start = time.monotonic()
            enqueue_all()
        cpu_start = cpu_seconds([w.pid for w in workers]) if not args.burst else 0.0
        pg_start = cpu_seconds(postgres)
        left = unprocessed(app)
        while left > 0 and time.monotonic() - start < args.timeout:
            time.sleep(0.05)
            left = unprocessed(app)
        seconds = time.monotonic() - start  # past --timeout: the rate of what was done
        load_after = os.getloadavg()
        worker_cpu = cpu_seconds([w.pid for w in workers]) - cpu_start
        pg_cpu = cpu_seconds(postgres) - pg_start
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        logs.close()
    with app.app_context():
        cases = db.session.scalar(select(func.count(Case.id)))
        db.session.remove()
    done = len(ids) - left
    return {
        "workers": n_workers,
        "mode": "burst" if args.burst else "listening",
        "reports": len(ids),
        "processed": done,
        "seconds": round(seconds, 2),
        "reports_per_s": round(done / seconds, 1),
        "cases": cases,
        "worker_cpu_ms_per_report": round(1000 * worker_cpu / max(done, 1), 1),
        "postgres_cpu_ms_per_report": round(1000 * pg_cpu / max(done, 1), 1),
        "load_before": f"{load_before[0]:.2f}",
        "load_after": f"{load_after[0]:.2f}",
    }


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and measure each worker count."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a scratch database (wiped)")
    parser.add_argument("--redis-url", required=True, help="a scratch Redis (flushed)")
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--worker-cwd", type=Path, default=ROOT)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--burst", action="store_true", help="queue first, then burst workers")
    args = parser.parse_args(argv)

    from tingia import create_app

    app = create_app({
        "ENV": "development", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": args.database_url,
        "REDIS_URL": args.redis_url, "RQ_QUEUE": QUEUE, "JOBS_ENQUEUE_ON_COMMIT": False,
        "UPLOAD_DIR": "/tmp/tingia-bench-uploads",
    })  # fmt: skip
    texts = report_texts(args.articles, args.reports)
    for n in (int(part) for part in args.workers.split(",")):
        figures = measure(app, args, n, texts)
        print(" ".join(f"{key}={value}" for key, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
