"""Promotion reports: one JSON object per handled delivery, uploaded to S3.

A report is the audit trail of a promotion: what arrived (the raw payload),
what was decided and which GitHub writes were made, with their outcomes and
durations. The upload is best effort by design: a promotion that happened must
not be reported to GitHub as failed because S3 was unreachable.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from typing import Any

from gh_promotion.core.delivery import Delivery
from gh_promotion.core.result import Result

logger = logging.getLogger(__name__)

UNKNOWN_REPOSITORY = "_unknown/_unknown"

_client_lock = threading.Lock()
_clients: dict[str, Any] = {}


def report_key(delivery: Delivery, at: datetime) -> str:
    """``{owner}/{repo}/{yyyy}/{mm}/{dd}/{timestamp}-{delivery}.json`` (UTC).

    Date folders keep one repository's day listable; the timestamp prefix sorts
    a day's reports in arrival order.
    """
    at = at.astimezone(timezone.utc)
    repository = delivery.repository or UNKNOWN_REPOSITORY
    stamp = at.strftime("%Y%m%dT%H%M%S") + f".{at.microsecond // 1000:03d}Z"
    safe_id = "".join(c if c.isalnum() or c in "-_." else "_" for c in delivery.delivery_id)
    return f"{repository}/{at:%Y}/{at:%m}/{at:%d}/{stamp}-{safe_id}.json"


def build_report(
    delivery: Delivery, result: Result, at: datetime, duration_ms: float
) -> dict[str, Any]:
    """The report document: everything needed to understand a promotion afterwards."""
    return {
        "delivery_id": delivery.delivery_id,
        "event": delivery.event,
        "repository": delivery.repository,
        "received_at": at.astimezone(timezone.utc).isoformat(),
        "duration_ms": round(duration_ms, 3),
        "result": result.to_dict(),
        "payload": dict(delivery.payload),
    }


def upload_report(
    bucket: str, delivery: Delivery, result: Result, at: datetime, duration_ms: float
) -> str | None:
    """Put the report in ``bucket``; return its key, or ``None`` after logging a failure."""
    key = report_key(delivery, at)
    body = json.dumps(build_report(delivery, result, at, duration_ms), default=str).encode()
    try:
        _s3_client().put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
    except Exception as exc:  # any failure: logged, never fails the delivery
        logger.error("promotion report upload to s3://%s/%s failed: %s", bucket, key, exc)
        return None
    logger.info("promotion report uploaded to s3://%s/%s", bucket, key)
    return key


def forget_cached_client() -> None:
    """Drop the cached S3 client, so the next upload builds one from the current environment."""
    with _client_lock:
        _clients.clear()


def _s3_client() -> Any:
    """One S3 client per process: creating one costs tens of milliseconds."""
    with _client_lock:
        if "s3" not in _clients:
            import boto3  # here, not at the top: cold starts without S3 stay fast

            _clients["s3"] = boto3.client("s3")
        return _clients["s3"]
