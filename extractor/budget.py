"""Time limits for one article's work: interrupt a step that overruns its budget.

A timer signal (``SIGALRM``) interrupts the running step only in the main thread
of a process with no other timer running; elsewhere :func:`time_limit` does
nothing and callers check the clock between steps. The interruption is a
``BaseException`` so that no ``except Exception`` inside a step swallows it.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator


class BudgetExceeded(BaseException):
    """Raised inside a step when its time budget ran out."""


def can_interrupt() -> bool:
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` in the body after ``seconds`` (when a timer can be used)."""
    if seconds == float("inf") or not can_interrupt():
        yield
        return

    def on_alarm(signum, frame):
        raise BudgetExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
