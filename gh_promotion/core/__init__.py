"""The promotion core: what a delivery means for a repository's promotion path.

It decides, and asks GitHub through a port; it does no I/O of its own. It
imports neither the gateway, the AWS code nor the runtimes: what it needs from
GitHub is stated in :mod:`gh_promotion.core.ports`, and a runtime hands it an
implementation with each delivery (:mod:`gh_promotion.runtime.wiring`).
``tests/test_architecture.py`` keeps this promise true.

Runtimes call :func:`handle` and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gh_promotion.config.model import Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.errors import BadDelivery, GitHubUnavailable, UnsupportedEvent
from gh_promotion.core.handler import handle_delivery
from gh_promotion.core.result import Result, Status, Write

if TYPE_CHECKING:
    from gh_promotion.core.ports import GitHub

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


def handle(delivery: Delivery, config: Config, github: GitHub) -> Result:
    """Handle one delivery end to end and return its result.

    ``github`` is how this delivery reaches GitHub; it is asked only when the
    delivery needs GitHub (a ping or a skip never does).

    Raises :class:`BadDelivery` (4xx) for a delivery that cannot be handled as
    sent, :class:`UnsupportedEvent` (400) for an event name GitHub never sends
    (a GitHub event it does not act on is *skipped*), :class:`GitHubUnavailable`
    (5xx) when GitHub kept failing.
    """
    return handle_delivery(delivery, config, github)
