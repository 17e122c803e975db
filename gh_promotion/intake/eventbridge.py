"""One EventBridge event → one :class:`Delivery`, or a 400 refusal; or a scheduled sweep.

``detail-type`` is the GitHub event name, ``id`` the delivery id and
``detail`` the webhook payload. There is no signature to check, and none is
needed: such an event can only come from an EventBridge rule that the
function's resource policy allows, and the only way into that bus is whatever
put the webhook there (which verified it, or is trusted the same way the bus is).

EventBridge's own scheduled events (``"source": "aws.events"``,
``"detail-type": "Scheduled Event"``, ``detail`` empty) carry no delivery:
they ask for a reconcile run (docs/redelivery.md), which the Lambda shell
tells apart with :func:`is_scheduled_event` before reading a delivery.
"""

from __future__ import annotations

from typing import Any

from gh_promotion.core.delivery import Delivery
from gh_promotion.intake.errors import IntakeError

# What EventBridge puts in every event a schedule rule sends (no GitHub event is named so).
SCHEDULE_SOURCE, SCHEDULE_DETAIL_TYPE = "aws.events", "Scheduled Event"


def is_eventbridge_event(event: Any) -> bool:
    """True for anything shaped like an EventBridge event (``detail-type`` and ``detail``)."""
    return isinstance(event, dict) and "detail-type" in event and "detail" in event


def is_scheduled_event(event: Any) -> bool:
    """True for an EventBridge schedule's event (a rule with a ``ScheduleExpression``)."""
    return (
        is_eventbridge_event(event)
        and event.get("source") == SCHEDULE_SOURCE
        and event.get("detail-type") == SCHEDULE_DETAIL_TYPE
    )


def delivery_from_eventbridge(event: Any) -> Delivery:
    """The delivery an EventBridge event carries; raises a 400 :class:`IntakeError`."""
    if not is_eventbridge_event(event):
        raise IntakeError("not an EventBridge event: needs detail-type and detail")
    event_name, detail = event["detail-type"], event["detail"]
    if not isinstance(event_name, str) or not event_name:
        raise IntakeError("EventBridge detail-type must be the GitHub event name")
    if not isinstance(detail, dict):
        raise IntakeError("EventBridge detail must be the webhook payload object")
    return Delivery(event=event_name, delivery_id=str(event.get("id") or ""), payload=detail)
