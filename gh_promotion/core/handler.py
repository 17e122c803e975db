"""Temporary stub: answers ping and skips everything else (replaced by the real core)."""

from gh_promotion.config.model import SUPPORTED_EVENTS, Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.errors import UnsupportedEvent
from gh_promotion.core.result import Result, Status


def handle_delivery(delivery: Delivery, config: Config) -> Result:
    if delivery.event == "ping":
        return Result(Status.PONG, "pong", event="ping", delivery_id=delivery.delivery_id)
    if delivery.event not in SUPPORTED_EVENTS:
        raise UnsupportedEvent(delivery.event)
    return Result(Status.SKIPPED, "core not implemented yet", event=delivery.event)
