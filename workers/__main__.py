"""Run an RQ worker with one app context for its whole life."""

from __future__ import annotations

import argparse
import logging

from rq import Worker

from tingia import create_app
from tingia.extensions import db
from tingia.jobs import get_queue, get_redis, schedule_sweeper, sweep_unprocessed


class TingiaWorker(Worker):
    """A forking worker whose work horses never reuse the parent's database connections."""

    def main_work_horse(self, job, queue):  # runs in the forked child
        # Sockets inherited across fork() must not be shared with the parent; drop them unclosed.
        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build the app once and work the queue."""
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="drain the queue and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    app = create_app()
    with app.app_context():
        # Anything accepted while Redis or the workers were down is picked up now.
        sweep_unprocessed(older_than_seconds=0)
        db.session.remove()
        if not args.burst:
            schedule_sweeper()
        worker = TingiaWorker([get_queue()], connection=get_redis())
        worker.work(burst=args.burst, with_scheduler=not args.burst, logging_level="INFO")


if __name__ == "__main__":
    main()
