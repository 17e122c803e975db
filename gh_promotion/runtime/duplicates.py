"""The deliveries this process is handling or handled lately, so a copy does the work once.

GitHub may send one delivery several times (a redelivery, several hooks, a
retry racing the first attempt); each copy would make the same requests and
write the same feedback again. A copy of a delivery this process is handling
waits for the first and takes its answer; a copy arriving within ``ttl``
seconds after it takes the answer it left. Only a handled answer (200) is kept
for later copies: a delivery that failed (GitHub unavailable, 5xx) must stay
retryable by its redelivery.

Bounded: at most ``capacity`` ids, the oldest finished forgotten first.
Per process only — another process (another Lambda instance) does not see
this ledger and handles its copy again, which GitHub's idempotent writes keep
harmless.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

CAPACITY = 4096
TTL_SECONDS = 300.0


class Entry:
    """One delivery: in progress until :meth:`DeliveryLedger.finish` sets its answer."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: Any = None
        self.finished_at = 0.0


class DeliveryLedger:
    def __init__(
        self,
        capacity: int = CAPACITY,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._capacity = capacity
        self._ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: Hashable) -> tuple[Entry, bool]:
        """The entry for ``key`` and whether the caller is the first (and must handle it)."""
        with self._lock:
            self._forget_expired()
            entry = self._entries.get(key)
            if entry is not None:
                return entry, False
            entry = self._entries[key] = Entry()
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
            return entry, True

    def finish(self, key: Hashable, entry: Entry, answer: Any, *, keep: bool) -> None:
        """Hand ``answer`` to the copies waiting on ``entry``; keep it for later copies
        only when ``keep`` (otherwise the next copy handles the delivery again)."""
        with self._lock:
            entry.answer, entry.finished_at = answer, self._clock()
            if self._entries.get(key) is entry:
                if keep:
                    self._entries.move_to_end(key)
                else:
                    del self._entries[key]
        entry.done.set()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _forget_expired(self) -> None:
        """Finished entries sit in finishing order at the front: drop the stale ones."""
        horizon = self._clock() - self._ttl
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if not entry.done.is_set() or entry.finished_at > horizon:
                return
            del self._entries[key]
