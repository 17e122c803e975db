"""How many GitHub requests the delivery being handled has made, for its log line.

A context variable, like the log's delivery context: concurrent deliveries in
other threads keep their own count. Standard library only, so runtimes can
import it on a cold start without PyGithub.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

_count: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "gh_promotion_github_requests", default=None
)


@contextlib.contextmanager
def counting_requests() -> Iterator[Callable[[], int]]:
    """Count the requests made inside the block; yields a function that reads the count."""
    counter = [0]
    token = _count.set(counter)
    try:
        yield lambda: counter[0]
    finally:
        _count.reset(token)


def count_request() -> None:
    """One more request to GitHub (a no-op outside :func:`counting_requests`)."""
    counter = _count.get()
    if counter is not None:
        counter[0] += 1
