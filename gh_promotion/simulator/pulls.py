"""Pull requests: open, edit, mark ready, review — with GitHub's validations and events.

Following branches (synchronize, merged when the base contains the head) happens in
`World.move_branch`, because any ref move can cause it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gh_promotion.simulator import clock, views
from gh_promotion.simulator.errors import (
    ApiError,
    invalid_field,
    missing_field,
    validation_failed,
)
from gh_promotion.simulator.model import Actor, PullRequest, Repository, Review, next_id

if TYPE_CHECKING:
    from gh_promotion.simulator.world import World


def create(
    world: World,
    repo: Repository,
    head: str,
    base: str,
    title: str | None,
    body: str | None,
    draft: bool,
    who: Actor,
) -> PullRequest:
    """Open a pull request with GitHub's validations, in GitHub's order."""
    if not isinstance(title, str) or not title:
        raise missing_field("PullRequest", "title")
    head_branch = head.split(":", 1)[1] if ":" in head else head
    head_owner = head.split(":", 1)[0] if ":" in head else repo.owner
    with world.lock:
        if not isinstance(base, str) or base not in repo.branches:
            raise invalid_field("PullRequest", "base")
        if head_owner.lower() != repo.owner.lower() or head_branch not in repo.branches:
            raise invalid_field("PullRequest", "head")
        for pr in repo.pulls.values():
            if pr.state == "open" and pr.head_ref == head_branch and pr.base_ref == base:
                raise validation_failed(
                    "PullRequest",
                    f"A pull request already exists for {repo.owner}:{head_branch}.",
                )
        head_sha, base_sha = repo.branches[head_branch], repo.branches[base]
        if repo.git.is_ancestor(head_sha, base_sha):
            raise validation_failed("PullRequest", f"No commits between {base} and {head_branch}")
        pr = PullRequest(
            id=next_id(),
            number=repo.next_number(),
            title=title,
            body=body,
            login=who.login,
            head_ref=head_branch,
            base_ref=base,
            head_sha=head_sha,
            base_sha=base_sha,
            draft=bool(draft),
        )
        repo.pulls[pr.number] = pr
        world.pull_event(repo, pr, "opened", who)
        return pr


def update(
    world: World, repo: Repository, pr: PullRequest, changes: dict[str, Any], who: Actor
) -> None:
    """`PATCH /pulls/{n}`: title, body, base, state (closing does not merge)."""
    with world.lock:
        if "state" in changes and changes["state"] not in ("open", "closed"):
            raise invalid_field("PullRequest", "state")
        if "base" in changes and changes["base"] not in repo.branches:
            raise invalid_field("PullRequest", "base")
        if pr.merged and changes.get("state") == "open":
            raise validation_failed("PullRequest", "Cannot reopen a merged pull request", "state")
        for key in ("title", "body"):
            if key in changes:
                setattr(pr, key, changes[key])
        if "base" in changes:
            pr.base_ref = changes["base"]
        pr.updated_at = clock.now()
        if changes.get("state") == "closed" and pr.state == "open":
            world.close_pull(repo, pr, who, merged=False)
        elif changes.get("state") == "open" and pr.state == "closed":
            if pr.head_ref not in repo.branches:
                raise validation_failed("PullRequest", "Head branch was deleted", "state")
            pr.state, pr.closed_at, pr.head_sha = "open", None, repo.branches[pr.head_ref]
            world.pull_event(repo, pr, "reopened", who)


def mark_ready_for_review(world: World, repo: Repository, pr: PullRequest, who: Actor) -> None:
    with world.lock:
        if pr.draft:
            pr.draft = False
            pr.updated_at = clock.now()
            world.pull_event(repo, pr, "ready_for_review", who)


def submit_review(
    world: World,
    repo: Repository,
    pr: PullRequest,
    event: str,
    commit_id: str | None,
    body: str,
    who: Actor,
) -> Review:
    """A review; GitHub refuses approving your own pull request and closed ones."""
    states = {
        "APPROVE": "APPROVED",
        "REQUEST_CHANGES": "CHANGES_REQUESTED",
        "COMMENT": "COMMENTED",
    }
    if event not in states:
        raise ApiError(422, "Unprocessable Entity", errors=["Invalid event"])
    with world.lock:
        if pr.state != "open":
            raise ApiError(
                422, "Unprocessable Entity", errors=["Can not review a closed pull request"]
            )
        if event == "APPROVE" and who.login == pr.login:
            raise ApiError(
                422, "Unprocessable Entity", errors=["Can not approve your own pull request"]
            )
        if event in ("REQUEST_CHANGES", "COMMENT") and not body:
            raise ApiError(
                422,
                "Unprocessable Entity",
                errors=[f"Review Can not {event.lower()} without a body"],
            )
        sha = commit_id or pr.head_sha
        if repo.git.resolve(sha) is None:
            raise ApiError(
                422,
                "Unprocessable Entity",
                errors=["Commit id is not part of the pull request"],
            )
        item = Review(next_id(), who.login, states[event], sha, body, clock.now())
        pr.reviews.append(item)
        payload = {
            "action": "submitted",
            "review": views.review(world.base, repo, pr, item),
            "pull_request": views.pull_request_simple(
                world.base, repo, pr, world.base_sha(repo, pr)
            ),
        }
        world.emit_event("pull_request_review", repo, who, payload)
        return item


def latest_reviews(pr: PullRequest) -> list[Review]:
    """Each reviewer's latest approving/blocking review, as GitHub counts approvals."""
    latest: dict[str, Review] = {}
    for item in pr.reviews:
        if item.state != "COMMENTED":
            latest[item.login] = item
    return list(latest.values())
