"""The reads a sweep makes that no delivery needs: an installation's repositories, the
branch list, workflow runs by head sha, deployments and their statuses.

Shapes and filters are GitHub's (https://docs.github.com/en/rest/apps/installations,
.../branches/branches, .../actions/workflow-runs, .../deployments/deployments,
.../deployments/statuses); every list is paginated with a `Link` header.
"""

from __future__ import annotations

from flask import Blueprint, request

from gh_promotion.simulator import views
from gh_promotion.simulator.api import (
    caller,
    json_response,
    link_header,
    page_params,
    paginated,
    repo_for_caller,
    services,
)
from gh_promotion.simulator.errors import ApiError, not_found

blueprint = Blueprint("read_routes", __name__)
REPO = "/repos/<owner>/<name>"


@blueprint.get("/installation/repositories")
def installation_repositories():
    """The repositories an installation token may reach (all of its owner's, here)."""
    who = caller()
    if who.kind != "installation" or who.installation is None:
        raise ApiError(403, "This endpoint can only be accessed with an installation token")
    world = services().world
    owner = who.installation.owner.lower()
    with world.lock:
        repos = sorted(
            (r for r in world.repos.values() if r.owner.lower() == owner),
            key=lambda r: r.full_name.lower(),
        )
        items = [views.rest_repository(world.base, r) for r in repos]
    page, per_page = page_params()
    start = (page - 1) * per_page
    return json_response(
        {
            "total_count": len(items),
            "repository_selection": "all",
            "repositories": items[start : start + per_page],
        },
        headers=link_header(page, per_page, len(items)),
    )


@blueprint.get(f"{REPO}/branches")
def list_branches(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    world = services().world
    api = f"{world.base}/repos/{repo.full_name}"
    with world.lock:
        items = [
            {
                "name": branch,
                "commit": {"sha": sha, "url": f"{api}/commits/{sha}"},
                "protected": branch in repo.protections,
            }
            for branch, sha in sorted(repo.branches.items())
        ]
    return paginated(items)


@blueprint.get(f"{REPO}/actions/runs")
def list_workflow_runs(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    head_sha = request.args.get("head_sha")
    with services().world.lock:
        runs = [r for r in repo.workflow_runs if head_sha is None or r["head_sha"] == head_sha]
    page, per_page = page_params()
    start = (page - 1) * per_page
    return json_response(
        {"total_count": len(runs), "workflow_runs": runs[start : start + per_page]},
        headers=link_header(page, per_page, len(runs)),
    )


@blueprint.get(f"{REPO}/deployments")
def list_deployments(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    filters = {k: request.args.get(k) for k in ("sha", "ref", "task", "environment")}
    with services().world.lock:
        found = [
            d
            for d in repo.deployments
            if all(value is None or d.get(key) == value for key, value in filters.items())
        ]
    return paginated(found)


@blueprint.get(f"{REPO}/deployments/<int:deployment_id>/statuses")
def list_deployment_statuses(owner: str, name: str, deployment_id: int):
    repo = repo_for_caller(owner, name)
    with services().world.lock:
        if not any(d["id"] == deployment_id for d in repo.deployments):
            raise not_found()
        statuses = list(repo.deployment_statuses.get(deployment_id, []))
    return paginated(statuses)
