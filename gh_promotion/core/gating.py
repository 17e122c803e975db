"""Read what the gates need through the port — and only that — then let :mod:`gates` judge.

Called by :mod:`gh_promotion.core.promote` where a fast-forward is about to
happen, so deliveries and the sweep are gated alike. The request budget:

- freeze windows and the stopped line: none (the config, the clock, and the
  payload's ``repository.custom_properties``); one read of the pull request
  only when a freeze is in force and the payload did not list its labels
  (check suites, workflow runs), to look for the override label;
- the hold: one read (open ``promotion-hold`` issues), only with
  ``promotion.rollback.hold`` on and only for a stage a rollback can hold;
- soak: one read (the source branch's activity), only when a soak is set for
  the source stage.

A freeze in force without the override label stops here: nothing else is read.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from gh_promotion.config.model import Config
from gh_promotion.core import gates
from gh_promotion.core.intents import PromotionRequest, Repo

if TYPE_CHECKING:
    from gh_promotion.core.ports import PullRequestInfo, RefChange, Repository


def gates_on(
    repo: Repo,
    request: PromotionRequest,
    gateway: Repository,
    config: Config,
    *,
    every_gate: bool = False,
) -> gates.Gates:
    """The gates on ``request``'s step, read lazily in the order they are weighed: the
    first that holds ends the reading. ``every_gate`` reads them all (``explain``)."""
    now = gateway.now()
    freeze = gates.freeze_on(request.target, now, config, repo.stop_the_line)
    found = gates.Gates(now=now, freeze=freeze)
    if freeze is not None:
        found = found._replace(override=_has_override(request, gateway, config))
        if not (found.override or every_gate):
            return found
    if gates.holds_apply(config, repo.path.stages, request.target):
        found = found._replace(hold=gates.hold_on(request.target, read_holds(gateway)))
        if found.hold is not None and not every_gate:
            return found
    if gates.soak_for(config, request.source):
        arrived = arrival(gateway, request, config.promotion.soak_mode)
        found = found._replace(soak=gates.soak_in(request.source, arrived, now, config))
    return found


def explain_gates(
    repo: Repo,
    source: str,
    target: str,
    pull: PullRequestInfo | None,
    gateway: Repository,
    config: Config,
) -> gates.Gates:
    """Every gate on a step, for ``explain``: all of them with an open request (the
    same reads a promotion makes, none skipped), the freeze alone without one."""
    if pull is None:
        now = gateway.now()
        return gates.Gates(now=now, freeze=gates.freeze_on(target, now, config, repo.stop_the_line))
    request = PromotionRequest(
        pull.number, source, target, pull.head_sha, pull.draft, pull.base_sha, pull.labels
    )
    return gates_on(repo, request, gateway, config, every_gate=True)


def _has_override(request: PromotionRequest, gateway: Repository, config: Config) -> bool:
    labels = request.labels
    if labels is None:
        labels = gateway.pull_request(request.number).labels
    return config.promotion.override_label in labels


def read_holds(gateway: Repository) -> list[gates.HoldIssue]:
    return [
        gates.HoldIssue(i.number, i.title, i.url, gates.hold_stages(i.body))
        for i in gateway.open_issues(gates.HOLD_LABEL)
    ]


def arrival(gateway: Repository, request: PromotionRequest, mode: str) -> datetime | None:
    """When the head's soak in the source stage began, from GitHub's record of the branch.

    ``latest``: the newest move of the source to the head itself — a newer commit
    restarts the clock. ``any-newer``: the move that took the source off the commit
    the target holds, i.e. since when the source has held something newer than the
    target. None when the activity list does not reach back that far: soaked.
    """
    changes = gateway.branch_activity(request.source)
    if mode == "any-newer" and request.base_sha:
        left_target = _first(changes, lambda c: c.before == request.base_sha)
        if left_target is not None:
            return left_target.at
    reached = _first(changes, lambda c: c.after == request.head_sha)
    return None if reached is None else reached.at


def _first(changes: list[RefChange], matches) -> RefChange | None:
    return next((change for change in changes if matches(change)), None)


def open_hold(
    gateway: Repository,
    stages: tuple[str, ...],
    rollback_branch: str,
    sha: str,
    reason: str,
) -> int | None:
    """One issue per rollback naming every stage it holds."""
    title = gates.hold_title(stages, sha)
    body = gates.hold_body(stages, rollback_branch, sha, reason)
    return gateway.create_issue(title, body, (gates.HOLD_LABEL,))
