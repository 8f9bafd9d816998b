"""The per-image time budget: raised on time, and RQ's job timeout (the same timer) kept."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from tingia.budget import BudgetExceeded, time_budget


def busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_the_block_is_interrupted_at_its_budget():
    began = time.monotonic()
    with pytest.raises(BudgetExceeded), time_budget(0.2):
        busy(3)
    assert 0.15 < time.monotonic() - began < 1.0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_block_within_its_budget_runs_to_the_end():
    with time_budget(2):
        busy(0.05)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_outer_job_timeout_is_put_back():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        with pytest.raises(BudgetExceeded), time_budget(0.2):
            busy(3)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 4.0 < remaining <= 4.85
        assert signal.getsignal(signal.SIGALRM) is not None and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_outer_deadline_sooner_than_the_budget_is_left_alone():
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        with time_budget(10):
            remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0.5 < remaining <= 1.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_outside_the_main_thread_there_is_no_budget():
    outcome = []

    def run():
        with time_budget(0.05):
            busy(0.2)
        outcome.append("finished")

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert outcome == ["finished"]
