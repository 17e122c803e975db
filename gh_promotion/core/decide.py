"""Decide what a delivery asks for, from its payload and the config alone (no I/O).

One function per event, registered with :func:`on`, like gidgethub's router:
adding an event is adding a function. Each returns an intent from
:mod:`gh_promotion.core.intents`; a delivery that does not concern promotion
becomes a :class:`Skip` with the reason.

Payload shapes are GitHub's webhook payloads
(https://docs.github.com/en/webhooks/webhook-events-and-payloads).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from gh_promotion.config.model import Config
from gh_promotion.core import fields
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.feedback import name_for
from gh_promotion.core.gates import stop_the_line_values
from gh_promotion.core.intents import (
    FastForward,
    FastForwardSha,
    Intent,
    MarkPending,
    OpenPromotion,
    PromotionRequest,
    Repo,
    Rollback,
    Skip,
)
from gh_promotion.core.path import branch_name, custom_properties, is_true, promotion_path

ZERO_SHA = "0" * 40

if TYPE_CHECKING:  # building the alias at runtime costs a cold start ~1 ms
    Decider = Callable[[Mapping[str, Any], Repo, Config], Intent]
_DECIDERS: dict[str, Decider] = {}


def on(event: str) -> Callable[[Decider], Decider]:
    def register(decider: Decider) -> Decider:
        _DECIDERS[event] = decider
        return decider

    return register


def decide(delivery: Delivery, config: Config) -> Intent:
    """The intent of a supported event's delivery; raises BadDelivery when malformed."""
    payload = delivery.payload
    repo = read_repo(payload, config)
    return _DECIDERS[delivery.event](payload, repo, config)


def read_repo(payload: Mapping[str, Any], config: Config) -> Repo:
    repository = fields.mapping(payload, "repository")
    if repository.get("custom_properties") is not None:
        fields.mapping(repository, "custom_properties", where="repository")
    owner = fields.string(repository, "owner", "login", where="repository")
    name = fields.string(repository, "name", where="repository")
    installation = payload.get("installation")
    installation_id = None
    if installation is not None:
        installation_id = fields.integer(payload, "installation", "id")
    draft_key = config.promotion.push.create_pull_request_in_draft_mode_key
    properties = custom_properties(repository)
    return Repo(
        owner=owner,
        name=name,
        installation_id=installation_id,
        path=promotion_path(repository, config.promotion),
        drafts_enabled=is_true(properties.get(draft_key)),
        stop_the_line=stop_the_line_values(properties.get(config.promotion.stop_the_line_key)),
    )


@on("push")
def decide_push(payload: Mapping[str, Any], repo: Repo, config: Config) -> Intent:
    ref = fields.string(payload, "ref")
    sha = fields.string(payload, "after")
    if not ref.startswith("refs/heads/"):
        return Skip(f"push of {ref} is not a branch push")
    branch = branch_name(ref)
    if fields.optional_bool(payload, "deleted") or sha == ZERO_SHA:
        return Skip(f"branch {branch} was deleted", source=branch)
    rollback = config.promotion.rollback
    if rollback.enabled and branch == rollback.prefix + repo.path.last:
        return _rollback(repo, branch, sha, config)
    target = repo.path.next_stage(branch)
    if target is None:
        return Skip(_not_a_source(branch, repo), source=branch, sha=sha)
    return OpenPromotion(repo, branch, target, sha, draft=repo.drafts_enabled)


def _rollback(repo: Repo, branch: str, sha: str, config: Config) -> Rollback:
    last = repo.path.last
    cascade = (s for s in config.promotion.rollback.cascade_stages if s in repo.path.stages)
    stages = tuple(dict.fromkeys((last, *cascade)))
    return Rollback(repo, rollback_branch=branch, sha=sha, stages=stages)


def _not_a_source(branch: str, repo: Repo) -> str:
    if branch == repo.path.last:
        return f"{branch} is the last stage of the promotion path"
    return f"{branch} is not a stage of the promotion path {'→'.join(repo.path.stages)}"


@on("pull_request")
def decide_pull_request(payload: Mapping[str, Any], repo: Repo, config: Config) -> Intent:
    action = fields.string(payload, "action")
    if action not in ("opened", "reopened", "synchronize", "ready_for_review"):
        return Skip(f"pull_request action {action} is not a promotion signal")
    request, why_not = _promotion_request(fields.mapping(payload, "pull_request"), repo)
    if request is None:
        return why_not
    if action == "ready_for_review":
        return FastForward(repo, (request._replace(draft=False),), signal="ready for review")
    if request.draft:
        return _skip_draft(request)
    if action in ("opened", "synchronize") and "push" in config.promotion.events:
        return _reported_by_the_push(request)
    return MarkPending(repo, request)


def _reported_by_the_push(request: PromotionRequest) -> Skip:
    """A promotion request is opened or updated by a push to its source stage, and
    that push's delivery already wrote the pending feedback on this head (it opened
    the request, or found it open): a second would only repeat it.

    Why the push and not this event: the push comes first, knows it opened the
    request, covers drafts and Apps not subscribed to pull requests, and skipping
    here costs no GitHub request — telling the App's own pull requests apart by
    their author would need the App's slug (a request) and misses token auth.
    ``reopened`` has no push behind it, so it still reports.
    """
    return Skip(
        f"#{request.number}'s push to {request.source} reported it pending",
        source=request.source,
        target=request.target,
        sha=request.head_sha,
    )


@on("pull_request_review")
def decide_review(payload: Mapping[str, Any], repo: Repo, config: Config) -> Intent:
    action = fields.string(payload, "action")
    state = fields.string(payload, "review", "state").lower()
    if action != "submitted" or state != "approved":
        return Skip(f"review {action}/{state} is not an approval")
    request, why_not = _promotion_request(fields.mapping(payload, "pull_request"), repo)
    if request is None:
        return why_not
    reviewed = fields.string(payload, "review", "commit_id")
    if reviewed != request.head_sha:
        return Skip(
            f"the approval is of {reviewed[:7]}, not of the pull request's head "
            f"{request.head_sha[:7]}: newer commits are not reviewed",
            source=request.source,
            target=request.target,
            sha=request.head_sha,
        )
    if request.draft:
        return _skip_draft(request)
    return FastForward(repo, (request,), signal="review approved")


def _promotion_request(
    pull: Mapping[str, Any], repo: Repo
) -> tuple[PromotionRequest, None] | tuple[None, Skip]:
    """The pull request as a promotion request, or the reason it is not one."""
    source = fields.string(pull, "head", "ref", where="pull_request")
    target = fields.string(pull, "base", "ref", where="pull_request")
    head_sha = fields.string(pull, "head", "sha", where="pull_request")
    number = fields.integer(pull, "number", where="pull_request")
    if not repo.path.is_promotion(source, target):
        return None, Skip(f"#{number} {source}→{target} is not a promotion request")
    if not _same_repository(pull):
        return None, Skip(f"#{number} comes from another repository (a fork)")
    if pull.get("state", "open") != "open":
        return None, Skip(f"#{number} is {pull.get('state')}", source=source, target=target)
    request = PromotionRequest(
        number=number,
        source=source,
        target=target,
        head_sha=head_sha,
        draft=fields.optional_bool(pull, "draft", where="pull_request"),
        base_sha=_optional_sha(pull.get("base")),
        labels=_label_names(pull.get("labels")),
    )
    return request, None


def _label_names(labels: Any) -> tuple[str, ...] | None:
    """The pull request's label names; None when the payload does not list them."""
    if not isinstance(labels, list):
        return None
    return tuple(
        i["name"] for i in labels if isinstance(i, Mapping) and isinstance(i.get("name"), str)
    )


def _same_repository(pull: Mapping[str, Any]) -> bool:
    """A fork's branch may share a stage's name; only the repository's own branches count."""
    head_repo = (pull.get("head") or {}).get("repo")
    base_repo = (pull.get("base") or {}).get("repo")
    if not isinstance(head_repo, Mapping) or not isinstance(base_repo, Mapping):
        return head_repo is None and base_repo is None  # shapes that omit both say nothing
    return head_repo.get("id") == base_repo.get("id")


def _optional_sha(side: Any) -> str | None:
    if isinstance(side, Mapping) and isinstance(side.get("sha"), str):
        return side["sha"]
    return None


def _skip_draft(request: PromotionRequest) -> Skip:
    return Skip(
        f"#{request.number} is a draft: it waits for ready for review",
        source=request.source,
        target=request.target,
        sha=request.head_sha,
    )


@on("check_suite")
def decide_check_suite(payload: Mapping[str, Any], repo: Repo, config: Config) -> Intent:
    return _decide_run(payload, "check_suite", repo)


@on("workflow_run")
def decide_workflow_run(payload: Mapping[str, Any], repo: Repo, config: Config) -> Intent:
    return _decide_run(payload, "workflow_run", repo)


def _decide_run(payload: Mapping[str, Any], kind: str, repo: Repo) -> Intent:
    """check_suite and workflow_run share a shape: head_sha, head_branch, pull_requests."""
    action = fields.string(payload, "action")
    conclusion = fields.optional_string(payload, kind, "conclusion")
    if action != "completed" or conclusion != "success":
        return Skip(f"{kind} {action}/{conclusion} is not a success")
    head_sha = fields.string(payload, kind, "head_sha")
    signal = f"{kind.replace('_', ' ')} success"
    app_id = _suite_app_id(payload, kind)
    listed = fields.sequence(payload, kind, "pull_requests")
    if not listed:
        branch = fields.optional_string(payload, kind, "head_branch") or ""
        return _by_sha(repo, head_sha, (branch,), signal, app_id)
    requests = []
    for pull in listed:
        if not isinstance(pull, Mapping):
            continue
        request, _ = _promotion_request(pull, repo)
        if request is not None and request.head_sha == head_sha:
            requests.append(request._replace(draft=None))  # the payload does not say
    if not requests:
        return Skip(f"no promotion request among the {kind}'s pull requests", sha=head_sha)
    return FastForward(repo, tuple(requests), signal=signal, app_id=app_id)


def _suite_app_id(payload: Mapping[str, Any], kind: str) -> int | None:
    """The App that owns a check suite: gh-promotion's own suite (its feedback check
    runs) completing is no signal, and :mod:`gh_promotion.core.handler` drops it."""
    if kind != "check_suite":
        return None
    app = fields.mapping(payload, kind).get("app")
    if not isinstance(app, Mapping):
        return None
    return fields.integer(app, "id", where="check_suite.app")


@on("deployment_status")
def decide_deployment_status(payload: Mapping[str, Any], repo: Repo, config: Config) -> Intent:
    state = fields.string(payload, "deployment_status", "state")
    if state != "success":
        return Skip(f"deployment status {state} is not a success")
    ref = branch_name(fields.string(payload, "deployment", "ref"))
    sha = fields.string(payload, "deployment", "sha")
    return _by_sha(repo, sha, (ref,), "deployment success")


@on("status")
def decide_status(payload: Mapping[str, Any], repo: Repo, config: Config) -> Intent:
    state = fields.string(payload, "state")
    if state != "success":
        return Skip(f"commit status {state} is not a success")
    sha = fields.string(payload, "sha")
    context = fields.optional_string(payload, "context") or ""
    if context in _own_status_contexts(repo, config):
        return Skip(f"status {context} is gh-promotion's own feedback, not a signal", sha=sha)
    branches = fields.sequence(payload, "branches")
    at_sha = tuple(
        b["name"]
        for b in branches
        if isinstance(b, Mapping)
        and isinstance(b.get("name"), str)
        and isinstance(b.get("commit"), Mapping)
        and b["commit"].get("sha") == sha
    )
    # GitHub lists at most 10 branches: a full list may leave out the stage we need.
    if len(branches) >= 10:
        at_sha = ()
    elif branches and not at_sha:
        return Skip("no branch has this commit at its head", sha=sha)
    return _by_sha(repo, sha, at_sha, f"status {context}")


def _own_status_contexts(repo: Repo, config: Config) -> set[str]:
    """The contexts gh-promotion's own commit statuses carry in this repository.

    Its "promoted" status is a success on the very commit the next promotion
    request starts from: taken for a signal, one approval would carry the
    commit through every stage.
    """
    template = config.promotion.feedback.commit_status.context
    stages = repo.path.stages
    pairs = list(itertools.pairwise(stages))
    pairs.append((config.promotion.rollback.prefix + repo.path.last, repo.path.last))
    return {name_for(template, source, target) for source, target in pairs}


def _by_sha(
    repo: Repo, sha: str, branches: tuple[str, ...], signal: str, app_id: int | None = None
) -> Intent:
    """Promote the open requests whose head is ``sha``; ``branches`` narrow the search."""
    known = tuple(b for b in branches if b)
    sources = tuple(b for b in known if repo.path.next_stage(b) is not None)
    if known and not sources:
        return Skip(f"{', '.join(known)} is not a stage with a next stage", sha=sha)
    return FastForwardSha(repo, sha, sources, signal, app_id)
