"""Commit statuses: create (with GitHub's validations), list, combine; the status event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gh_promotion.simulator import views
from gh_promotion.simulator.errors import validation_failed
from gh_promotion.simulator.model import Actor, CommitStatus, Repository, next_id

if TYPE_CHECKING:
    from gh_promotion.simulator.world import World

STATUS_STATES = ("error", "failure", "pending", "success")


def create(
    world: World,
    repo: Repository,
    sha: str,
    state: object,
    context: object,
    description: object,
    target_url: object,
    who: Actor,
) -> CommitStatus:
    """`POST /statuses/{sha}` with GitHub's validations, then a status event."""
    full = repo.git.resolve(sha) if isinstance(sha, str) and len(sha) == 40 else None
    if full is None:
        raise validation_failed("Status", f"No commit found for SHA: {sha}", "sha")
    if state not in STATUS_STATES:
        raise validation_failed("Status", "state is not included in the list", "state")
    if description is not None and (not isinstance(description, str) or len(description) > 140):
        raise validation_failed(
            "Status", "description is too long (maximum is 140 characters)", "description"
        )
    context = context or "default"
    with world.lock:
        item = CommitStatus(
            next_id(),
            full,
            str(state),
            str(context),
            description,
            target_url,
            who.login,  # type: ignore[arg-type]
        )
        repo.statuses.setdefault(full, []).insert(0, item)
        _emit(world, repo, item, who)
        return item


def _emit(world: World, repo: Repository, item: CommitStatus, who: Actor) -> None:
    info = repo.git.info(item.sha)
    containing = [
        {
            "name": b,
            "commit": {"sha": s, "url": f"{world.base}/repos/{repo.full_name}/commits/{s}"},
            "protected": b in repo.protections,
        }
        for b, s in repo.branches.items()
        if s == item.sha
    ]
    payload = {
        "id": item.id,
        "sha": item.sha,
        "name": repo.full_name,
        "target_url": item.target_url,
        "avatar_url": None,
        "context": item.context,
        "description": item.description,
        "state": item.state,
        "commit": views.commit(world.base, repo, info),
        "branches": containing,
        "created_at": views.iso(item.created_at),
        "updated_at": views.iso(item.created_at),
    }
    world.emit_event("status", repo, who, payload)


def combined(world: World, repo: Repository, sha: str) -> dict[str, Any]:
    """The latest status per context and their combined state, as GitHub computes it."""
    latest: dict[str, CommitStatus] = {}
    for item in repo.statuses.get(sha, []):
        latest.setdefault(item.context, item)
    states = {s.state for s in latest.values()}
    if states & {"error", "failure"}:
        state = "failure"
    elif not states or "pending" in states:
        state = "pending"
    else:
        state = "success"
    api = f"{world.base}/repos/{repo.full_name}"
    return {
        "state": state,
        "statuses": [views.status(world.base, repo, s) for s in latest.values()],
        "sha": sha,
        "total_count": len(latest),
        "repository": views.repository(world.base, repo),
        "commit_url": f"{api}/commits/{sha}",
        "url": f"{api}/commits/{sha}/status",
    }
