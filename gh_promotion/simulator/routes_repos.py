"""Repository, ref, branch, commit and compare routes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from gh_promotion.simulator import views
from gh_promotion.simulator.api import (
    body,
    caller,
    json_response,
    link_header,
    page_params,
    repo_for_caller,
    services,
)
from gh_promotion.simulator.errors import ApiError, not_found
from gh_promotion.simulator.model import Repository

blueprint = Blueprint("repo_routes", __name__)
REPO = "/repos/<owner>/<name>"


@blueprint.get(REPO)
def get_repository(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    with services().world.lock:
        return json_response(views.rest_repository(services().world.base, repo))


@blueprint.get(f"{REPO}/properties/values")
def custom_property_values(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    values = [{"property_name": k, "value": v} for k, v in repo.custom_properties.items()]
    return json_response(values)


def _branch_of(ref: str) -> str:
    """`heads/x` → `x`; any other namespace is not served (tags are not simulated)."""
    if not ref.startswith("heads/") or len(ref) <= len("heads/"):
        raise not_found()
    return ref[len("heads/") :]


@blueprint.get(f"{REPO}/git/ref/<path:ref>")
def get_ref(owner: str, name: str, ref: str):
    repo = repo_for_caller(owner, name)
    branch = _branch_of(ref)
    with services().world.lock:
        sha = repo.branches.get(branch)
        if sha is None:
            raise not_found()
        return json_response(views.ref(services().world.base, repo, branch, sha))


@blueprint.get(f"{REPO}/git/matching-refs/<path:ref>")
@blueprint.get(f"{REPO}/git/matching-refs/heads", defaults={"ref": "heads/"})
def matching_refs(owner: str, name: str, ref: str):
    repo = repo_for_caller(owner, name)
    if not ref.startswith("heads/") and ref != "heads":
        return json_response([])
    prefix = ref[len("heads/") :]
    with services().world.lock:
        found = sorted((b, s) for b, s in repo.branches.items() if b.startswith(prefix))
        return json_response([views.ref(services().world.base, repo, b, s) for b, s in found])


@blueprint.post(f"{REPO}/git/refs")
def create_ref(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    data = body()
    if "ref" not in data or "sha" not in data:
        raise ApiError(422, 'Invalid request.\n\n"ref", "sha" weren\'t supplied.')
    world = services().world
    with world.lock:
        branch = world.create_ref(repo, data["ref"], data["sha"], caller().actor)
        return json_response(views.ref(world.base, repo, branch, repo.branches[branch]), 201)


@blueprint.patch(f"{REPO}/git/refs/<path:ref>")
def update_ref(owner: str, name: str, ref: str):
    repo = repo_for_caller(owner, name)
    branch = _branch_of(ref)
    data = body()
    if "sha" not in data:
        raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    force = data.get("force", False)
    if not isinstance(force, bool):
        raise ApiError(422, "Invalid request.\n\nFor 'properties/force', is not a boolean.")
    world = services().world
    with world.lock:
        world.update_ref(repo, branch, data["sha"], force, caller().actor)
        return json_response(views.ref(world.base, repo, branch, repo.branches[branch]))


@blueprint.delete(f"{REPO}/git/refs/<path:ref>")
def delete_ref(owner: str, name: str, ref: str):
    repo = repo_for_caller(owner, name)
    services().world.delete_ref(repo, _branch_of(ref), caller().actor)
    return json_response(None, 204)


def _branch_json(repo: Repository, branch: str, sha: str) -> dict[str, Any]:
    world = services().world
    api = f"{world.base}/repos/{repo.full_name}"
    rule = repo.protections.get(branch)
    return {
        "name": branch,
        "commit": views.commit(world.base, repo, repo.git.info(sha)),
        "_links": {
            "self": f"{api}/branches/{branch}",
            "html": f"{world.base}/{repo.full_name}/tree/{branch}",
        },
        "protected": rule is not None,
        "protection": {
            "enabled": rule is not None,
            "required_status_checks": {
                "enforcement_level": "everyone" if rule and rule.required_contexts else "off",
                "contexts": list(rule.required_contexts) if rule else [],
                "checks": [
                    {"context": c, "app_id": None} for c in (rule.required_contexts if rule else ())
                ],
            },
        },
        "protection_url": f"{api}/branches/{branch}/protection",
    }


@blueprint.get(f"{REPO}/branches/<path:branch>")
def get_branch(owner: str, name: str, branch: str):
    repo = repo_for_caller(owner, name)
    with services().world.lock:
        sha = repo.branches.get(branch)
        if sha is None:
            raise ApiError(404, "Branch not found")
        return json_response(_branch_json(repo, branch, sha))


@blueprint.get(f"{REPO}/commits")
def list_commits(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    world = services().world
    page, per_page = page_params()
    with world.lock:
        if not repo.branches:
            raise ApiError(409, "Git Repository is empty.")
        wanted = request.args.get("sha") or repo.default_branch
        head = world.resolve_commit(repo, wanted)
        if head is None:
            raise ApiError(404, "Not Found")
        infos = repo.git.log(head, (page - 1) * per_page, per_page)
        total = repo.git.count(head)
        data = [views.commit(world.base, repo, info) for info in infos]
    return json_response(data, headers=link_header(page, per_page, total))


def _commit_or_422(repo: Repository, ref: str) -> str:
    sha = services().world.resolve_commit(repo, ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return sha


@blueprint.get(f"{REPO}/commits/<path:ref>")
def get_commit(owner: str, name: str, ref: str):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        sha = _commit_or_422(repo, ref)
        data = views.commit(world.base, repo, repo.git.info(sha))
    data["stats"] = {"total": 0, "additions": 0, "deletions": 0}
    data["files"] = []
    return json_response(data)


def _compare_status(ahead: int, behind: int) -> str:
    if ahead == 0 and behind == 0:
        return "identical"
    if behind == 0:
        return "ahead"
    if ahead == 0:
        return "behind"
    return "diverged"


@blueprint.get(f"{REPO}/compare/<path:spec>")
def compare(owner: str, name: str, spec: str):
    repo = repo_for_caller(owner, name)
    base_name, sep, head_name = spec.partition("...")
    if not sep:
        base_name, sep, head_name = spec.partition("..")
    if not sep or not base_name or not head_name:
        raise not_found()
    world = services().world
    page, per_page = page_params(default=250, maximum=1000)
    with world.lock:
        base_sha = world.resolve_commit(repo, base_name.split(":", 1)[-1])
        head_sha = world.resolve_commit(repo, head_name.split(":", 1)[-1])
        if base_sha is None or head_sha is None:
            raise not_found()
        merge_base = repo.git.merge_base(base_sha, head_sha)
        if merge_base is None:
            raise ApiError(404, f"No common ancestor between {base_name} and {head_name}.")
        ahead, behind = repo.git.ahead_behind(base_sha, head_sha)
        commits = repo.git.range_commits(base_sha, head_sha) if ahead else []
        start = (page - 1) * per_page
        page_commits = [
            views.commit(world.base, repo, c) for c in commits[start : start + per_page]
        ]
        html = f"{world.base}/{repo.full_name}/compare/{spec}"
        data = {
            "url": f"{world.base}/repos/{repo.full_name}/compare/{spec}",
            "html_url": html,
            "permalink_url": f"{world.base}/{repo.full_name}/compare/{base_sha}...{head_sha}",
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "base_commit": views.commit(world.base, repo, repo.git.info(base_sha)),
            "merge_base_commit": views.commit(world.base, repo, repo.git.info(merge_base)),
            "status": _compare_status(ahead, behind),
            "ahead_by": ahead,
            "behind_by": behind,
            "total_commits": ahead,
            "commits": page_commits,
            "files": [],
        }
    return json_response(data, headers=link_header(page, per_page, ahead))
