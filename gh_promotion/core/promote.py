"""Carry out an intent through the port to GitHub: the part of the core that asks GitHub.

The core does no I/O of its own: every read and write goes through the
:class:`~gh_promotion.core.ports.Repository` it is handed, whichever transport
implements it (the gateway in production). One function per intent, registered
with :func:`carries` as :mod:`gh_promotion.core.decide` registers one per event.

Each function reads the few facts it needs, makes its writes, and reports the
outcome on the commit. The request budget of each path is visible here:

- push, target exists: create the pull request (GitHub's refusal tells us when
  one is already open or there is nothing to promote) — 1 request;
- push, target missing: the refusal, the oldest commit (2), the branch, the
  pull request again — 5;
- fast-forward of a request the payload names: the ref update — 1 (plus one read
  of the pull request when the payload cannot say whether it is a draft and
  the repository opens drafts);
- fast-forward by sha (status, deployment_status): one list of open pull
  requests, then the update — 2;
- rollback: one compare of the last stage with the rollback branch (behind, and
  still at the pushed commit), then one forced update per stage (plus the hold
  issue, with ``promotion.rollback.hold``).

A fast-forward first passes the gates of docs/gates.md (:mod:`gating` says
what each reads: nothing for freezes, one read each for a hold or a soak, and
only when configured for that step).

Feedback adds one request per mechanism (check run, commit status). What a
promotion waits for is read (:mod:`gh_promotion.core.waiting`, 4-6 reads) only
once GitHub refuses a fast-forward, and before each one with
``promotion.enforceRequiredChecks`` (2-5 reads).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gh_promotion.config.model import Config
from gh_promotion.core import feedback as fb
from gh_promotion.core import gating
from gh_promotion.core import missing as gaps
from gh_promotion.core import waiting as waits
from gh_promotion.core.errors import (
    BranchMissing,
    BranchProtected,
    GitHubRefusal,
    GitHubUnavailable,
    NoCommitsBetween,
    NotFastForward,
    PullRequestExists,
    ReferenceExists,
)
from gh_promotion.core.intents import (
    FastForward,
    FastForwardSha,
    Intent,
    MarkPending,
    OpenPromotion,
    PromotionRequest,
    Repo,
    Rollback,
)
from gh_promotion.core.result import Outcome, Status

if TYPE_CHECKING:
    from gh_promotion.core.ports import PullRequestInfo, Repository

    Carrier = Callable[[Any, Repository, Config], Outcome]

log = logging.getLogger(__name__)

# When several pull requests are promoted by one signal, the result shows the
# one a person most needs to see.
_SEVERITY = [
    Status.FAILED,
    Status.BLOCKED,
    Status.HELD,
    Status.FROZEN,
    Status.PROMOTED,
    Status.PENDING,
    Status.SKIPPED,
]


_CARRIERS: dict[type, Carrier] = {}


def carries(kind: type) -> Callable[[Carrier], Carrier]:
    def register(carrier: Carrier) -> Carrier:
        _CARRIERS[kind] = carrier
        return carrier

    return register


def carry_out(intent: Intent, gateway: Repository, config: Config) -> Outcome:
    carrier = _CARRIERS.get(type(intent))
    if carrier is None:
        raise TypeError(f"no way to carry out {intent!r}")
    return carrier(intent, gateway, config)


# -- push: open the promotion request ------------------------------------------


@carries(OpenPromotion)
def open_promotion(intent: OpenPromotion, gateway: Repository, config: Config) -> Outcome:
    source, target, sha = intent.source, intent.target, intent.head_sha
    title = f"Promote {source} to {target}"
    body = _pull_request_body(intent.repo, source, target)
    request = PromotionRequest(0, source, target, sha, draft=intent.draft)

    def attempt() -> int | None:
        return gateway.create_pull_request(source, target, title, body, draft=intent.draft)

    try:
        try:
            number = attempt()
        except BranchMissing:
            if not config.promotion.push.create_target_ref:
                reason = f"target branch {target} does not exist and createTargetRef is off"
                return _outcome(Status.FAILED, reason, request)
            _create_target_branch(gateway, source, target)
            number = attempt()
    except PullRequestExists:
        reason = f"a promotion request {source}→{target} is already open"
        waiting = _waiting(draft=False)
        return _report(gateway, config, intent.repo, request, Status.PENDING, reason, waiting)
    except NoCommitsBetween:
        return _outcome(Status.SKIPPED, f"{target} already holds every commit of {source}", request)
    except GitHubRefusal as refusal:
        return _outcome(Status.FAILED, f"GitHub refused the promotion: {refusal.message}", request)

    opened = PromotionRequest(number or 0, source, target, sha, draft=intent.draft)
    what = f"{'draft ' if intent.draft else ''}promotion request {source}→{target}"
    waiting = _waiting(draft=intent.draft)
    if config.promotion.dry_run:
        reason = f"would open a {what}"
    else:
        reason = f"opened {what} #{number}; {waiting}"
    return _report(gateway, config, intent.repo, opened, Status.PENDING, reason, waiting)


def _create_target_branch(gateway: Repository, source: str, target: str) -> None:
    """Create the target at the oldest commit of the source, so the pull request
    shows everything being promoted."""
    oldest = gateway.oldest_commit(source)
    try:
        gateway.create_branch(target, oldest)
    except ReferenceExists:
        log.info("target branch %s appeared meanwhile", target)


def _pull_request_body(repo: Repo, source: str, target: str) -> str:
    stages = repo.path.stages
    drawn = " → ".join(f"**{s}**" if s == target else f"`{s}`" for s in stages)
    position = stages.index(target) + 1
    return (
        f"Promotes `{source}` to `{target}`, stage {position} of {len(stages)} "
        f"of this repository's promotion path:\n\n{drawn}\n\n"
        f"`{target}` is fast-forwarded to this pull request's head commit as soon as "
        "that commit is approved or green (review, check suite, workflow run, "
        "commit status or deployment status). Opened by gh-promotion."
    )


# -- a promotion request opened or updated ------------------------------------------


@carries(MarkPending)
def mark_pending(intent: MarkPending, gateway: Repository, config: Config) -> Outcome:
    request = intent.request
    waiting = _waiting(draft=bool(request.draft))
    reason = f"#{request.number} is {waiting}"
    return _report(gateway, config, intent.repo, request, Status.PENDING, reason, waiting)


def _waiting(*, draft: bool) -> str:
    """What a request that was just opened or updated waits for, from what the delivery
    knows (no read: the branch's requirements are read only once GitHub refuses)."""
    return gaps.waiting_for(gaps.missing(gaps.Requirements(), gaps.Head({}, draft=draft)))


# -- fast-forward -------------------------------------------------------------------


@carries(FastForward)
def fast_forward_requests(intent: FastForward, gateway: Repository, config: Config) -> Outcome:
    outcomes = [
        fast_forward(intent.repo, r, intent.signal, gateway, config) for r in intent.requests
    ]
    return _most_severe(outcomes)


def fast_forward(
    repo: Repo,
    request: PromotionRequest,
    signal: str,
    gateway: Repository,
    config: Config,
) -> Outcome:
    """Fast-forward the request's target to its head, if it is still the head."""
    if request.draft is None and repo.drafts_enabled:
        current = gateway.pull_request(request.number)
        if current.head_sha != request.head_sha:
            reason = f"#{request.number} has moved on to {current.head_sha[:7]}"
            return _outcome(Status.SKIPPED, reason, request)
        request = _as_request(current)
    if request.draft:
        reason = f"#{request.number} is a draft: it waits for ready for review"
        return _outcome(Status.SKIPPED, reason, request)
    if request.base_sha == request.head_sha:
        reason = f"{request.target} already holds {request.head_sha[:7]}"
        return _outcome(Status.PROMOTED, reason, request)
    gate = gating.gates_on(repo, request, gateway, config).verdict  # docs/gates.md
    if gate.status is not None:
        if gate.status in (Status.FROZEN, Status.HELD) and gate.status is request.reported:
            outcome = _outcome(gate.status, gate.reason, request)  # the commit says so already
        else:
            soaking = gate.reason if gate.status is Status.PENDING else ""  # the status's text
            outcome = _report(gateway, config, repo, request, gate.status, gate.reason, soaking)
        return outcome._replace(override=bool(gate.overridden))
    held = _hold_for_required_checks(repo, request, gateway, config)
    if held is not None:
        return held
    try:
        gateway.fast_forward(request.target, request.head_sha)
    except NotFastForward as refusal:
        reason = (
            f"{request.target} cannot be fast-forwarded to #{request.number}: {refusal.message}"
        )
        return _report(gateway, config, repo, request, Status.FAILED, reason)
    except BranchProtected as refusal:
        return _blocked(repo, request, refusal, gateway, config)
    except GitHubRefusal as refusal:
        reason = f"GitHub refused to move {request.target}: {refusal.message}"
        return _report(gateway, config, repo, request, Status.FAILED, reason)
    verb = "would fast-forward" if config.promotion.dry_run else "fast-forwarded"
    reason = f"{verb} {request.target} to {request.head_sha[:7]} ({signal})"
    if gate.overridden:
        label = config.promotion.override_label
        reason += f"; the {label} label overrode the freeze ({gate.overridden})"
    outcome = _report(gateway, config, repo, request, Status.PROMOTED, reason)
    return outcome._replace(override=bool(gate.overridden))


def _blocked(
    repo: Repo,
    request: PromotionRequest,
    refusal: BranchProtected,
    gateway: Repository,
    config: Config,
) -> Outcome:
    """GitHub refused the update (protection, rulesets): say what it said and what is missing.

    Only here, after the refusal, are the target's rules and the head's checks and
    reviews read — never on an ordinary delivery.
    """
    waiting = gaps.waiting_for(waits.after_refusal(request, refusal, gateway))
    said = f"{request.target} is protected and not ready: {refusal.message}"
    reason = f"{waiting} ({said})" if waiting else said
    return _report(gateway, config, repo, request, Status.BLOCKED, reason, waiting)


def _hold_for_required_checks(
    repo: Repo, request: PromotionRequest, gateway: Repository, config: Config
) -> Outcome | None:
    """With ``promotion.enforceRequiredChecks``: pending while a required check of the
    target has not passed on the head — for an App that bypasses protection and rulesets."""
    if not config.promotion.enforce_required_checks:
        return None
    waiting = waits.required_checks(request, gateway)
    if not waiting:
        return None
    reason = f"{waiting} before {request.target} moves (promotion.enforceRequiredChecks)"
    return _report(gateway, config, repo, request, Status.PENDING, reason, waiting)


@carries(FastForwardSha)
def fast_forward_sha(intent: FastForwardSha, gateway: Repository, config: Config) -> Outcome:
    repo, sha = intent.repo, intent.sha
    if len(intent.branches) == 1:
        source = intent.branches[0]
        pulls = gateway.open_pull_requests(head=source, base=repo.path.next_stage(source) or "")
    else:
        pulls = gateway.open_pull_requests()
    requests = [
        _as_request(p)
        for p in pulls
        if p.head_sha == sha and p.same_repository and repo.path.is_promotion(p.source, p.target)
    ]
    if not requests:
        reason = f"no open promotion request has {sha[:7]} at its head"
        return Outcome(Status.SKIPPED, reason, sha=sha)
    outcomes = [fast_forward(repo, r, intent.signal, gateway, config) for r in requests]
    return _most_severe(outcomes)


def _as_request(pull: PullRequestInfo) -> PromotionRequest:
    return PromotionRequest(
        pull.number, pull.source, pull.target, pull.head_sha, pull.draft, pull.base_sha, pull.labels
    )


# -- rollback -----------------------------------------------------------------------


@carries(Rollback)
def rollback(intent: Rollback, gateway: Repository, config: Config) -> Outcome:
    """Force the last stage (and the cascade stages) back to an older commit.

    Only a commit strictly behind the last stage is accepted: a rollback never
    moves a branch forward or sideways. And only while the rollback branch still
    points at it: a push redelivered later (by a person or by the sweep) must
    not undo a newer rollback, or roll back further than the branch now asks.
    """
    last, sha = intent.stages[0], intent.sha
    request = PromotionRequest(0, intent.rollback_branch, last, sha)
    try:
        # The branch, not the pushed sha: the answer is about where it points now.
        comparison = gateway.compare(last, intent.rollback_branch)
    except GitHubRefusal as refusal:
        reason = f"cannot compare {intent.rollback_branch} with {last}: {refusal.message}"
        return _report(gateway, config, intent.repo, request, Status.REJECTED, reason)
    if comparison.status in ("behind", "identical") and comparison.merge_base != sha:
        reason = (
            f"{intent.rollback_branch} no longer points at {sha[:7]}: this push is stale"
            " (a redelivery?); nothing rolled back"
        )
        return _outcome(Status.SKIPPED, reason, request)
    if comparison.status == "identical":
        return _outcome(Status.SKIPPED, f"{last} is already at {sha[:7]}", request)
    if comparison.status != "behind":
        reason = (
            f"{intent.rollback_branch} is {comparison.status} of {last} "
            f"(ahead by {comparison.ahead_by}, behind by {comparison.behind_by}): "
            "a rollback must point to an older commit of its history"
        )
        return _report(gateway, config, intent.repo, request, Status.REJECTED, reason)
    moved, failure = _force_stages(gateway, intent.stages, sha)
    held = _hold_after_rollback(intent, moved, gateway, config)
    if failure is None:
        reason = f"rolled {', '.join(moved)} back to {sha[:7]}{held}"
        return _report(gateway, config, intent.repo, request, Status.ROLLED_BACK, reason)
    left = [s for s in intent.stages if s not in moved]
    reason = (
        f"rollback stopped: moved {', '.join(moved) or 'nothing'}; "
        f"not moved {', '.join(left)} ({failure}){held}"
    )
    return _report(gateway, config, intent.repo, request, Status.FAILED, reason)


def _hold_after_rollback(
    intent: Rollback, moved: list[str], gateway: Repository, config: Config
) -> str:
    """With ``promotion.rollback.hold``, open the issue that holds the moved stages
    (docs/gates.md); what it did, for the reason. Failing to open it undoes nothing."""
    if not (config.promotion.rollback.hold and moved):
        return ""
    stages = tuple(moved)
    why = f"the rollback moved {', '.join(stages)} back"
    try:
        number = gating.open_hold(gateway, stages, intent.rollback_branch, intent.sha, why)
    except (GitHubRefusal, GitHubUnavailable) as error:
        log.warning("opening the hold issue failed: %s", error)
        return f"; the hold issue could not be opened ({error})"
    if number is None:
        return "; would hold promotions into them with an issue"
    return f"; promotions into them are held until #{number} is closed"


def _force_stages(
    gateway: Repository, stages: tuple[str, ...], sha: str
) -> tuple[list[str], str | None]:
    moved: list[str] = []
    for stage in stages:
        try:
            gateway.force_update(stage, sha)
        except GitHubRefusal as refusal:
            return moved, refusal.message
        except GitHubUnavailable as failure:
            if not moved:
                raise  # nothing changed: let GitHub redeliver
            return moved, str(failure)
        moved.append(stage)
    return moved, None


# -- outcomes and feedback ----------------------------------------------------------


def _outcome(status: Status, reason: str, request: PromotionRequest) -> Outcome:
    return Outcome(
        status,
        reason,
        source=request.source,
        target=request.target,
        sha=request.head_sha,
        pull_request=request.number or None,
    )


def _report(
    gateway: Repository,
    config: Config,
    repo: Repo,
    request: PromotionRequest,
    status: Status,
    reason: str,
    waiting: str = "",
) -> Outcome:
    """The outcome, reported on the head commit; a failed report never undoes it.

    ``waiting``: what the promotion still waits for (``waiting for: check "ci"``), for
    the feedback's short forms.
    """
    outcome = _outcome(status, reason, request)
    feedback = fb.Feedback.of(outcome, repo.path.stages, waiting)
    for post in _feedback_writers(config):
        try:
            post(gateway, config, feedback)
        except (GitHubRefusal, GitHubUnavailable) as error:
            log.warning("feedback on %s failed: %s", feedback.sha[:7], error)
    return outcome


def _feedback_writers(config: Config) -> list:
    writers = []
    if fb.use_check_runs(config):
        writers.append(_post_check_run)
    if fb.use_commit_statuses(config):
        writers.append(_post_commit_status)
    return writers


def _post_check_run(gateway: Repository, config: Config, outcome: fb.Feedback) -> None:
    name = fb.title(config.promotion.feedback.check_run.name, outcome)
    conclusion = fb.check_run_conclusion(outcome)
    gateway.create_check_run(name, outcome.sha, conclusion, fb.check_run_output(outcome))


def _post_commit_status(gateway: Repository, config: Config, outcome: fb.Feedback) -> None:
    context = fb.title(config.promotion.feedback.commit_status.context, outcome)
    state, description = fb.status_state(outcome), fb.status_description(outcome)
    gateway.create_commit_status(outcome.sha, state, context, description)


def _most_severe(outcomes: list[Outcome]) -> Outcome:
    return min(outcomes, key=lambda o: _SEVERITY.index(o.status))
