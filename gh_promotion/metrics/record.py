"""The process's one metrics sink, and how observations reach it.

A module global rather than a context variable: the service's deliveries run
on many threads and all count into one registry; a Lambda container runs one
invocation at a time. With no sink installed (metrics off, or a runtime that
has none) every ``record_*`` function returns at its first line, so the
webhook path pays one global read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from gh_promotion.gateway import tally
from gh_promotion.metrics.catalog import Sample


class Sink(Protocol):
    per_repository: bool  # the repository label is on (metrics.perRepository)

    def add(self, sample: Sample) -> None: ...


_sink: Sink | None = None


def install(sink: Sink | None) -> Sink | None:
    """Make ``sink`` receive every observation (None: none does); the previous sink."""
    global _sink
    previous, _sink = _sink, sink
    if sink is None:
        tally.listen(None)
    else:
        from gh_promotion.metrics.github import on_response

        tally.listen(on_response)
    return previous


def current() -> Sink | None:
    return _sink


def emit(samples: Iterable[Sample]) -> None:
    sink = _sink
    if sink is None:
        return
    for sample in samples:
        sink.add(sample)
