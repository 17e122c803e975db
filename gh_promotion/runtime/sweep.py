"""The sweep: recompute, from GitHub, what missed webhooks would have done (issue 13).

For each repository: read its facts (:mod:`gh_promotion.gateway.snapshot`),
assess each step of its path (:mod:`gh_promotion.core.assess`, pure), turn
the step into a delivery's intent (:mod:`gh_promotion.core.sweep`, pure) and
carry it out with the delivery's carriers (:mod:`gh_promotion.core.promote`).
One :class:`~gh_promotion.core.result.Result` per step, event ``reconcile``,
tagged with its repository. Steps are taken in path order, and a branch the
sweep moved is moved in its facts too, so the next step sees it — which is
why a second sweep right after the first has nothing left to write.

Its scheduling and the redelivery of failed deliveries are
:mod:`gh_promotion.runtime.reconcile`'s.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from gh_promotion.config.errors import ConfigError
from gh_promotion.config.model import Config
from gh_promotion.core.assess import (
    Own,
    StepFacts,
    assess,
    every_step,
    needs_comparison,
    needs_merges,
    needs_signals,
    promotion_request,
    settled,
)
from gh_promotion.core.errors import GitHubRefusal, GitHubUnavailable, NotFound
from gh_promotion.core.gates import stop_the_line_values
from gh_promotion.core.intents import Repo
from gh_promotion.core.path import custom_properties, is_true, promotion_path
from gh_promotion.core.result import Result, Status, Write
from gh_promotion.core.sweep import EVENT, Nothing, intent_for

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]  # aware, UTC: the time the gates read

REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
# Writes after which a branch stands at the write's sha (its ``detail``).
_MOVES = frozenset(("create_branch", "fast_forward"))


class Target(NamedTuple):
    """A repository to sweep, and how to reach it."""

    owner: str
    name: str
    installation_id: int | None
    repository: dict[str, Any] | None = None  # the repository object, when already read

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


def sweep_repositories(
    config: Config, repositories: Sequence[str], *, dry_run: bool, clock: Clock | None = None
) -> list[Result]:
    """One Result per ``source → target`` pair of each repository (``OWNER/REPO``).

    ``repositories`` empty: every repository the configuration names
    (``reconcile.repositories``), else every repository of every installation
    of the App. Raises :class:`ConfigError` for a misspelt or unknown
    repository, or for token auth without a list, before any write. ``clock``:
    the time the gates read (docs/gates.md), the system's unless a test hands
    the simulator's.
    """
    if dry_run:
        config = config._replace(promotion=config.promotion._replace(dry_run=True))
    from gh_promotion.gateway.snapshot import RateLimit

    rates: dict[int | None, RateLimit] = defaultdict(RateLimit)
    results: list[Result] = []
    for target in _targets(config, repositories or config.reconcile.repositories, rates):
        rate = rates[target.installation_id]
        stop = _under_floor(config, rate)
        if stop:
            results.append(_result(target, Status.SKIPPED, stop))
            continue
        results += _sweep_repository(config, target, rate, clock)
    return results


# -- which repositories ---------------------------------------------------------------


def _targets(config: Config, named: Sequence[str], rates: Mapping[int | None, Any]) -> list[Target]:
    for full_name in named:
        if not REPOSITORY_NAME.match(full_name):
            raise ConfigError(f"reconcile: {full_name!r} is not a repository name (OWNER/REPO)")
    app_auth = config.github.auth_mode != "token"
    if not named and not app_auth:
        raise ConfigError(
            "reconcile with github.authMode token needs the repositories to sweep: pass"
            " --repo OWNER/REPO or set reconcile.repositories (RECONCILE_REPOSITORIES)"
        )
    if not app_auth:
        return [_named(config, name, None, rates[None]) for name in named]
    from gh_promotion.gateway.installations import installations

    found = installations(config, config.reconcile.time_budget)
    if not named:
        return list(_installed(config, found))
    by_owner = {i.account.lower(): i.id for i in found}
    targets = []
    for full_name in named:
        installation = by_owner.get(full_name.split("/")[0].lower())
        if installation is None:
            raise ConfigError(f"reconcile: the App is not installed on {full_name}'s owner")
        targets.append(_named(config, full_name, installation, rates[installation]))
    return targets


def _named(config: Config, full_name: str, installation_id: int | None, rate: Any) -> Target:
    """A named repository, read now: unknown, it is refused before any write."""
    from gh_promotion.gateway.client import requester_for
    from gh_promotion.gateway.snapshot import SnapshotReader

    owner, name = full_name.split("/")
    requester = requester_for(config, installation_id, budget=config.reconcile.time_budget)
    reader = SnapshotReader(requester, owner, name, rate, config.github.api_url)
    try:
        data = reader.repository()
    except NotFound:
        raise ConfigError(
            f"reconcile: unknown repository {full_name} (or not readable with these credentials)"
        ) from None
    return Target(data["owner"]["login"], data["name"], installation_id, data)


def _installed(config: Config, found: Sequence[Any]) -> Iterator[Target]:
    from gh_promotion.gateway.client import requester_for
    from gh_promotion.gateway.installations import repositories

    for installation in found:
        requester = requester_for(config, installation.id, budget=config.reconcile.time_budget)
        for data in repositories(requester):
            if not data.get("archived"):
                yield Target(data["owner"]["login"], data["name"], installation.id, data)


def _under_floor(config: Config, rate: Any) -> str:
    left = rate.percent_left()
    floor = config.reconcile.rate_limit_floor
    if left is None or left >= floor:
        return ""
    return (
        f"not swept: {left:.0f}% of the GitHub rate limit is left ({rate.remaining} requests),"
        f" under reconcile.rateLimitFloor {floor}%; the next sweep takes it up"
    )


# -- one repository ---------------------------------------------------------------------


def _sweep_repository(
    config: Config, target: Target, rate: Any, clock: Clock | None
) -> list[Result]:
    from gh_promotion.gateway.client import requester_for
    from gh_promotion.gateway.snapshot import SnapshotReader

    results: list[Result] = []
    try:
        requester = requester_for(
            config, target.installation_id, budget=config.reconcile.time_budget
        )
        scope = config.github.api_url
        reader = SnapshotReader(requester, target.owner, target.name, rate, scope)
        repository = target.repository or reader.repository()
        repo = _repo(config, target, repository)
        branches, pulls = reader.branches(), reader.open_pulls()
        own = own_feedback(config, repo.path)
        writer = _Writer(config, repo, requester, clock)
        for source, next_stage in every_step(repo.path):
            facts = StepFacts(repo.path, source, next_stage, branches, pulls, own=own)
            result = writer.carry(_read(reader, facts))
            results.append(result)
            branches = _moved(branches, result.writes)
    except GitHubUnavailable as failure:
        log.warning("reconcile %s: %s", target.full_name, failure)
        if getattr(failure, "until", None) is not None:
            rate.remaining = 0  # rate limited: the installation's other repositories wait
        results.append(_result(target, Status.FAILED, f"GitHub unavailable: {failure}"))
    except GitHubRefusal as refusal:  # e.g. 403: the App may not read this repository
        log.warning("reconcile %s: GitHub refused a read: %s", target.full_name, refusal)
        results.append(_result(target, Status.FAILED, f"GitHub refused a read: {refusal}"))
    return results


def _repo(config: Config, target: Target, repository: dict[str, Any]) -> Repo:
    """The repository as a delivery reads it: custom property path, else the default."""
    draft_key = config.promotion.push.create_pull_request_in_draft_mode_key
    return Repo(
        owner=target.owner,
        name=target.name,
        installation_id=target.installation_id,
        path=promotion_path(repository, config.promotion),
        drafts_enabled=is_true(custom_properties(repository).get(draft_key)),
        stop_the_line=stop_the_line_values(
            custom_properties(repository).get(config.promotion.stop_the_line_key)
        ),
    )


def own_feedback(config: Config, path: tuple[str, ...]) -> Own:
    """How gh-promotion's own feedback looks on this path: never a signal (core.assess)."""
    from gh_promotion.runtime.wiring import github_for

    feedback = config.promotion.feedback
    app_id = github_for(config).own_app_id()
    return Own.of(
        path,
        feedback.check_run.name,
        feedback.commit_status.context,
        int(app_id) if app_id else None,
    )


def _read(reader: Any, facts: StepFacts) -> StepFacts:
    """Read what this step needs, and no more (see ``core.assess``: needs_*)."""
    if needs_comparison(facts):
        base, head = facts.branches[facts.target], facts.branches[facts.source]
        facts = facts._replace(comparison=reader.compare(base, head))
    if needs_signals(facts):
        request = promotion_request(facts)
        assert request is not None

        def enough(seen: tuple) -> bool:
            return settled(facts._replace(signals=seen))

        facts = facts._replace(signals=reader.signals(request.number, request.head_sha, enough))
        if needs_merges(facts):
            facts = facts._replace(merges=reader.merges_into(facts.source))
    return facts


class _Writer:
    """Carries out each step's intent through one gateway per repository, so that a dry
    run's later steps see the branches its earlier steps planned to create."""

    def __init__(self, config: Config, repo: Repo, requester: Any, clock: Clock | None) -> None:
        from gh_promotion.gateway.github import RepositoryGateway, system_clock

        self._config, self._repo = config, repo
        self._writes: list[Write] = []
        self._gateway = RepositoryGateway(
            requester,
            repo.owner,
            repo.name,
            record=lambda write: self._writes.append(write),
            dry_run=config.promotion.dry_run,
            clock=clock or system_clock,
        )

    def carry(self, facts: StepFacts) -> Result:
        from gh_promotion.core.promote import carry_out

        self._writes = []
        intent = intent_for(self._repo, assess(facts))
        if isinstance(intent, Nothing):
            outcome = intent.outcome
        else:
            outcome = carry_out(intent, self._gateway, self._config)
        return Result(
            **outcome._asdict(),
            event=EVENT,
            repository=self._repo.full_name,
            writes=tuple(self._writes),
            dry_run=self._config.promotion.dry_run,
        )


def _moved(branches: dict[str, str], writes: Sequence[Write]) -> dict[str, str]:
    """The branches as the sweep's own writes (made or, in a dry run, planned) left them."""
    moved = {
        w.target: w.detail
        for w in writes
        if w.action in _MOVES and w.outcome in ("done", "planned") and w.detail
    }
    return {**branches, **moved} if moved else branches


def _result(target: Target, status: Status, reason: str) -> Result:
    return Result(status, reason, event=EVENT, repository=target.full_name)
