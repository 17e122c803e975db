"""The Lambda's sink: one CloudWatch embedded-metric-format line per invocation.

CloudWatch Logs turns a log line with an ``_aws.CloudWatchMetrics`` directive
into metrics, with no API call and no latency for the invocation
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
The format is written here directly, with :mod:`json`: the ``aws-embedded-metrics``
package costs 220–370 ms of imports on a cold start (it brings aiohttp), this
costs none (docs/metrics.md gives the measurement).

One line holds one value per dimension name, and an invocation may observe a
metric under several label values (several GitHub routes, for one). The
values of a metric are kept apart by their labels when the invocation saw
one set of labels for it; otherwise they are added up (counters), listed
(timings) or the lowest kept (the rate limit left) without dimensions. GitHub
requests are written as one total: their route breakdown is the service's.
"""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from gh_promotion.metrics.catalog import (
    GITHUB_REQUESTS,
    METRICS,
    RATE_LIMIT_REMAINING,
    Metric,
    Sample,
    label_names,
)

MAX_VALUES = 100  # EMF: at most 100 values per metric in one document


class EmfCollector:
    """The samples of one invocation, written as one EMF line by :meth:`write`."""

    def __init__(self, namespace: str, per_repository: bool = False) -> None:
        self.namespace = namespace
        self.per_repository = per_repository
        self._seen: dict[str, dict[tuple[str, ...], list[float]]] = {}

    def add(self, sample: Sample) -> None:
        labels = () if sample.metric is GITHUB_REQUESTS else sample.labels
        by_labels = self._seen.setdefault(sample.metric.name, {})
        by_labels.setdefault(labels, []).append(sample.value)

    def document(self, now: float | None = None) -> dict[str, Any] | None:
        """The EMF object, or None when the invocation observed nothing."""
        if not self._seen:
            return None
        root: dict[str, Any] = {}
        directives: list[dict[str, Any]] = []
        for metric in METRICS:
            by_labels = self._seen.get(metric.name)
            if by_labels:
                dimensions, value = self._place(metric, by_labels, root)
                root[metric.emf_name] = value
                unit = {"Name": metric.emf_name, "Unit": metric.emf_unit}
                directives.append({"dims": dimensions, "metric": unit})
        groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
        for directive in directives:
            groups.setdefault(tuple(directive["dims"]), []).append(directive["metric"])
        root["_aws"] = {
            "Timestamp": int((time.time() if now is None else now) * 1000),
            "CloudWatchMetrics": [
                {"Namespace": self.namespace, "Dimensions": [list(dims)], "Metrics": metrics}
                for dims, metrics in groups.items()
            ],
        }
        return root

    def _place(
        self, metric: Metric, by_labels: dict[tuple[str, ...], list[float]], root: dict[str, Any]
    ) -> tuple[list[str], Any]:
        names = label_names(metric, self.per_repository) if metric is not GITHUB_REQUESTS else ()
        if len(by_labels) == 1:
            ((labels, values),) = by_labels.items()
            pairs = dict(zip(names, labels, strict=True))
            if all(labels) and all(root.get(n, v) == v for n, v in pairs.items()):
                root.update(pairs)
                return list(names), _value(metric, values)
        values = [v for vs in by_labels.values() for v in vs]
        return [], _value(metric, values)

    def write(self, stream: TextIO) -> None:
        """The invocation's line on ``stream``, if it observed anything."""
        document = self.document()
        if document is not None:
            stream.write(json.dumps(document, separators=(",", ":")) + "\n")
            stream.flush()


def _value(metric: Metric, values: list[float]) -> Any:
    if metric.kind == "counter":
        return sum(values)
    if metric.kind == "gauge":  # the rate limit left: the lowest the invocation saw
        return min(values) if metric is RATE_LIMIT_REMAINING else values[-1]
    return values[:MAX_VALUES] if len(values) > 1 else values[0]
