"""`python -m workers [--burst]`: run a Tingia worker (tingia/jobs/worker.py) for this app."""

from __future__ import annotations

import argparse
import logging

from tingia import create_app
from tingia.jobs.worker import run_worker


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build the app once and work the queue."""
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="drain the queue and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    run_worker(create_app(), burst=args.burst)


if __name__ == "__main__":
    main()
