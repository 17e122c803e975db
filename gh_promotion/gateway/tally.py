"""How many GitHub requests the delivery being handled has made, for its log line,
and who else wants to hear of each answer (the metrics, :mod:`gh_promotion.metrics.github`).

A context variable, like the log's delivery context: concurrent deliveries in
other threads keep their own count. Standard library only, so runtimes can
import it on a cold start without PyGithub.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping

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


# method, path under the API root, status (or the exception's name), headers, installation
Listener = Callable[[str, str, "int | str", Mapping[str, str], str], None]
_listener: Listener | None = None


def listen(listener: Listener | None) -> None:
    """Hear of every GitHub answer from now on (None: stop); one listener per process."""
    global _listener
    _listener = listener


def heard(
    method: str, path: str, code: int | str, headers: Mapping[str, str], installation: str
) -> None:
    """An answer from GitHub (``code``: its status, or the exception that replaced it)."""
    listener = _listener
    if listener is not None:
        listener(method, path, code, headers, installation)
