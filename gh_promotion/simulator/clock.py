"""GitHub's clock, as the simulator keeps it: real time plus an offset a test can advance.

Every timestamp the simulator writes into its state (pull requests, statuses,
check runs, reviews, ref activity, issues) is read from :data:`CLOCK`, so a
test can move "GitHub's now" forward by an hour without sleeping, and hand the
same clock to gh-promotion at its wiring edge so both agree. Credentials (JWT
and token lifetimes) keep real time: they are checked against the clock of
whoever signed them. One clock per process, reset when a simulator stops.
"""

from __future__ import annotations

import threading
import time


class SimClock:
    """``now()`` is ``time.time()`` plus an offset; :meth:`advance` moves it forward."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move GitHub's time ``seconds`` ahead (never back: GitHub's time is monotonic)."""
        if seconds < 0:
            raise ValueError("the simulator's clock only moves forward")
        with self._lock:
            self._offset += seconds
            return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


CLOCK = SimClock()


def now() -> float:
    return CLOCK.now()
