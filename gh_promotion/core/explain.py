"""``gh-promotion explain``: where each step of a repository's path stands, and why (no I/O).

Built on the sweep's assessment (:mod:`gh_promotion.core.assess`: the signals seen
on the head, which ones count, gh-promotion's own latest verdict) and on
:mod:`gh_promotion.core.missing` (the same code as the feedback on the commit)
for what the step still waits for: the target's required checks and approvals,
a draft, a signal. The runtime (:mod:`gh_promotion.runtime.explain`) makes the
reads and hands each step's facts here.

The state of a step is the first that applies, in this order (the contract of
``--json``, docs/explain.md): ``target_missing``, ``diverged``, ``level``,
``blocked``, ``no_request``, ``waiting``, ``ready``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gh_promotion.core import missing as gaps
from gh_promotion.core.assess import Step, StepFacts, assess, promotion_request
from gh_promotion.core.ports import Comparison, PullRequestInfo, Signal
from gh_promotion.core.result import Status

STATES = ("target_missing", "diverged", "level", "blocked", "no_request", "waiting", "ready")
BLOCKED_TITLE = ": blocked — "  # a blocked check run's title: "🚧 main → staging: blocked — why"
_CHECK_KINDS = ("check", "workflow_run", "status")


def document(
    full_name: str, stages: Iterable[str], from_property: bool, steps: list[dict[str, Any]]
) -> dict[str, Any]:
    """The ``--json`` document, without ``github_requests`` (the runtime counts them)."""
    return {
        "repository": full_name,
        "path": {
            "stages": list(stages),
            "from": "custom_property" if from_property else "default",
        },
        "steps": steps,
    }


def explain_step(
    facts: StepFacts, comparison: Comparison | None, needs: gaps.Requirements
) -> dict[str, Any]:
    """One step of the document, from what was read for it.

    ``comparison`` is ``target...source`` (read when both exist and differ),
    ``needs`` the target's requirements (read when a request is open).
    """
    step = assess(facts)
    request = promotion_request(facts)
    out: dict[str, Any] = {
        "source": facts.source,
        "target": facts.target,
        "source_sha": step.source_sha,
        "target_sha": step.target_sha,
        "ahead_by": comparison.ahead_by if comparison else (0 if step.target_sha else None),
        "pull_request": _pull(request),
        "signals": [_signal(s) for s in step.signals],
        "missing": [],
    }
    state, next_ = _state(facts, step, comparison, request, needs, out)
    out["state"], out["next"] = state, next_
    return out


def _state(
    facts: StepFacts,
    step: Step,
    comparison: Comparison | None,
    request: PullRequestInfo | None,
    needs: gaps.Requirements,
    out: dict[str, Any],
) -> tuple[str, str]:
    source, target = facts.source, facts.target
    if step.target_sha is None:
        if step.source_sha is None:
            return "target_missing", f"nothing until {source} exists"
        return "target_missing", (
            f"the next push to {source} (or a reconcile) creates {target} at {source}'s "
            "first commit and opens the promotion request"
        )
    if step.source_sha is None:
        return "level", f"nothing to promote: {source} does not exist"
    if comparison is not None and comparison.behind_by > 0:
        lacks = gaps.Missing(gaps.NOT_FAST_FORWARD, f"{target} has commits {source} lacks")
        out["missing"] = [lacks.to_dict()]
        commits = f"{comparison.behind_by} commit{'s' if comparison.behind_by > 1 else ''}"
        return "diverged", (
            f"nothing will: {target} has {commits} {source} lacks, so it can never be "
            f"fast-forwarded; a person must bring them into {source} (or reset {target})"
        )
    if step.source_sha == step.target_sha or (comparison is not None and not comparison.ahead_by):
        return "level", f"nothing to do: {target} holds {step.source_sha[:7]}"
    if step.verdict is not None and step.verdict.status is Status.BLOCKED:
        said = refusal_of(step.verdict.detail)
        return (
            "blocked",
            f"GitHub refused to move {target}: {said}; the next success signal tries again",
        )
    if request is None:
        return "no_request", (
            f"the next push to {source} (or a reconcile) opens the promotion request "
            f"{source}→{target}"
        )
    return _waiting_or_ready(step, request, needs, out)


def _waiting_or_ready(
    step: Step, request: PullRequestInfo, needs: gaps.Requirements, out: dict[str, Any]
) -> tuple[str, str]:
    head = gaps.Head(
        checks=check_states(step.signals),
        approvals=approvals(step.signals, request.head_sha),
        draft=request.draft,
        signal=bool(step.counting),
    )
    items = gaps.missing(needs, head)
    out["missing"] = [item.to_dict() for item in items]
    out["requirements"] = {"checks": list(needs.checks), "approvals": needs.approvals}
    target, sha = step.target, request.head_sha[:7]
    if [item.kind for item in items] == [gaps.SIGNAL]:
        return "waiting", step.why
    if items:
        after = gaps.waiting_for(items).removeprefix("waiting for: ")
        return "waiting", f"{target} moves to {sha} after: {after}"
    return "ready", (
        f"{step.why}: the next success signal (or a reconcile) fast-forwards {target} to {sha}"
    )


def check_states(signals: Iterable[Signal]) -> dict[str, str]:
    """Each check run name and status context on the head → its state (a success wins)."""
    states: dict[str, str] = {}
    for signal in signals:
        if signal.kind in _CHECK_KINDS and states.get(signal.name) != "success":
            states[signal.name] = signal.state
    return states


def approvals(signals: Iterable[Signal], sha: str) -> int:
    """Reviewers whose latest review approves ``sha`` (review signals are each one's latest)."""
    return sum(1 for s in signals if s.kind == "review" and s.state == "success" and s.sha == sha)


def refusal_of(detail: str) -> str:
    """What GitHub said, from gh-promotion's own blocked feedback: a check run's title
    (``🚧 main → staging: blocked — why``) or a status's description (``🚧 why``)."""
    if BLOCKED_TITLE in detail:
        return detail.split(BLOCKED_TITLE, 1)[1]
    return detail.removeprefix("🚧").strip()


def _pull(request: PullRequestInfo | None) -> dict[str, Any] | None:
    if request is None:
        return None
    return {
        "number": request.number,
        "head_sha": request.head_sha,
        "draft": request.draft,
        "url": request.url,
    }


def _signal(signal: Signal) -> Mapping[str, str]:
    return {"kind": signal.kind, "name": signal.name, "state": signal.state, "sha": signal.sha}
