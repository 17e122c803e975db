"""One delivery, start to finish: decide, then carry out through the port to GitHub.

The result flows one way: the core collects each write GitHub reports, reaches
an :class:`~gh_promotion.core.result.Outcome`, and builds the
:class:`~gh_promotion.core.result.Result` from it once, with the delivery's
fields. How GitHub is reached (client, credentials, the App's id) is the
runtime's choice, handed in as a :class:`~gh_promotion.core.ports.GitHub`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from gh_promotion.config.model import SUPPORTED_EVENTS, Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.errors import BadDelivery
from gh_promotion.core.intents import Intent, Skip
from gh_promotion.core.result import Outcome, Result, Status, Write

if TYPE_CHECKING:
    from gh_promotion.core.ports import GitHub, Record


def handle_delivery(delivery: Delivery, config: Config, github: GitHub) -> Result:
    writes: list[Write] = []
    outcome = _handle(delivery, config, github, writes.append)
    return Result(
        **outcome._asdict(),
        event=delivery.event,
        delivery_id=delivery.delivery_id,
        repository=delivery.repository,
        writes=tuple(writes),
        dry_run=config.promotion.dry_run,
    )


def _handle(delivery: Delivery, config: Config, github: GitHub, record: Record) -> Outcome:
    if delivery.event == "ping":
        return Outcome(Status.PONG, "pong")
    if delivery.event not in SUPPORTED_EVENTS:
        return _not_acted_on(delivery.event)
    if not isinstance(delivery.payload, Mapping):
        raise BadDelivery("payload must be a JSON object")
    if delivery.event not in config.promotion.events:
        return Outcome(Status.SKIPPED, f"{delivery.event} events are switched off")
    from gh_promotion.core.decide import decide  # not needed for a ping (cold start)

    intent = decide(delivery, config)
    if isinstance(intent, Skip):
        return Outcome(
            Status.SKIPPED,
            intent.reason,
            source=intent.source,
            target=intent.target,
            sha=intent.sha,
        )
    if _from_own_check_suite(intent, github):
        return Outcome(Status.SKIPPED, "the check suite is gh-promotion's own feedback")
    # GitHub is needed from here on: the promotion code (and the gateway behind
    # the port) is imported only now.
    from gh_promotion.core.promote import carry_out

    repo = intent.repo
    repository = github.repository(repo.owner, repo.name, repo.installation_id, record)
    return carry_out(intent, repository, config)


def _not_acted_on(event: str) -> Outcome:
    """A GitHub event gh-promotion has no use for is received, not refused.

    GitHub sends every App ``installation``, ``meta`` and a few more whatever it
    subscribes to; a 4xx would list them as failed deliveries in the App's
    settings. A name GitHub never sends is the sender's mistake: 400.
    """
    from gh_promotion.core.events import check_event_name

    check_event_name(event)
    return Outcome(Status.SKIPPED, f"gh-promotion does not act on {event} events")


def _from_own_check_suite(intent: Intent, github: GitHub) -> bool:
    """True when the signal is the completion of gh-promotion's own check runs.

    GitHub tells an App when its check suite on a commit completes, and after a
    promotion that suite holds a successful check run on the very commit the
    next promotion request starts from: taken for a signal, one approval would
    carry the commit through every stage. (Its commit statuses are recognised
    by their context, in :mod:`gh_promotion.core.decide`.)
    """
    app_id = getattr(intent, "app_id", None)
    if app_id is None:
        return False
    own = github.own_app_id()
    return own is not None and str(app_id) == own
