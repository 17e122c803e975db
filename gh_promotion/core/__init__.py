"""The promotion core: what a delivery means for a repository's promotion path.

Runtimes call :func:`handle` and nothing else.
"""

from __future__ import annotations

from gh_promotion.config.model import Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.errors import BadDelivery, GitHubUnavailable, UnsupportedEvent
from gh_promotion.core.handler import handle_delivery
from gh_promotion.core.result import Result, Status, Write

__all__ = [
    "BadDelivery",
    "Delivery",
    "GitHubUnavailable",
    "Result",
    "Status",
    "UnsupportedEvent",
    "Write",
    "handle",
]


def handle(delivery: Delivery, config: Config) -> Result:
    """Handle one delivery end to end and return its result.

    Raises :class:`BadDelivery` (4xx) for a delivery that cannot be handled as
    sent, :class:`UnsupportedEvent` (400) for an event name GitHub never sends
    (a GitHub event it does not act on is *skipped*), :class:`GitHubUnavailable`
    (5xx) when GitHub kept failing.
    """
    return handle_delivery(delivery, config)
