"""The one wrapper around ``core.handle`` that every runtime uses.

It runs the core wired to the configured GitHub (:mod:`.wiring`) and adds what
is the same whatever carried the delivery: the log context, timing, the S3
report, and the answer to every error: an expected one
(:class:`~gh_promotion.errors.PromotionError`) with the status its class
carries, anything else 500. The
service, Lambda HTTP, Lambda EventBridge and local invoke all answer the same
delivery the same way because they all come through here.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Any, NamedTuple

from gh_promotion.config.model import Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.result import Result, Status
from gh_promotion.errors import PromotionError
from gh_promotion.gateway.tally import counting_requests
from gh_promotion.log import delivery_context
from gh_promotion.metrics.deliveries import record_delivery
from gh_promotion.runtime.duplicates import DeliveryLedger, Entry
from gh_promotion.runtime.wiring import handle

logger = logging.getLogger(__name__)
# One line per delivery is wanted at every verbosity, as the access log is.
delivery_log = logging.getLogger("gh_promotion.delivery")
delivery_log.setLevel(logging.INFO)

INTERNAL_ERROR_STATUS = 500  # an unexpected error; expected ones carry their own status
STILL_HANDLED_STATUS = 202  # a copy: the first copy, still running, will do the work

_ledger = DeliveryLedger()


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
        result = handle(delivery, config)
        duration_ms = (time.perf_counter() - started) * 1000
        _maybe_upload_report(delivery, result, config, received_at, duration_ms)
    return result


def answer(delivery: Delivery, config: Config) -> Answer:
    """:func:`process`, once per delivery id, with every exception turned into the
    status a sender should see, and the delivery's one log line.

    A copy of a delivery this process is handling, or handled in the last few
    minutes, is answered from the first copy's answer with ``duplicate_of``
    and no GitHub request (:mod:`gh_promotion.runtime.duplicates`).
    """
    started = time.perf_counter()
    handle = _handle_once if delivery.delivery_id else _handle
    handled = handle(delivery, config)
    seconds = time.perf_counter() - started
    _log_delivery(delivery, handled, seconds * 1000)
    outcome = handled.answer
    record_delivery(delivery, outcome.status, outcome.result, seconds, config)
    return outcome


def _handle_once(delivery: Delivery, config: Config) -> Handled:
    """:func:`_handle` for the first copy of a delivery; the first's answer for the others.

    Only a 200 is kept for later copies: after a 4xx or 5xx the next copy is
    handled again, so a redelivery can retry what GitHub failed.
    """
    key = (delivery.delivery_id, delivery.event, delivery.repository)
    entry, first = _ledger.claim(key)
    if not first:
        return Handled(_answer_as_copy(delivery, entry, config.github.time_budget))
    handled = None
    try:
        handled = _handle(delivery, config)
        return handled
    finally:
        outcome = handled.answer if handled else None
        _ledger.finish(key, entry, outcome, keep=outcome is not None and outcome.status == 200)


class Handled(NamedTuple):
    """An answer, with what its log line needs: the requests it took, an unexpected error."""

    answer: Answer
    github_requests: int = 0
    error: Exception | None = None


def _handle(delivery: Delivery, config: Config) -> Handled:
    """The answer to one delivery, and how many GitHub requests it took.

    A bad delivery is the sender's fault (4xx, redelivering will not help);
    GitHub failing is 502 (so GitHub marks the delivery failed and it can be
    redelivered); anything else is answered 500 without its traceback, which
    goes to the delivery's log line.
    """
    with counting_requests() as requests:
        try:
            result = process(delivery, config)
        except PromotionError as exc:  # expected: each carries its status (gh_promotion.errors)
            if exc.detail != exc.message:  # it may name a path: the log only, never the answer
                logger.error("%s", exc.detail)
            return Handled(Answer(exc.status, error_body(exc.answer(), delivery)), requests())
        except Exception as exc:
            body = error_body("internal error; the service log has the details", delivery)
            return Handled(Answer(INTERNAL_ERROR_STATUS, body), requests(), exc)
        return Handled(Answer(200, result.to_dict(), result), requests())


def _answer_as_copy(delivery: Delivery, first: Entry, wait_seconds: float) -> Answer:
    """The first copy's answer, once it has one; 202 if it is still running after
    ``wait_seconds`` (the delivery's time budget, which bounds the first copy too)."""
    if not first.done.wait(wait_seconds) or first.answer is None:
        reason = "an earlier copy of this delivery is still being handled; its answer counts"
        body = {**error_body(reason, delivery), "duplicate_of": delivery.delivery_id}
        return Answer(STILL_HANDLED_STATUS, body)
    earlier: Answer = first.answer
    return earlier._replace(body={**earlier.body, "duplicate_of": delivery.delivery_id})


def _log_delivery(delivery: Delivery, handled: Handled, duration_ms: float) -> None:
    """The delivery's one line, at every verbosity: what came in, what it led to, its cost.

    For HTTP deliveries the access log (:mod:`gh_promotion.runtime.webapp`) adds
    a second line per request; both carry the delivery id. They stay apart
    because this one is the same in every runtime (service, Lambda HTTP,
    EventBridge, local invoke) while the access line is about HTTP.
    """
    outcome = handled.answer
    result, body = outcome.result, outcome.body
    fields: dict[str, Any] = {
        "event": delivery.event,
        "delivery_id": delivery.delivery_id,
        "repository": delivery.repository,
        "http_status": outcome.status,
        "status": result.status.value if result else "error",
        "reason": result.reason if result else body.get("error", ""),
        "source": result.source if result else "",
        "target": result.target if result else "",
        "sha": result.sha if result else "",
        "github_requests": handled.github_requests,
        "duration_ms": round(duration_ms, 1),
    }
    if "duplicate_of" in body:
        fields["duplicate_of"] = body["duplicate_of"]
    level = logging.INFO
    if outcome.status >= 500:
        level = logging.ERROR
    elif outcome.status >= 400 or (result is not None and not result.ok):
        level = logging.WARNING
    # The delivery id is a field of its own: a message without it repeats from one
    # delivery to the next, so its redaction is remembered (gh_promotion.log).
    message = f"{delivery.event} → {fields['status']}: {fields['reason']}"
    # An unexpected error's traceback rides on this line rather than on one of its own.
    error = handled.error
    exc_info = (type(error), error, error.__traceback__) if error else None
    delivery_log.log(level, message, extra=fields, exc_info=exc_info)


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
