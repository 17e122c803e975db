"""The service's sink: a ``prometheus_client`` registry, and its text exposition.

The only module that imports ``prometheus_client``; the service imports it at
start, a Lambda never does (tests/runtime/test_cold_start.py). The registry is
the sink's own, not the library's global one, so a test (or a second app in one
process) starts from zero and nothing else's metrics leak into /metrics.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from gh_promotion.metrics.catalog import METRICS, PREFIX, Metric, Sample, label_names

__all__ = ["CONTENT_TYPE", "PrometheusSink"]


class PrometheusSink:
    def __init__(self, per_repository: bool = False) -> None:
        self.per_repository = per_repository
        self.registry = CollectorRegistry(auto_describe=True)
        self._metrics = {m.name: self._build(m) for m in METRICS}

    def _build(self, metric: Metric) -> Any:
        name, labels = PREFIX + metric.name, label_names(metric, self.per_repository)
        common: dict[str, Any] = {"labelnames": labels, "registry": self.registry}
        if metric.kind == "counter":
            return Counter(name.removesuffix("_total"), metric.help, **common)
        if metric.kind == "histogram":
            return Histogram(name, metric.help, buckets=metric.buckets, **common)
        return Gauge(name, metric.help, **common)

    def add(self, sample: Sample) -> None:
        metric = self._metrics[sample.metric.name]
        child = metric.labels(*sample.labels) if sample.labels else metric
        kind = sample.metric.kind
        if kind == "counter":
            child.inc(sample.value)
        elif kind == "histogram":
            child.observe(sample.value)
        else:
            child.set(sample.value)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
