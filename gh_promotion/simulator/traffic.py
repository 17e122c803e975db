"""The request log and fault injection: what a test reads back and what it breaks on purpose."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class LoggedRequest:
    """One API call as GitHub's side saw it."""

    method: str
    path: str
    query: str
    status: int
    token_kind: str
    duration: float


@dataclass
class Fault:
    """Answer the next `count` matching requests with `status` (after `delay` seconds).

    `rate_limit` ("primary" or "secondary") makes the answer one of GitHub's rate-limit
    refusals, its message and `x-ratelimit-*` headers included, resetting `reset_in`
    seconds from now.
    """

    path: re.Pattern[str]
    method: str | None
    status: int
    count: int
    retry_after: int | None
    delay: float
    body: dict | None
    rate_limit: str | None = None
    reset_in: int = 60

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return self.count > 0 and self.path.search(path) is not None


class Traffic:
    """Thread-safe request log, fault list and global latency."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._faults: list[Fault] = []
        self.latency = 0.0
        self.rate_limit_remaining = 4999  # what every answer's X-RateLimit-Remaining says

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def clear(self) -> None:
        with self._lock:
            self._log.clear()

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first armed fault matching this request, consuming one of its uses."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    return fault
        return None

    def pause(self) -> None:
        if self.latency > 0:
            time.sleep(self.latency)
