"""Repository rulesets: which apply to a branch, what they refuse, and GitHub's words for it.

GitHub refuses a ref update that breaks an active ruleset with 422 "Repository rule
violations found" (GH013) followed by one line per violated rule. Enforced here, as
GitHub enforces them on `PATCH /git/refs` (https://docs.github.com/rest/repos/rules):

- `required_status_checks`: each context succeeded on the new head (status or check run);
- `pull_request`: the new head is the head of an open pull request into the branch with at
  least `required_approving_review_count` approvals of that head — the fast-forward to it is
  accepted as a merge of the request;
- `non_fast_forward`: no forced update; `deletion`: no deletion; `update`: no update at all.

Other rule types are stored and listed (`GET /rules/branches/{branch}`) but not enforced.
A ruleset applies when its `enforcement` is `active` and its `conditions.ref_name` include
the branch (`refs/heads/…` glob patterns, `~DEFAULT_BRANCH`, `~ALL`) and do not exclude it.
An `Integration` bypass actor whose `actor_id` is the calling App's id skips the ruleset.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import Any

from gh_promotion.simulator.errors import ApiError, validation_failed
from gh_promotion.simulator.model import Actor, Repository, Ruleset, iso, next_id

VIOLATIONS = "Repository rule violations found"
REFS_DOCS = "https://docs.github.com/rest/git/refs#update-a-reference"
ENFORCEMENTS = ("active", "evaluate", "disabled")

Succeeded = Callable[[Repository, str, str], bool]
Approvals = Callable[[Repository, str, str], int | None]


def create(repo: Repository, data: dict[str, Any]) -> Ruleset:
    """A ruleset from `POST /repos/{o}/{r}/rulesets`'s body, validated as GitHub does."""
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise validation_failed("Ruleset", "Name can't be blank", "name")
    enforcement = data.get("enforcement")
    if enforcement not in ENFORCEMENTS:
        raise validation_failed("Ruleset", "Enforcement is not included in the list")
    target = data.get("target", "branch")
    if target != "branch":
        raise validation_failed("Ruleset", "Only branch rulesets are simulated", "target")
    ref_name = ((data.get("conditions") or {}).get("ref_name")) or {}
    rules = data.get("rules") or []
    if not isinstance(rules, list) or not all(
        isinstance(r, dict) and isinstance(r.get("type"), str) for r in rules
    ):
        raise validation_failed("Ruleset", "Invalid rules", "rules")
    ruleset = Ruleset(
        id=next_id(),
        name=name,
        enforcement=enforcement,
        include=tuple(ref_name.get("include") or ()),
        exclude=tuple(ref_name.get("exclude") or ()),
        rules=tuple({"type": r["type"], "parameters": r.get("parameters") or {}} for r in rules),
        bypass_actors=tuple(data.get("bypass_actors") or ()),
    )
    repo.rulesets[ruleset.id] = ruleset
    return ruleset


def applies(repo: Repository, ruleset: Ruleset, branch: str) -> bool:
    """An active ruleset whose ref conditions select `branch`."""
    if ruleset.enforcement != "active":
        return False
    return _selects(repo, ruleset.include, branch) and not _selects(repo, ruleset.exclude, branch)


def _selects(repo: Repository, patterns: tuple[str, ...], branch: str) -> bool:
    ref = f"refs/heads/{branch}"
    for pattern in patterns:
        if pattern == "~ALL" or (pattern == "~DEFAULT_BRANCH" and branch == repo.default_branch):
            return True
        if fnmatch.fnmatchcase(ref, pattern):
            return True
    return False


def branch_rules(repo: Repository, branch: str) -> list[dict[str, Any]]:
    """`GET /rules/branches/{branch}`: every rule of every active ruleset on the branch."""
    return [
        {
            "type": rule["type"],
            "ruleset_source_type": "Repository",
            "ruleset_source": repo.full_name,
            "ruleset_id": ruleset.id,
            "parameters": rule["parameters"],
        }
        for ruleset in repo.rulesets.values()
        if applies(repo, ruleset, branch)
        for rule in ruleset.rules
    ]


def enforce(
    repo: Repository,
    branch: str,
    change: str,
    sha: str | None,
    who: Actor,
    succeeded: Succeeded,
    approvals: Approvals,
) -> None:
    """Raise GH013 when a `change` ("update", "force" or "delete") of `branch` to `sha`
    breaks a rule of a ruleset the caller does not bypass."""
    lines: list[str] = []
    for ruleset in repo.rulesets.values():
        if not applies(repo, ruleset, branch) or _bypasses(ruleset, who):
            continue
        for rule in ruleset.rules:
            lines += _violations(repo, branch, change, sha, rule, succeeded, approvals)
    if lines:
        unique = list(dict.fromkeys(lines))
        message = VIOLATIONS + "\n\n" + "".join(f"{line}\n\n" for line in unique)
        raise ApiError(422, message, documentation_url=REFS_DOCS)


def _bypasses(ruleset: Ruleset, who: Actor) -> bool:
    return who.app_id is not None and any(
        actor.get("actor_type") == "Integration" and actor.get("actor_id") == who.app_id
        for actor in ruleset.bypass_actors
    )


def _violations(
    repo: Repository,
    branch: str,
    change: str,
    sha: str | None,
    rule: dict[str, Any],
    succeeded: Succeeded,
    approvals: Approvals,
) -> list[str]:
    kind, parameters = rule["type"], rule["parameters"]
    if kind == "deletion" and change == "delete":
        return ["Cannot delete this branch"]
    if kind == "non_fast_forward" and change == "force":
        return ["Cannot force-push to this branch"]
    if kind == "update" and change != "delete":
        return ["Cannot update this protected ref."]
    if sha is None or change == "delete":
        return []
    if kind == "required_status_checks":
        wanted = [c.get("context", "") for c in parameters.get("required_status_checks") or ()]
        missing = [c for c in wanted if not succeeded(repo, sha, c)]
        if len(missing) == 1:
            return [f'Required status check "{missing[0]}" is expected.']
        if missing:
            return [f"{len(missing)} of {len(wanted)} required status checks are expected."]
    if kind == "pull_request":
        count = int(parameters.get("required_approving_review_count") or 0)
        approved = approvals(repo, sha, branch)
        if approved is None:
            return ["Changes must be made through a pull request."]
        if approved < count:
            noun = "review is" if count == 1 else "reviews are"
            return [f"At least {count} approving {noun} required by reviewers with write access."]
    return []


def view(base: str, repo: Repository, ruleset: Ruleset, *, full: bool) -> dict[str, Any]:
    """A ruleset as `GET /rulesets` (summary) or `GET /rulesets/{id}` (full) renders it."""
    api = f"{base}/repos/{repo.full_name}/rulesets/{ruleset.id}"
    data: dict[str, Any] = {
        "id": ruleset.id,
        "name": ruleset.name,
        "target": "branch",
        "source_type": "Repository",
        "source": repo.full_name,
        "enforcement": ruleset.enforcement,
        "node_id": f"RRS_{ruleset.id}",
        "_links": {"self": {"href": api}, "html": {"href": f"{base}/{repo.full_name}/rules"}},
        "created_at": iso(ruleset.created_at),
        "updated_at": iso(ruleset.created_at),
    }
    if full:
        data["bypass_actors"] = list(ruleset.bypass_actors)
        data["conditions"] = {
            "ref_name": {"include": list(ruleset.include), "exclude": list(ruleset.exclude)}
        }
        data["rules"] = [dict(r) for r in ruleset.rules]
    return data
