"""Issue, label and repository activity routes (what the gates of docs/gates.md read and write)."""

from __future__ import annotations

from flask import Blueprint, request

from gh_promotion.simulator import issues
from gh_promotion.simulator.api import (
    body,
    caller,
    json_response,
    paginated,
    repo_for_caller,
    services,
)
from gh_promotion.simulator.errors import ApiError, invalid_field
from gh_promotion.simulator.model import Issue

blueprint = Blueprint("issue_routes", __name__)
ISSUES = "/repos/<owner>/<name>/issues"
_ACTIVITY_TYPES = ("push", "force_push", "branch_creation", "branch_deletion", "pr_merge")


@blueprint.get(ISSUES)
def list_issues(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        found = issues.listed(repo, request.args.get("state", "open"), request.args.get("labels"))
        items = [issues.view(world.base, repo, item) for item in found]
    return paginated(items)


@blueprint.post(ISSUES)
def create_issue(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    data = body()
    world = services().world
    with world.lock:
        issue = issues.create(
            repo, data.get("title"), data.get("body"), data.get("labels"), caller().actor
        )
        return json_response(issues.view(world.base, repo, issue), 201)


@blueprint.get(f"{ISSUES}/<int:number>")
def get_issue(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        return json_response(issues.view(world.base, repo, issues.find(repo, number)))


@blueprint.patch(f"{ISSUES}/<int:number>")
def update_issue(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    data = body()
    world = services().world
    with world.lock:
        item = issues.find(repo, number)
        if not isinstance(item, Issue):
            raise ApiError(422, "Use the pull request endpoints to change a pull request")
        issues.update(repo, item, data, caller().actor)
        return json_response(issues.view(world.base, repo, item))


@blueprint.post(f"{ISSUES}/<int:number>/labels")
def add_labels(owner: str, name: str, number: int):
    repo = repo_for_caller(owner, name)
    data = body()
    world = services().world
    with world.lock:
        item = issues.find(repo, number)
        issues.add_labels(item, data.get("labels"))
        return json_response(issues.view(world.base, repo, item)["labels"])


@blueprint.get("/repos/<owner>/<name>/activity")
def list_activity(owner: str, name: str):
    """Newest first (``direction=asc`` for oldest first), filtered by ``ref`` and type."""
    repo = repo_for_caller(owner, name)
    ref = request.args.get("ref")
    kind = request.args.get("activity_type")
    if kind is not None and kind not in _ACTIVITY_TYPES:
        raise invalid_field("Activity", "activity_type")
    if ref and not ref.startswith("refs/"):
        ref = f"refs/heads/{ref}"
    world = services().world
    with world.lock:
        entries = [
            e
            for e in repo.activity
            if (not ref or e.ref == ref) and (kind is None or e.activity_type == kind)
        ]
        if request.args.get("direction", "desc") != "asc":
            entries.reverse()
        items = [issues.activity_view(world.base, e) for e in entries]
    return paginated(items)
