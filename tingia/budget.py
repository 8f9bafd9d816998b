"""A wall-clock budget for a block of work in the main thread, nested inside RQ's job timeout.

RQ times jobs out with SIGALRM (signal.alarm); this uses the same timer for a shorter deadline and
puts the job's remaining time back afterwards, so the job timeout still holds. Outside the main
thread (no signals) the block runs without a budget.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class BudgetExceeded(Exception):  # noqa: N818  (reads as what happened: the budget was exceeded)
    """The block ran past its time budget."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise BudgetExceeded in the block once it has run `seconds` (0 or less: no budget).

    The exception is raised between Python bytecodes: a long call into C (one decode) finishes
    first, which is why what runs inside is kept small (images are downscaled before).
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining and outer_remaining <= seconds:
        yield  # the job's own deadline comes first
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(f"over the time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_remaining:
            left = outer_remaining - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
