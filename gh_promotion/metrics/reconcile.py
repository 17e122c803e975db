"""A reconcile run (issue 13's sweep and redelivery) as metrics: when, how long, what came of it.

``run_reconcile`` calls :func:`record_reconcile` with its report, whichever
runtime ran it (the command, the service's background sweep, a scheduled
Lambda event); with no sink installed it does nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from gh_promotion.core.result import Result
from gh_promotion.metrics import record
from gh_promotion.metrics.catalog import (
    RECONCILE_DURATION,
    RECONCILE_LAST_RUN,
    RECONCILE_OUTCOMES,
    RECONCILE_RUNS,
    Sample,
)


class Report(Protocol):
    """What is read of ``runtime.reconcile.ReconcileReport``."""

    @property
    def results(self) -> Sequence[Result]: ...

    @property
    def started_at(self) -> float: ...

    @property
    def finished_at(self) -> float: ...


def record_reconcile(report: Report) -> None:
    if record.current() is None:
        return
    outcomes = Counter(result.status.value for result in report.results)
    samples = [
        Sample(RECONCILE_RUNS, ()),
        Sample(RECONCILE_LAST_RUN, (), report.finished_at),
        Sample(RECONCILE_DURATION, (), max(0.0, report.finished_at - report.started_at)),
    ]
    samples += [Sample(RECONCILE_OUTCOMES, (status,), n) for status, n in sorted(outcomes.items())]
    record.emit(samples)
