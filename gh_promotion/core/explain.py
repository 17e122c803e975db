"""``gh-promotion explain``: where each step of a repository's path stands, and why.

Reads only, through the core's port (:class:`~gh_promotion.core.ports.Repository`):
the repository (its path), its branch heads and open pull requests, then for each
``source → target`` step that has something to promote a compare, the source
head's statuses and check runs, and — with an open promotion request — its reviews
and the target's requirements (branch protection and rulesets). What each step
waits for comes from :mod:`gh_promotion.core.missing`, the same code as the
feedback on the commit.

The state of a step is the first that applies, in this order (the contract of
``--json``, docs/explain.md): ``target_missing``, ``diverged``, ``level``,
``blocked``, ``no_request``, ``waiting``, ``ready``.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

from gh_promotion.config.model import Config
from gh_promotion.core import missing as gaps
from gh_promotion.core.feedback import name_for
from gh_promotion.core.path import custom_properties, promotion_path
from gh_promotion.core.ports import (
    CheckRunInfo,
    PullRequestInfo,
    Repository,
    ReviewInfo,
    StatusInfo,
)

STATES = ("target_missing", "diverged", "level", "blocked", "no_request", "waiting", "ready")
_PASSING = gaps.PASSING


class Own(NamedTuple):
    """How gh-promotion's own feedback is recognised: never a signal, but read for
    what it last reported (a refusal by GitHub makes a step ``blocked``)."""

    app_id: int | None  # the App whose check runs are ours; None with a token
    check_run: str  # feedback.checkRun.name template
    commit_status: str  # feedback.commitStatus.context template

    @classmethod
    def of(cls, config: Config, app_id: int | None) -> Own:
        feedback = config.promotion.feedback
        return cls(app_id, feedback.check_run.name, feedback.commit_status.context)

    def is_own_run(self, run: CheckRunInfo, names: set[str]) -> bool:
        return run.name in names and (self.app_id is None or run.app_id == self.app_id)


class Commit(NamedTuple):
    """What GitHub says about one head commit."""

    sha: str
    statuses: tuple[StatusInfo, ...]
    check_runs: tuple[CheckRunInfo, ...]


def explain(repository: Repository, full_name: str, config: Config, own: Own) -> dict[str, Any]:
    """The document ``gh-promotion explain --json`` prints, without ``github_requests``."""
    data = repository.repository()
    path = promotion_path(data, config.promotion)
    key = config.promotion.dynamic_promotion.key
    from_property = config.promotion.dynamic_promotion.enabled and bool(
        custom_properties(data).get(key)
    )
    heads = repository.branch_heads()
    pulls = [p for p in repository.open_pull_requests() if p.same_repository]
    stages = path.stages
    rollback = config.promotion.rollback.prefix + stages[-1]
    names = _own_names(own, stages, rollback)
    steps = []
    for index, (source, target) in enumerate(itertools.pairwise(stages)):
        previous = stages[index - 1] if index else None
        step = _Step(repository, own, names, source, target, previous)
        steps.append(step.explain(heads, pulls))
    return {
        "repository": full_name,
        "path": {
            "stages": list(stages),
            "from": "custom_property" if from_property else "default",
        },
        "steps": steps,
    }


def _own_names(own: Own, stages: tuple[str, ...], rollback: str) -> set[str]:
    pairs = [*itertools.pairwise(stages), (rollback, stages[-1])]
    return {name_for(t, s, g) for s, g in pairs for t in (own.check_run, own.commit_status)}


class _Step:
    """One ``source → target`` step: its reads and its state."""

    def __init__(
        self,
        repository: Repository,
        own: Own,
        names: set[str],
        source: str,
        target: str,
        previous: str | None,
    ) -> None:
        self.repository = repository
        self.own = own
        self.names = names
        self.source, self.target, self.previous = source, target, previous

    def explain(self, heads: dict[str, str], pulls: list[PullRequestInfo]) -> dict[str, Any]:
        source_sha, target_sha = heads.get(self.source), heads.get(self.target)
        step = {
            "source": self.source,
            "target": self.target,
            "source_sha": source_sha,
            "target_sha": target_sha,
            "ahead_by": 0,
            "pull_request": None,
            "signals": [],
            "missing": [],
        }
        if target_sha is None:
            step["ahead_by"] = None
            return self._done(step, "target_missing", self._next_missing_target(source_sha))
        if source_sha is None:
            return self._done(step, "level", f"nothing to promote: {self.source} does not exist")
        comparison = self.repository.compare(self.target, source_sha)
        step["ahead_by"] = comparison.ahead_by
        if comparison.behind_by > 0:
            lacks = gaps.Missing(
                gaps.NOT_FAST_FORWARD, f"{self.target} has commits {self.source} lacks"
            )
            step["missing"] = [lacks.to_dict()]
            return self._done(step, "diverged", self._next_diverged(comparison.behind_by))
        if comparison.ahead_by == 0:
            return self._done(step, "level", f"nothing to do: {self.target} holds {source_sha[:7]}")
        return self._open(step, source_sha, pulls)

    def _open(self, step: dict[str, Any], sha: str, pulls: list[PullRequestInfo]) -> dict[str, Any]:
        commit = Commit(
            sha,
            tuple(self.repository.commit_statuses(sha)),
            tuple(self.repository.check_runs(sha)),
        )
        refusal = self._latest_refusal(commit)
        pull = next((p for p in pulls if (p.source, p.target) == (self.source, self.target)), None)
        if pull is not None:
            step["pull_request"] = {
                "number": pull.number,
                "head_sha": pull.head_sha,
                "draft": pull.draft,
                "url": pull.url,
            }
        if refusal is not None:
            said = f"GitHub refused to move {self.target}: {refusal}"
            return self._done(step, "blocked", f"{said}; the next success signal tries again")
        if pull is None:
            return self._done(step, "no_request", self._next_no_request())
        return self._waiting_or_ready(step, commit, pull)

    def _waiting_or_ready(
        self, step: dict[str, Any], commit: Commit, pull: PullRequestInfo
    ) -> dict[str, Any]:
        reviews = self.repository.reviews(pull.number)
        needs = gaps.requirements(self.repository.branch_rules(self.target))
        signals = self._signals(commit, reviews)
        head = gaps.Head(
            checks=gaps.check_states(commit.statuses, self._foreign_runs(commit)),
            approvals=gaps.approvals(reviews, commit.sha),
            draft=pull.draft,
            signal=any(s["state"] == "success" for s in signals),
        )
        items = gaps.missing(needs, head, source=self.source, target=self.target)
        step["signals"] = signals
        step["missing"] = [item.to_dict() for item in items]
        step["requirements"] = {"checks": list(needs.checks), "approvals": needs.approvals}
        if items:
            after = gaps.waiting_for(items).removeprefix("waiting for: ")
            moves = f"{self.target} moves to {commit.sha[:7]} after: {after}"
            return self._done(step, "waiting", moves)
        ready = (
            f"ready: the next success signal (or a reconcile) fast-forwards {self.target} "
            f"to {commit.sha[:7]}"
        )
        return self._done(step, "ready", ready)

    # -- own feedback, signals ----------------------------------------------------

    def _latest_refusal(self, commit: Commit) -> str | None:
        """What GitHub said, when gh-promotion's latest feedback for this step on the
        head records a refusal (blocked); None otherwise."""
        run_name = name_for(self.own.check_run, self.source, self.target)
        context = name_for(self.own.commit_status, self.source, self.target)
        reports: list[tuple[str, int, str | None]] = []
        for run in commit.check_runs:
            if run.name == run_name and self.own.is_own_run(run, self.names):
                blocked = run.title.endswith(": blocked")
                said = run.summary.split("\n\n")[0] if blocked else None
                reports.append((run.completed_at, run.id, said))
        for status in commit.statuses:
            if status.context == context:
                blocked = status.state == "pending" and status.description.startswith("🚧")
                said = status.description.removeprefix("🚧").strip() if blocked else None
                reports.append((status.updated_at, 0, said))
        if not reports:
            return None
        return max(reports, key=lambda r: (r[0], r[1]))[2]

    def _foreign_runs(self, commit: Commit) -> list[CheckRunInfo]:
        return [r for r in commit.check_runs if not self.own.is_own_run(r, self.names)]

    def _signals(self, commit: Commit, reviews: list[ReviewInfo]) -> list[dict[str, str]]:
        """The signals gh-promotion would act on for this step: approvals of the head by
        each reviewer's latest review, and check runs and statuses not its own — on a
        later stage only those that came after the promotion that brought the head here
        (statuses and check runs belong to the commit, not to one step)."""
        since = self._arrived_at(commit)
        found = [
            _signal("review", r.login, "success" if r.state == "APPROVED" else "failure", r)
            for r in _latest_reviews(reviews)
            if r.commit_id == commit.sha and r.state in ("APPROVED", "CHANGES_REQUESTED")
        ]
        for run in self._foreign_runs(commit):
            if run.status == "completed" and run.completed_at > since:
                state = "success" if run.conclusion in _PASSING else "failure"
                found.append(_signal("check", run.name, state, commit))
            elif run.status != "completed":
                found.append(_signal("check", run.name, "pending", commit))
        for status in commit.statuses:
            if status.context not in self.names and status.updated_at > since:
                state = "success" if status.state == "success" else _not_success(status.state)
                found.append(_signal("status", status.context, state, commit))
        return found

    def _arrived_at(self, commit: Commit) -> str:
        """When the head reached the source: gh-promotion's "promoted" feedback of the
        previous step on it; "" on the first stage (or when there is none)."""
        if self.previous is None:
            return ""
        run_name = name_for(self.own.check_run, self.previous, self.source)
        context = name_for(self.own.commit_status, self.previous, self.source)
        times = [
            r.completed_at
            for r in commit.check_runs
            if r.name == run_name and self.own.is_own_run(r, self.names)
            if r.conclusion == "success"
        ]
        times += [
            s.updated_at for s in commit.statuses if s.context == context and s.state == "success"
        ]
        return max(times, default="")

    # -- next -----------------------------------------------------------------

    def _done(self, step: dict[str, Any], state: str, next_: str) -> dict[str, Any]:
        step["state"] = state
        step["next"] = next_
        return step

    def _next_missing_target(self, source_sha: str | None) -> str:
        if source_sha is None:
            return f"nothing until {self.source} exists; then its promotion creates {self.target}"
        return (
            f"the next push to {self.source} (or a reconcile) creates {self.target} "
            "and opens the promotion request"
        )

    def _next_diverged(self, behind_by: int) -> str:
        commits = f"{behind_by} commit{'s' if behind_by > 1 else ''}"
        return (
            f"nothing will: {self.target} has {commits} {self.source} lacks, so it can never "
            "be fast-forwarded; a person must bring them into "
            f"{self.source} (or reset {self.target})"
        )

    def _next_no_request(self) -> str:
        return (
            f"the next push to {self.source} (or a reconcile) opens the promotion request "
            f"{self.source}→{self.target}"
        )


def _signal(kind: str, name: str, state: str, of: Any) -> dict[str, str]:
    sha = of.commit_id if isinstance(of, ReviewInfo) else of.sha
    return {"kind": kind, "name": name, "state": state, "sha": sha}


def _not_success(state: str) -> str:
    return "failure" if state in ("failure", "error") else "pending"


def _latest_reviews(reviews: list[ReviewInfo]) -> list[ReviewInfo]:
    latest: dict[str, ReviewInfo] = {}
    for review in reviews:
        if review.state != "COMMENTED":
            latest[review.login] = review
    return list(latest.values())
