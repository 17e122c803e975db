"""A delivery's metrics, read from what it already produced: its answer and its Result.

No GitHub request is made for a metric: the lead time of a promotion is read
from the payload the delivery carried (see :func:`arrival`), which is why it
is observed only when the payload says when the commit arrived.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gh_promotion.config.model import SUPPORTED_EVENTS, Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.result import Result, Status
from gh_promotion.metrics import record
from gh_promotion.metrics.catalog import (
    DELIVERIES,
    DELIVERY_DURATION,
    LEAD_TIME,
    PROMOTIONS,
    Sample,
)

KNOWN_EVENTS = frozenset((*SUPPORTED_EVENTS, "ping"))
OTHER_EVENT = "other"  # GitHub's other events (installation, meta, …) and names it never sends
# Outcomes a promotion can have besides a fast-forward made ("promoted").
PROMOTION_OUTCOMES = frozenset(
    (Status.BLOCKED, Status.FROZEN, Status.HELD, Status.FAILED, Status.ROLLED_BACK, Status.REJECTED)
)


def event_label(event: str) -> str:
    """The event as a label: bounded, whatever a sender puts in X-GitHub-Event."""
    return event if event in KNOWN_EVENTS else OTHER_EVENT


def status_label(http_status: int, result: Result | None) -> str:
    """The result's status when the delivery was handled; else the HTTP status class."""
    if http_status == 200 and result is not None:
        return result.status.value
    return f"{http_status // 100}xx"


def record_delivery(
    delivery: Delivery, http_status: int, result: Result | None, seconds: float, config: Config
) -> None:
    """Count one answered delivery, its duration and the promotion it made, if any."""
    sink = record.current()
    if sink is None:
        return
    repository = (delivery.repository,) if sink.per_repository else ()
    event = event_label(delivery.event)
    samples = [
        Sample(DELIVERIES, (event, status_label(http_status, result), *repository)),
        Sample(DELIVERY_DURATION, (event,), seconds),
    ]
    if result is not None and http_status == 200:
        samples += promotion_samples(delivery, result, config, repository)
    record.emit(samples)


def record_refusal(event: str, http_status: int, seconds: float) -> None:
    """A request refused before it became a delivery (signature, size, JSON)."""
    if record.current() is None:
        return
    label = event_label(event)
    record.emit(
        [
            Sample(DELIVERIES, (label, f"{http_status // 100}xx", *_no_repository())),
            Sample(DELIVERY_DURATION, (label,), seconds),
        ]
    )


def _no_repository() -> tuple[str, ...]:
    sink = record.current()
    return ("",) if sink is not None and sink.per_repository else ()


def promotion_samples(
    delivery: Delivery, result: Result, config: Config, repository: tuple[str, ...]
) -> list[Sample]:
    """promotions_total and, for a fast-forward, its lead time; nothing in a dry run."""
    if result.dry_run or not result.target:
        return []
    if any(w.action == "fast_forward" and w.outcome == "done" for w in result.writes):
        samples = [Sample(PROMOTIONS, (result.target, "promoted", *repository))]
        started = arrival(delivery.payload, result.source, config)
        if started is not None:
            lead = max(0.0, time.time() - started)
            samples.append(Sample(LEAD_TIME, (result.target, *repository), lead))
        return samples
    if result.status in PROMOTION_OUTCOMES:
        return [Sample(PROMOTIONS, (result.target, result.status.value, *repository))]
    return []


def arrival(payload: Any, source: str, config: Config) -> float | None:
    """When the promoted commit arrived in ``source``, as far as the payload says.

    On the path's first stage: the commit's own time (check_suite, workflow_run
    and status payloads carry it), else the promotion request's creation. On a
    later stage: the promotion request's creation — gh-promotion opens it on
    the push that brings a commit into ``source``, so it is that arrival (for
    commits that joined an open request, the arrival of its first one). A
    payload that carries neither (check_suite or status on a later stage,
    deployment_status) is not observed; ``gh-promotion report lead-time``
    reads every promotion from GitHub instead.
    """
    if not isinstance(payload, Mapping):
        return None
    opened = parse_time(_dig(payload, "pull_request", "created_at"))
    if _is_first_stage(payload, source, config):
        committed = parse_time(_commit_time(payload))
        return committed if committed is not None else opened
    return opened


def parse_time(value: Any) -> float | None:
    """GitHub's ISO 8601 time (``Z`` or an offset) as Unix seconds; None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


def _commit_time(payload: Mapping[str, Any]) -> Any:
    return (
        _dig(payload, "check_suite", "head_commit", "timestamp")
        or _dig(payload, "workflow_run", "head_commit", "timestamp")
        or _dig(payload, "commit", "commit", "committer", "date")
    )


def _is_first_stage(payload: Mapping[str, Any], source: str, config: Config) -> bool:
    from gh_promotion.core.path import promotion_path

    repository = payload.get("repository")
    if not isinstance(repository, Mapping):
        return False
    stages = promotion_path(repository, config.promotion).stages
    return bool(stages) and stages[0] == source


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data
