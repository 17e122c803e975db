"""What a promotion waits for, read through the port when it must be: after GitHub
refuses a fast-forward, and before one with ``promotion.enforceRequiredChecks``.

The meaning is decided in :mod:`gh_promotion.core.missing` (pure); this module only
makes the reads, so :mod:`gh_promotion.core.promote` states the budget of each
path in one call: the target's branch and rules (2 reads, 3 when it is protected:
its protection, readable by admins only), the head's combined status and check
runs (2), and the request's reviews when approvals are required (1).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from gh_promotion.core import missing as gaps
from gh_promotion.core.errors import BranchProtected, GitHubRefusal, GitHubUnavailable
from gh_promotion.core.intents import PromotionRequest

if TYPE_CHECKING:
    from gh_promotion.core.ports import Repository

log = logging.getLogger(__name__)


def after_refusal(
    request: PromotionRequest, refusal: BranchProtected, gateway: Repository
) -> list[gaps.Missing]:
    """What the head still lacks, read after GitHub refused to move the target to it;
    what only GitHub's words say is added (protection's approvals are unreadable to an
    App), and they stand alone when the reads fail."""
    sha = request.head_sha
    try:
        needs = gaps.requirements(gateway.branch_rules(request.target))
        checks = gaps.check_states(gateway.commit_statuses(sha), gateway.check_runs(sha))
        approved = gaps.approvals(gateway.reviews(request.number), sha) if needs.approvals else 0
    except (GitHubRefusal, GitHubUnavailable) as error:
        log.info("could not read what %s requires: %s", request.target, error)
        return gaps.from_refusal(refusal.message)
    items = gaps.missing(needs, gaps.Head(checks, approved, signal=True))
    kinds = {item.kind for item in items}
    return items + [item for item in gaps.from_refusal(refusal.message) if item.kind not in kinds]


def required_checks(request: PromotionRequest, gateway: Repository) -> str:
    """``waiting for: check "ci"`` while a required check of the target has not passed
    on the head; empty when none is missing (or the target cannot be read: the update
    itself then meets GitHub's answer)."""
    sha = request.head_sha
    try:
        needs = gaps.requirements(gateway.branch_rules(request.target))
        if not needs.checks:
            return ""
        checks = gaps.check_states(gateway.commit_statuses(sha), gateway.check_runs(sha))
    except GitHubRefusal:
        return ""
    return gaps.waiting_for(gaps.missing_checks(needs, checks))
