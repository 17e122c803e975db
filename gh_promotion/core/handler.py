"""One delivery, start to finish: decide, then carry out through the gateway."""

from __future__ import annotations

from collections.abc import Mapping

from gh_promotion.config.model import SUPPORTED_EVENTS, Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.errors import BadDelivery, UnsupportedEvent
from gh_promotion.core.intents import Intent, Skip
from gh_promotion.core.result import Result, Status


def handle_delivery(delivery: Delivery, config: Config) -> Result:
    result = _handle(delivery, config)
    return result._replace(
        event=delivery.event,
        delivery_id=delivery.delivery_id,
        repository=delivery.repository,
        dry_run=config.promotion.dry_run,
    )


def _handle(delivery: Delivery, config: Config) -> Result:
    if delivery.event == "ping":
        return Result(Status.PONG, "pong")
    if delivery.event not in SUPPORTED_EVENTS:
        return _not_acted_on(delivery.event)
    if not isinstance(delivery.payload, Mapping):
        raise BadDelivery("payload must be a JSON object")
    if delivery.event not in config.promotion.events:
        return Result(Status.SKIPPED, f"{delivery.event} events are switched off")
    from gh_promotion.core.decide import decide  # not needed for a ping (cold start)

    intent = decide(delivery, config)
    if isinstance(intent, Skip):
        return Result(
            Status.SKIPPED,
            intent.reason,
            source=intent.source,
            target=intent.target,
            sha=intent.sha,
        )
    if _from_own_check_suite(intent, config):
        return Result(Status.SKIPPED, "the check suite is gh-promotion's own feedback")
    # GitHub is needed from here on: import the gateway (and PyGithub) only now.
    from gh_promotion.core.promote import carry_out
    from gh_promotion.gateway.client import requester_for
    from gh_promotion.gateway.github import RepositoryGateway

    repo = intent.repo
    requester = requester_for(config, repo.installation_id)
    gateway = RepositoryGateway(requester, repo.owner, repo.name, dry_run=config.promotion.dry_run)
    result = carry_out(intent, gateway, config)
    return result._replace(writes=tuple(gateway.writes))


def _not_acted_on(event: str) -> Result:
    """A GitHub event gh-promotion has no use for is received, not refused.

    GitHub sends every App ``installation``, ``meta`` and a few more whatever it
    subscribes to; a 4xx would list them as failed deliveries in the App's
    settings. A name GitHub never sends is the sender's mistake: 400.
    """
    from gh_promotion.intake.events import is_github_event

    if not is_github_event(event):
        raise UnsupportedEvent(event)
    return Result(Status.SKIPPED, f"gh-promotion does not act on {event} events")


def _from_own_check_suite(intent: Intent, config: Config) -> bool:
    """True when the signal is the completion of gh-promotion's own check runs.

    GitHub tells an App when its check suite on a commit completes, and after a
    promotion that suite holds a successful check run on the very commit the
    next promotion request starts from: taken for a signal, one approval would
    carry the commit through every stage. (Its commit statuses are recognised
    by their context, in :mod:`gh_promotion.core.decide`.)
    """
    app_id = getattr(intent, "app_id", None)
    if app_id is None or config.github.auth_mode == "token":
        return False
    from gh_promotion.gateway.client import app_credentials

    return str(app_id) == str(app_credentials(config.github).app_id)
