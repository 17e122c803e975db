"""Pull request routes: list, get, create, update, commits, reviews."""

from __future__ import annotations

from flask import Blueprint, request

from gh_promotion.simulator import pulls, views
from gh_promotion.simulator.api import (
    body,
    caller,
    json_response,
    paginated,
    repo_for_caller,
    services,
)
from gh_promotion.simulator.errors import invalid_field, missing_field
from gh_promotion.simulator.model import PullRequest, Repository

blueprint = Blueprint("pull_routes", __name__)
PULLS = "/repos/<owner>/<name>/pulls"
# GitHub's sort keys for listing pull requests; comments are not modelled, so
# popularity and long-running fall back to creation order.
SORTS = {
    "created": lambda pr: (pr.created_at, pr.number),
    "updated": lambda pr: (pr.updated_at, pr.number),
    "popularity": lambda pr: (pr.created_at, pr.number),
    "long-running": lambda pr: (pr.created_at, pr.number),
}


def _matches(
    repo: Repository, pr: PullRequest, state: str, head: str | None, base: str | None
) -> bool:
    """GitHub's filters: `head` only filters in its `owner:branch` form, as documented."""
    if state != "all" and pr.state != state:
        return False
    if base and pr.base_ref != base:
        return False
    if head and ":" in head:
        owner, branch = head.split(":", 1)
        return owner.lower() == repo.owner.lower() and pr.head_ref == branch
    return True


@blueprint.get(PULLS)
def list_pulls(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    state = request.args.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise invalid_field("PullRequest", "state")
    sort = request.args.get("sort", "created")
    if sort not in SORTS:
        raise invalid_field("PullRequest", "sort")
    direction = request.args.get("direction", "desc")
    if direction not in ("asc", "desc"):
        raise invalid_field("PullRequest", "direction")
    world = services().world
    with world.lock:
        pulls = [
            pr
            for pr in repo.pulls.values()
            if _matches(repo, pr, state, request.args.get("head"), request.args.get("base"))
        ]
        pulls.sort(key=SORTS[sort], reverse=direction != "asc")
        items = [
            views.pull_request_simple(world.base, repo, pr, world.base_sha(repo, pr))
            for pr in pulls
        ]
    return paginated(items)


@blueprint.post(PULLS)
def create_pull(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    data = body()
    for key in ("head", "base"):
        if not isinstance(data.get(key), str):
            raise missing_field("PullRequest", key)
    world = services().world
    with world.lock:
        pr = pulls.create(
            world,
            repo,
            head=data["head"],
            base=data["base"],
            title=data.get("title"),
            body=data.get("body"),
            draft=bool(data.get("draft", False)),
            who=caller().actor,
        )
        return json_response(world.pull_json(repo, pr), 201)


@blueprint.get(f"{PULLS}/<int:number>")
def get_pull(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        return json_response(world.pull_json(repo, world.pull(repo, number)))


@blueprint.patch(f"{PULLS}/<int:number>")
def update_pull(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    changes = {k: v for k, v in body().items() if k in ("title", "body", "state", "base")}
    world = services().world
    with world.lock:
        pr = world.pull(repo, number)
        pulls.update(world, repo, pr, changes, caller().actor)
        return json_response(world.pull_json(repo, pr))


@blueprint.get(f"{PULLS}/<int:number>/commits")
def pull_commits(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        pr = world.pull(repo, number)
        base_sha = world.base_sha(repo, pr)
        infos = repo.git.range_commits(base_sha, pr.head_sha) if base_sha != pr.head_sha else []
        items = [views.commit(world.base, repo, info) for info in infos[:250]]
    return paginated(items)


@blueprint.get(f"{PULLS}/<int:number>/reviews")
def list_reviews(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        pr = world.pull(repo, number)
        items = [views.review(world.base, repo, pr, r) for r in pr.reviews]
    return paginated(items)


@blueprint.post(f"{PULLS}/<int:number>/reviews")
def create_review(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    data = body()
    world = services().world
    with world.lock:
        pr = world.pull(repo, number)
        item = pulls.submit_review(
            world,
            repo,
            pr,
            event=str(data.get("event", "")),
            commit_id=data.get("commit_id"),
            body=str(data.get("body") or ""),
            who=caller().actor,
        )
        return json_response(views.review(world.base, repo, pr, item))
