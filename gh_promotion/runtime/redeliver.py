"""Redelivery of the App's failed webhook deliveries (issue 13): read the log, ask GitHub.

The rules are the core's (:mod:`gh_promotion.core.redelivery`); this runner
reads the App's delivery log back to ``reconcile.redeliverWindow`` (newest
first, so it stops at the first page reaching past the window), reads each
chosen delivery once (``GET /app/hook/deliveries/{id}``: its payload names the
repository, and for a push the branch and commit), and asks GitHub to
redeliver it (``POST …/attempts``), unless it is a dry run.

Repositories are named ``OWNER/REPO`` but the log only carries
``repository_id``: rather than resolving each name to an id (an installation
token and a repository read per name), the name is read from the chosen
delivery's own payload, which is read anyway for the Result. A repository
renamed since the delivery goes by its name at delivery time.

Needs the App's JWT: with ``github.authMode: token`` nothing is read and
nothing is returned (:func:`gh_promotion.runtime.reconcile.run_reconcile` says why).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gh_promotion.config.model import Config
from gh_promotion.core.errors import GitHubRefusal
from gh_promotion.core.redelivery import (
    About,
    Attempt,
    about,
    attempt_from_item,
    attempts_of,
    is_wanted,
    redelivery_result,
    to_redeliver,
)
from gh_promotion.core.result import Result, Status
from gh_promotion.errors import PromotionError

if TYPE_CHECKING:  # requests and PyGithub load only when a run redelivers
    from gh_promotion.gateway.deliveries import AppDeliveries

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # GitHub's most per page


def redeliver_failed(
    config: Config,
    repositories: Sequence[str],
    *,
    dry_run: bool,
    page_size: int = PAGE_SIZE,
) -> list[Result]:
    """Ask GitHub to redeliver each failed delivery once; one Result per delivery GUID.

    ``repositories`` (``OWNER/REPO``) empty: every repository's deliveries.
    Each Result is ``redelivered`` (``dry_run``: planned) or ``failed`` (GitHub
    refused that one); when the log cannot be read at all, one ``failed``
    Result without a ``delivery_id`` says why.
    """
    if config.github.auth_mode == "token":
        return []
    from gh_promotion.gateway.deliveries import AppDeliveries

    since = time.time() - config.reconcile.redeliver_window
    results: list[Result] = []
    log = None
    try:
        log = AppDeliveries(config.github, config.reconcile.time_budget)
        attempts = _read_window(log, since, page_size)
        chosen = to_redeliver(attempts, acts_on=config.promotion.events, since=since)
        for attempt in chosen:
            result = _redeliver_one(log, attempt, attempts, repositories, dry_run)
            if result is not None:
                results.append(result)
    except PromotionError as error:  # GitHub unavailable, the JWT refused, a rate limit
        done = f" (stopped after {len(results)})" if results else ""
        reason = f"cannot redeliver the App's failed deliveries{done}: {error.message}"
        logger.error(reason)
        results.append(Result(Status.FAILED, reason, dry_run=dry_run))
    finally:
        if log is not None:
            log.close()
    return results


def _read_window(log: AppDeliveries, since: float, page_size: int) -> list[Attempt]:
    """Every attempt delivered since ``since``: pages are newest first, so the first
    page that reaches past ``since`` is the last one read."""
    attempts: list[Attempt] = []
    for page in log.pages(page_size):
        parsed = [a for a in map(attempt_from_item, page) if a is not None]
        if len(parsed) < len(page):
            logger.warning("skipped delivery log entries GitHub sent in an unexpected shape")
        attempts += parsed
        if not page or any(a.delivered_at < since for a in parsed):
            break
    return attempts


def _redeliver_one(
    log: AppDeliveries,
    attempt: Attempt,
    attempts: list[Attempt],
    repositories: Sequence[str],
    dry_run: bool,
) -> Result | None:
    """The Result of one GUID, or None when its repository is not one of ``repositories``."""
    try:
        subject, reading = about(_payload(log.delivery(attempt.id))), ""
    except GitHubRefusal as refusal:  # gone from the log since it was listed
        subject, reading = About(), refusal.message
    if not is_wanted(subject.repository, repositories):
        return None
    refusal = reading
    if not dry_run and not refusal:
        try:
            log.redeliver(attempt.id)
        except GitHubRefusal as refused:
            refusal = refused.message
    tries = attempts_of(attempt.guid, attempts)
    result = redelivery_result(attempt, subject, tries=tries, dry_run=dry_run, refusal=refusal)
    log = logger.info if result.ok else logger.warning
    log(result.reason, extra={"delivery_id": attempt.guid, "repository": result.repository})
    return result


def _payload(delivery: dict) -> object:
    """The payload a "hook-delivery" carries under ``request``."""
    request = delivery.get("request")
    return request.get("payload") if isinstance(request, dict) else None
