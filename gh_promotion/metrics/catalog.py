"""Every metric gh-promotion records: its name, kind, labels and CloudWatch name.

One table, read by both sinks, so the Prometheus exposition and the EMF lines
cannot drift apart. Labels are bounded: an event name GitHub may send, a result
status or an HTTP status class, a route template, a stage of a promotion path,
an installation id; the repository only with ``metrics.perRepository``.
"""

from __future__ import annotations

from typing import NamedTuple

PREFIX = "gh_promotion_"
REPOSITORY_LABEL = "repository"

# Seconds: from a skipped delivery (~1 ms) to one that spends GitHub's 10 s.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Seconds: from a minute to a month, the range of a change's lead time per stage.
LEAD_TIME_BUCKETS = (60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400)
LEAD_TIME_BUCKETS += (7 * 86400, 30 * 86400)


class Metric(NamedTuple):
    name: str  # without PREFIX
    kind: str  # "counter", "histogram" or "gauge"
    help: str
    labels: tuple[str, ...]
    emf_name: str  # the CloudWatch metric name
    emf_unit: str  # a CloudWatch unit
    per_repository: bool = False  # gains the repository label with metrics.perRepository
    buckets: tuple[float, ...] = ()


DELIVERIES = Metric(
    "deliveries_total",
    "counter",
    "Deliveries answered, by event and result status (a refusal: its HTTP status class, e.g. 4xx)",
    ("event", "status"),
    "Deliveries",
    "Count",
    per_repository=True,
)
DELIVERY_DURATION = Metric(
    "delivery_duration_seconds",
    "histogram",
    "Time from a delivery's arrival at the core to its answer",
    ("event",),
    "DeliveryDuration",
    "Seconds",
    buckets=DURATION_BUCKETS,
)
GITHUB_REQUESTS = Metric(
    "github_requests_total",
    "counter",
    "Requests sent to GitHub, by method, route template and answer (a status, or no_answer)",
    ("method", "endpoint", "code"),
    "GitHubRequests",
    "Count",
)
RATE_LIMIT_REMAINING = Metric(
    "github_rate_limit_remaining",
    "gauge",
    "GitHub's x-ratelimit-remaining on the last answer, per installation (token: the token)",
    ("installation",),
    "GitHubRateLimitRemaining",
    "None",
)
PROMOTIONS = Metric(
    "promotions_total",
    "counter",
    "Promotions by target stage and outcome: promoted (a fast-forward made), blocked, frozen,"
    " held, failed, rolled_back, rejected",
    ("stage", "outcome"),
    "Promotions",
    "Count",
    per_repository=True,
)
LEAD_TIME = Metric(
    "promotion_lead_time_seconds",
    "histogram",
    "From a commit's arrival in the previous stage (its commit time on the first) to its"
    " fast-forward into this stage",
    ("stage",),
    "PromotionLeadTime",
    "Seconds",
    per_repository=True,
    buckets=LEAD_TIME_BUCKETS,
)
RECONCILE_RUNS = Metric(
    "reconcile_runs_total",
    "counter",
    "Reconcile runs (sweep and redelivery) finished",
    (),
    "ReconcileRuns",
    "Count",
)
RECONCILE_OUTCOMES = Metric(
    "reconcile_outcomes_total",
    "counter",
    "Outcomes of reconcile runs, by result status",
    ("status",),
    "ReconcileOutcomes",
    "Count",
)
RECONCILE_LAST_RUN = Metric(
    "reconcile_last_run_timestamp_seconds",
    "gauge",
    "When the last reconcile run finished (Unix time)",
    (),
    "ReconcileLastRun",
    "None",
)
RECONCILE_DURATION = Metric(
    "reconcile_duration_seconds",
    "gauge",
    "How long the last reconcile run took",
    (),
    "ReconcileDuration",
    "Seconds",
)

METRICS: tuple[Metric, ...] = (
    DELIVERIES,
    DELIVERY_DURATION,
    GITHUB_REQUESTS,
    RATE_LIMIT_REMAINING,
    PROMOTIONS,
    LEAD_TIME,
    RECONCILE_RUNS,
    RECONCILE_OUTCOMES,
    RECONCILE_LAST_RUN,
    RECONCILE_DURATION,
)


def label_names(metric: Metric, per_repository: bool) -> tuple[str, ...]:
    if per_repository and metric.per_repository:
        return (*metric.labels, REPOSITORY_LABEL)
    return metric.labels


class Sample(NamedTuple):
    """One observation: add to a counter, observe in a histogram, or set a gauge."""

    metric: Metric
    labels: tuple[str, ...]  # values, in the order of label_names(metric, per_repository)
    value: float = 1.0
