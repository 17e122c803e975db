"""Commit status and check run routes."""

from __future__ import annotations

from flask import Blueprint, request

from gh_promotion.simulator import checks, statuses, views
from gh_promotion.simulator.api import (
    body,
    caller,
    json_response,
    link_header,
    page_params,
    paginated,
    repo_for_caller,
    services,
)
from gh_promotion.simulator.errors import ApiError

blueprint = Blueprint("status_routes", __name__)
REPO = "/repos/<owner>/<name>"


@blueprint.post(f"{REPO}/statuses/<sha>")
def create_status(owner: str, name: str, sha: str):
    repo = repo_for_caller(owner, name)
    data = body()
    world = services().world
    item = statuses.create(
        world,
        repo,
        sha,
        state=data.get("state"),
        context=data.get("context"),
        description=data.get("description"),
        target_url=data.get("target_url"),
        who=caller().actor,
    )
    return json_response(views.status(world.base, repo, item), 201)


def _sha(owner: str, name: str, ref: str):
    repo = repo_for_caller(owner, name)
    sha = services().world.resolve_commit(repo, ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return repo, sha


@blueprint.get(f"{REPO}/statuses/<ref>")
@blueprint.get(f"{REPO}/commits/<path:ref>/statuses")
def list_statuses(owner: str, name: str, ref: str):
    world = services().world
    with world.lock:
        repo, sha = _sha(owner, name, ref)
        items = [views.status(world.base, repo, s) for s in repo.statuses.get(sha, [])]
    return paginated(items)


@blueprint.get(f"{REPO}/commits/<path:ref>/status")
def combined_status(owner: str, name: str, ref: str):
    world = services().world
    with world.lock:
        repo, sha = _sha(owner, name, ref)
        return json_response(statuses.combined(world, repo, sha))


@blueprint.get(f"{REPO}/commits/<path:ref>/check-runs")
def commit_check_runs(owner: str, name: str, ref: str):
    world = services().world
    with world.lock:
        repo, sha = _sha(owner, name, ref)
        runs = checks.for_commit(
            world, repo, sha, request.args.get("check_name"), request.args.get("status")
        )
    if request.args.get("filter", "latest") == "latest":
        runs = _latest_per_name(runs)
    page, per_page = page_params()
    start = (page - 1) * per_page
    return json_response(
        {"total_count": len(runs), "check_runs": runs[start : start + per_page]},
        headers=link_header(page, per_page, len(runs)),
    )


def _latest_per_name(runs: list[dict]) -> list[dict]:
    """GitHub's default `filter=latest`: the most recent run of each name (per App)."""
    seen: set[tuple[str, object]] = set()
    latest = []
    for run in runs:  # newest first
        key = (run["name"], (run.get("app") or {}).get("id"))
        if key not in seen:
            seen.add(key)
            latest.append(run)
    return latest


@blueprint.post(f"{REPO}/check-runs")
def create_check_run(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    return json_response(checks.create(services().world, repo, body(), caller()), 201)


@blueprint.get(f"{REPO}/check-runs/<int:run_id>")
def get_check_run(owner: str, name: str, run_id: int):
    repo = repo_for_caller(owner, name)
    return json_response(checks.get(services().world, repo, run_id))


@blueprint.patch(f"{REPO}/check-runs/<int:run_id>")
def update_check_run(owner: str, name: str, run_id: int):
    repo = repo_for_caller(owner, name)
    return json_response(checks.update(services().world, repo, run_id, body(), caller()))
