"""A reconcile run's metrics, from the report ``run_reconcile`` returns (issue 13).

The sweep is being built beside this; until its ``run_reconcile`` calls
:func:`record_reconcile`, the function is checked here on the report type it
will be handed, through both sinks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gh_promotion.core.result import Result, Status
from gh_promotion.metrics import record
from gh_promotion.metrics.emf import EmfCollector
from gh_promotion.metrics.prometheus import PrometheusSink
from gh_promotion.metrics.reconcile import record_reconcile
from gh_promotion.runtime.reconcile import ReconcileReport
from tests.metrics.scrape import parse, values

REPORT = ReconcileReport(
    (
        Result(Status.PROMOTED, "fast-forwarded staging", target="staging"),
        Result(Status.PENDING, "waits", target="canary"),
        Result(Status.PENDING, "waits", target="production"),
    ),
    started_at=1_000.0,
    finished_at=1_004.5,
)


@pytest.fixture
def sink() -> Iterator[PrometheusSink]:
    prometheus = PrometheusSink()
    previous = record.install(prometheus)
    yield prometheus
    record.install(previous)


def test_a_run_is_counted_with_its_outcomes_time_and_duration(sink: PrometheusSink) -> None:
    record_reconcile(REPORT)
    record_reconcile(REPORT._replace(results=(), started_at=2_000.0, finished_at=2_001.0))
    samples = parse(sink.exposition().decode())
    assert values(samples, "gh_promotion_reconcile_runs_total") == [2]
    assert values(samples, "gh_promotion_reconcile_outcomes_total", status="pending") == [2]
    assert values(samples, "gh_promotion_reconcile_outcomes_total", status="promoted") == [1]
    assert values(samples, "gh_promotion_reconcile_last_run_timestamp_seconds") == [2_001.0]
    assert values(samples, "gh_promotion_reconcile_duration_seconds") == [1.0]


def test_in_emf_several_outcome_statuses_add_up_without_a_dimension() -> None:
    collector = EmfCollector("ns")
    previous = record.install(collector)
    try:
        record_reconcile(REPORT)
    finally:
        record.install(previous)
    document = collector.document(now=5.0)
    assert document is not None
    assert (document["ReconcileRuns"], document["ReconcileOutcomes"]) == (1, 3)
    assert "status" not in document


def test_without_a_sink_nothing_is_recorded() -> None:
    assert record.current() is None
    record_reconcile(REPORT)  # returns at once
