"""The one wrapper around ``core.handle`` that every runtime uses.

It adds what is the same whatever carried the delivery: the log context,
timing, the S3 report, and the single mapping from core exceptions to HTTP
statuses. The service, Lambda HTTP, Lambda EventBridge and local invoke all
answer the same delivery the same way because they all come through here.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Any, NamedTuple

from gh_promotion import core
from gh_promotion.aws.ssm import SsmCredentialsError
from gh_promotion.config.model import Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.errors import BadDelivery, GitHubUnavailable
from gh_promotion.core.result import Result, Status
from gh_promotion.gateway.credentials import CredentialsError
from gh_promotion.log import delivery_context

logger = logging.getLogger(__name__)

GITHUB_UNAVAILABLE_STATUS = 502  # GitHub, our upstream, kept failing: retry later
INTERNAL_ERROR_STATUS = 500
CREDENTIALS_UNAVAILABLE_STATUS = 503  # our SSM parameter, not the sender, is at fault
CONFIGURATION_ERROR_STATUS = 500  # credentials unusable: checked at start, so rare here


class Answer(NamedTuple):
    """What to send back: an HTTP status, the JSON body, and the result when there is one."""

    status: int
    body: dict[str, Any]
    result: Result | None = None


def process(delivery: Delivery, config: Config) -> Result:
    """Run the core on one delivery inside its log context; upload the report.

    Core exceptions propagate unchanged; :func:`answer` maps them.
    """
    received_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    with delivery_context(delivery.delivery_id, delivery.event, delivery.repository):
        result = core.handle(delivery, config)
        duration_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "delivery %s (%s) → %s: %s in %.1f ms",
            delivery.delivery_id,
            delivery.event,
            result.status.value,
            result.reason,
            duration_ms,
        )
        _maybe_upload_report(delivery, result, config, received_at, duration_ms)
    return result


def answer(delivery: Delivery, config: Config) -> Answer:
    """:func:`process`, with every exception turned into the status a sender should see.

    A bad delivery is the sender's fault (4xx, redelivering will not help);
    GitHub failing is 502 (so GitHub marks the delivery failed and it can be
    redelivered); anything else is logged with its traceback and answered 500
    without one.
    """
    try:
        result = process(delivery, config)
    except BadDelivery as exc:
        return Answer(exc.status, error_body(exc.message, delivery))
    except SsmCredentialsError as exc:
        logger.error("delivery %s: %s", delivery.delivery_id, exc.detail)
        return Answer(CREDENTIALS_UNAVAILABLE_STATUS, error_body(str(exc), delivery))
    except CredentialsError as exc:
        logger.error("delivery %s: configuration error: %s", delivery.delivery_id, exc.detail)
        body = error_body(f"configuration error: {exc}", delivery)
        return Answer(CONFIGURATION_ERROR_STATUS, body)
    except GitHubUnavailable as exc:
        logger.error("delivery %s: GitHub unavailable: %s", delivery.delivery_id, exc)
        return Answer(GITHUB_UNAVAILABLE_STATUS, error_body(f"GitHub unavailable: {exc}", delivery))
    except Exception:
        logger.exception("delivery %s: unexpected error", delivery.delivery_id)
        message = "internal error; the service log has the details"
        return Answer(INTERNAL_ERROR_STATUS, error_body(message, delivery))
    return Answer(200, result.to_dict(), result)


def error_body(message: str, delivery: Delivery | None = None) -> dict[str, Any]:
    """The JSON every refusal answers with: ``{"error": ..., "delivery_id": ...}``."""
    body: dict[str, Any] = {"error": message}
    if delivery is not None:
        body["delivery_id"] = delivery.delivery_id
        body["event"] = delivery.event
    return body


def _maybe_upload_report(
    delivery: Delivery, result: Result, config: Config, at: datetime, duration_ms: float
) -> None:
    upload = config.global_.s3.upload
    if not upload.enabled or result.status is Status.PONG:
        return
    if not upload.bucket_name:
        logger.error("S3 report upload is enabled but no bucket is set (global.s3.upload)")
        return
    from gh_promotion.aws.reports import upload_report

    upload_report(upload.bucket_name, delivery, result, at, duration_ms)
