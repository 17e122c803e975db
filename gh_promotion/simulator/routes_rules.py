"""Rulesets, the rules on a branch, and the admin-only view of branch protection.

What any reader may see — `GET /rules/branches/{branch}`, `GET /rulesets` — is served to
every caller that can read the repository; `POST`/`DELETE /rulesets` and
`GET /branches/{branch}/protection` need an admin, as on GitHub: an App (GitHub Apps get
no Administration permission here) is answered 403 "Resource not accessible by
integration", a person without the admin role 404 "Not Found".
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from gh_promotion.simulator import rulesets
from gh_promotion.simulator.api import (
    body,
    caller,
    json_response,
    paginated,
    repo_for_caller,
    services,
)
from gh_promotion.simulator.errors import ApiError, not_found
from gh_promotion.simulator.model import Protection, Repository

blueprint = Blueprint("rules_routes", __name__)
REPO = "/repos/<owner>/<name>"
PROTECTION_DOCS = "https://docs.github.com/rest/branches/branch-protection#get-branch-protection"


def _admin_repo(owner: str, name: str) -> Repository:
    repo = repo_for_caller(owner, name)
    who = caller()
    if who.kind == "installation":
        raise ApiError(403, "Resource not accessible by integration")
    if not who.admin:
        raise not_found()
    return repo


@blueprint.get(f"{REPO}/rules/branches/<path:branch>")
def rules_for_branch(owner: str, name: str, branch: str):
    repo = repo_for_caller(owner, name)
    with services().world.lock:
        return paginated(rulesets.branch_rules(repo, branch))


@blueprint.get(f"{REPO}/rulesets")
def list_rulesets(owner: str, name: str):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        found = [rulesets.view(world.base, repo, r, full=False) for r in repo.rulesets.values()]
    return paginated(found)


@blueprint.get(f"{REPO}/rulesets/<int:ruleset_id>")
def get_ruleset(owner: str, name: str, ruleset_id: int):
    repo = repo_for_caller(owner, name)
    world = services().world
    with world.lock:
        ruleset = repo.rulesets.get(ruleset_id)
        if ruleset is None:
            raise not_found()
        return json_response(rulesets.view(world.base, repo, ruleset, full=True))


@blueprint.post(f"{REPO}/rulesets")
def create_ruleset(owner: str, name: str):
    repo = _admin_repo(owner, name)
    world = services().world
    data = body()
    with world.lock:
        ruleset = rulesets.create(repo, data)
        return json_response(rulesets.view(world.base, repo, ruleset, full=True), 201)


@blueprint.delete(f"{REPO}/rulesets/<int:ruleset_id>")
def delete_ruleset(owner: str, name: str, ruleset_id: int):
    repo = _admin_repo(owner, name)
    with services().world.lock:
        if repo.rulesets.pop(ruleset_id, None) is None:
            raise not_found()
    return json_response(None, 204)


@blueprint.get(f"{REPO}/branches/<path:branch>/protection")
def get_protection(owner: str, name: str, branch: str):
    repo = _admin_repo(owner, name)
    world = services().world
    with world.lock:
        if branch not in repo.branches:
            raise ApiError(404, "Branch not found")
        rule = repo.protections.get(branch)
        if rule is None:
            raise ApiError(404, "Branch not protected", documentation_url=PROTECTION_DOCS)
        url = f"{world.base}/repos/{repo.full_name}/branches/{branch}/protection"
        return json_response(_protection_json(url, rule))


def _protection_json(url: str, rule: Protection) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": url,
        "required_status_checks": {
            "url": f"{url}/required_status_checks",
            "strict": False,
            "contexts": list(rule.required_contexts),
            "contexts_url": f"{url}/required_status_checks/contexts",
            "checks": [{"context": c, "app_id": None} for c in rule.required_contexts],
        },
        "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": False},
        "required_linear_history": {"enabled": False},
        "allow_force_pushes": {"enabled": rule.allow_force_pushes},
        "allow_deletions": {"enabled": False},
    }
    if rule.required_approving_reviews:
        data["required_pull_request_reviews"] = {
            "url": f"{url}/required_pull_request_reviews",
            "dismiss_stale_reviews": False,
            "require_code_owner_reviews": False,
            "require_last_push_approval": False,
            "required_approving_review_count": rule.required_approving_reviews,
        }
    return data
