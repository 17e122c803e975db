"""Where one step ``source → target`` of a promotion path stands, from what GitHub says (no I/O).

The sweep (issue 13) and ``explain`` (issue 14) both start here: the gateway
reads a repository's facts — branches, open pull requests, and for an open
promotion request the signals on its head with their times — and
:func:`assess` turns them into a :class:`Step`: a state, the signals seen, the
ones that count, and one sentence saying why.

States, the first that applies winning: ``source_missing``, ``target_missing``,
``diverged`` (the target has commits the source lacks), ``level`` (the target
holds the source's head), ``no_request`` (the source is ahead and no promotion
request is open), ``waiting`` (a request is open and nothing that counts has
arrived), ``ready`` (a request is open and a signal counts: a webhook would
have fast-forwarded it).

The timing rule. Statuses and check runs belong to a commit, not to a pull
request, so a signal counts for ``source → target`` only if it arrived after
the head reached ``source`` — exactly what a webhook would have acted on. On
the path's first stage every signal on the head counts (the head got there by
a push, before any CI on it). On a later stage the head got there by a
promotion: its time is gh-promotion's own "promoted" feedback for the step
before (on the head, read with the other signals), else the merge time of the
promotion request that brought it; unknown, only reviews count. A review
belongs to its pull request and counts whenever it approves the head. And a
signal gh-promotion already acted on for this step and head (older than its
own promoted, blocked or failed feedback there) is not acted on twice.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from gh_promotion.core.feedback import name_for, reported_status
from gh_promotion.core.path import PromotionPath
from gh_promotion.core.ports import Comparison, Merge, PullRequestInfo, Signal
from gh_promotion.core.result import Status

STATES = (
    "source_missing",
    "target_missing",
    "diverged",
    "level",
    "no_request",
    "waiting",
    "ready",
)
# gh-promotion's own verdicts after which a signal has been acted on: only newer ones count.
_ACTED = frozenset((Status.PROMOTED, Status.BLOCKED, Status.FAILED))


class Own(NamedTuple):
    """How gh-promotion's own feedback is recognised: its names, and its App."""

    check_runs: Mapping[str, tuple[str, str]] = {}  # check run name → (source, target)
    statuses: Mapping[str, tuple[str, str]] = {}  # status context → (source, target)
    app_id: int | None = None  # its App's id (App auth); None: recognised by name alone

    @classmethod
    def of(cls, path: PromotionPath, check_run: str, status: str, app_id: int | None = None) -> Own:
        """The names the feedback templates give each step of ``path``."""
        pairs = list(itertools.pairwise(path.stages))
        return cls(
            {name_for(check_run, s, t): (s, t) for s, t in pairs},
            {name_for(status, s, t): (s, t) for s, t in pairs},
            app_id,
        )

    def step_of(self, signal: Signal) -> tuple[str, str] | None:
        """The step an own feedback signal reports on; None for anyone else's signal."""
        if signal.kind == "status":
            return self.statuses.get(signal.name)
        if signal.kind not in ("check", "workflow_run"):
            return None
        if self.app_id is not None and signal.app_id not in (None, self.app_id):
            return None
        return self.check_runs.get(signal.name)


class StepFacts(NamedTuple):
    """What the gateway read for one step; the optional parts only when they were needed."""

    path: PromotionPath
    source: str
    target: str
    branches: Mapping[str, str]  # every branch → its head sha
    pulls: tuple[PullRequestInfo, ...]  # the repository's open pull requests
    comparison: Comparison | None = None  # ``target...source``, read when no request is open
    signals: tuple[Signal, ...] = ()  # on the promotion request's head, own feedback included
    merges: tuple[Merge, ...] = ()  # merged requests into ``source``, read when needed
    own: Own = Own()


class Verdict(NamedTuple):
    """gh-promotion's own latest feedback on this step for this head."""

    status: Status
    at: float | None
    detail: str


class Step(NamedTuple):
    source: str
    target: str
    source_sha: str | None
    target_sha: str | None
    state: str  # one of STATES
    why: str  # one sentence: what will move this step, or why nothing will
    ahead_by: int | None = None  # commits of the source the target lacks, when known
    behind_by: int | None = None  # commits of the target the source lacks, when known
    pull_request: PullRequestInfo | None = None
    signals: tuple[Signal, ...] = ()  # seen on the head, gh-promotion's own left out
    counting: tuple[Signal, ...] = ()  # those a webhook would have acted on for this step
    arrived_at: float | None = None  # when the head reached the source, when known
    verdict: Verdict | None = None

    @property
    def first_counting(self) -> Signal | None:
        return self.counting[0] if self.counting else None


# -- what to read --------------------------------------------------------------------


def promotion_request(facts: StepFacts) -> PullRequestInfo | None:
    """The open promotion request ``source → target`` of the repository itself (oldest first)."""
    found = [
        p
        for p in facts.pulls
        if p.source == facts.source and p.target == facts.target and p.same_repository
    ]
    return min(found, key=lambda p: p.number) if found else None


def outline(facts: StepFacts) -> str:
    """The state as far as branches and open pull requests tell: ``source_missing``,
    ``target_missing``, ``level``, ``open`` (a request is open) or ``no_request``."""
    source_sha, target_sha = facts.branches.get(facts.source), facts.branches.get(facts.target)
    if source_sha is None:
        return "source_missing"
    if target_sha is None:
        return "target_missing"
    if source_sha == target_sha:
        return "level"
    return "open" if promotion_request(facts) is not None else "no_request"


def needs_comparison(facts: StepFacts) -> bool:
    return facts.comparison is None and outline(facts) == "no_request"


def needs_signals(facts: StepFacts) -> bool:
    """Signals are read only for a request that could move: open, not a draft, at the head."""
    request = promotion_request(facts) if outline(facts) == "open" else None
    return (
        request is not None
        and not request.draft
        and request.head_sha == facts.branches.get(facts.source)
    )


def needs_merges(facts: StepFacts) -> bool:
    """True when only the merge of the request before can say when the head arrived."""
    return needs_signals(facts) and not _is_first(facts) and _arrival(facts)[1] is False


def settled(facts: StepFacts) -> bool:
    """True when the signals read so far already make the step ready (the sweep reads no more)."""
    return assess(facts).state == "ready"


# -- the assessment ---------------------------------------------------------------------


def assess(facts: StepFacts) -> Step:
    source_sha = facts.branches.get(facts.source)
    target_sha = facts.branches.get(facts.target)
    base = Step(facts.source, facts.target, source_sha, target_sha, "", "")
    kind = outline(facts)
    if kind == "source_missing":
        return base._replace(state=kind, why=f"{facts.source} does not exist: nothing to promote")
    if kind == "target_missing":
        why = (
            f"{facts.target} does not exist: it is created at the first commit of "
            f"{facts.source} and a promotion request opened"
        )
        return base._replace(state=kind, why=why)
    if kind == "level":
        return base._replace(
            state="level", why=f"{facts.target} holds {facts.source}'s head {_short(source_sha)}"
        )
    if kind == "no_request":
        return _without_request(facts, base)
    return _with_request(facts, base)


def _without_request(facts: StepFacts, base: Step) -> Step:
    comparison = facts.comparison
    if comparison is None:
        why = f"{facts.source} differs from {facts.target} and no promotion request is open"
        return base._replace(state="no_request", why=why)
    step = base._replace(ahead_by=comparison.ahead_by, behind_by=comparison.behind_by)
    if comparison.behind_by > 0:
        why = (
            f"{facts.target} has {_commits(comparison.behind_by)} {facts.source} lacks: "
            "it can never be fast-forwarded"
        )
        return step._replace(state="diverged", why=why)
    why = (
        f"{facts.source} is {_commits(comparison.ahead_by)} ahead of {facts.target} "
        "and no promotion request is open"
    )
    return step._replace(state="no_request", why=why)


def _with_request(facts: StepFacts, base: Step) -> Step:
    request = promotion_request(facts)
    assert request is not None
    step = base._replace(state="waiting", pull_request=request)
    if request.draft:
        return step._replace(why=f"#{request.number} is a draft: it waits for ready for review")
    if request.head_sha != base.source_sha:
        why = (
            f"#{request.number}'s head {_short(request.head_sha)} is not "
            f"{facts.source}'s head {_short(base.source_sha)}"
        )
        return step._replace(why=why)
    head = request.head_sha
    others = tuple(s for s in facts.signals if facts.own.step_of(s) is None)
    arrived_at, known = _arrival(facts)
    verdict = _verdict(facts, head)
    counting = tuple(s for s in others if _counts(s, head, arrived_at, known, verdict))
    step = step._replace(signals=others, arrived_at=arrived_at, verdict=verdict)
    if counting:
        first = counting[0]
        why = f"#{request.number}: {signal_text(first)} on {_short(head)}"
        return step._replace(state="ready", counting=counting, why=why)
    return step._replace(why=_waiting_why(request, facts.source, known, verdict))


def _waiting_why(
    request: PullRequestInfo, source: str, known: bool, verdict: Verdict | None
) -> str:
    head = _short(request.head_sha)
    if not known:
        return (
            f"#{request.number} waits for an approval of {head}: when it reached {source} "
            "is unknown, so checks and statuses on it cannot count"
        )
    if verdict is not None and verdict.status in _ACTED:
        return (
            f"#{request.number} waits for a new approval or green check on {head}: "
            f"gh-promotion already reported it {verdict.status.value}"
        )
    return f"#{request.number} waits for an approval or a green check on {head}"


def _is_first(facts: StepFacts) -> bool:
    return facts.source == facts.path.stages[0]


def _arrival(facts: StepFacts) -> tuple[float | None, bool]:
    """When the head reached the source, and whether that is known (always, on the first stage)."""
    if _is_first(facts):
        return None, True
    head = facts.branches.get(facts.source)
    index = facts.path.stages.index(facts.source)
    before = (facts.path.stages[index - 1], facts.source)
    times = [
        s.at
        for s in facts.signals
        if s.at is not None
        and s.sha == head
        and facts.own.step_of(s) == before
        and _reported(s) is Status.PROMOTED
    ]
    times += [
        m.merged_at for m in facts.merges if (m.source, m.target) == before and m.head_sha == head
    ]
    return (max(times), True) if times else (None, False)


def _verdict(facts: StepFacts, head: str) -> Verdict | None:
    own = [
        s
        for s in facts.signals
        if s.sha == head and facts.own.step_of(s) == (facts.source, facts.target)
    ]
    if not own:
        return None
    latest = max(own, key=lambda s: s.at or 0.0)
    status = _reported(latest)
    return None if status is None else Verdict(status, latest.at, latest.detail)


def _reported(signal: Signal) -> Status | None:
    """What an own feedback signal reports: its icon, else its state."""
    status = reported_status(signal.detail)
    if status is not None:
        return status
    return {"success": Status.PROMOTED, "failure": Status.FAILED}.get(signal.state)


def _counts(
    signal: Signal, head: str, arrived_at: float | None, known: bool, verdict: Verdict | None
) -> bool:
    if signal.state != "success" or signal.sha != head:
        return False
    if signal.kind != "review" and not _after(signal, arrived_at, known):
        return False
    if verdict is not None and verdict.status in _ACTED:
        return _after(signal, verdict.at, True)
    return True


def _after(signal: Signal, moment: float | None, known: bool) -> bool:
    """Strictly after ``moment`` (None and known: the first stage, any time): with
    one-second timestamps, a signal in the same second may have come before."""
    if not known:
        return False
    if moment is None:
        return True
    return signal.at is not None and signal.at > moment


def signal_text(signal: Signal) -> str:
    """The signal in words, as a result's reason names what said yes."""
    words = {
        "review": f"approved by {signal.name}",
        "check": f"check {signal.name} succeeded",
        "workflow_run": f"workflow {signal.name} succeeded",
        "status": f"status {signal.name} is success",
        "deployment": f"deployment to {signal.name} succeeded",
    }
    return words.get(signal.kind, f"{signal.kind} {signal.name} succeeded")


def _short(sha: str | None) -> str:
    return (sha or "")[:7]


def _commits(count: int) -> str:
    return f"{count} commit{'s' if count != 1 else ''}"


def every_step(path: PromotionPath) -> Iterable[tuple[str, str]]:
    return itertools.pairwise(path.stages)
