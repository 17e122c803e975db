"""Issues and labels: create, list by label and state, close, label a pull request.

GitHub's rules as far as gh-promotion's hold after a rollback needs them:
issues and pull requests share one sequence of numbers, the issues list
includes pull requests (with a ``pull_request`` key), ``labels`` filters on
every listed label at once, and a label unknown to the repository is created
by naming it. Called under the world's lock by the routes and the Python API.
"""

from __future__ import annotations

from typing import Any

from gh_promotion.simulator import clock, views
from gh_promotion.simulator.errors import ApiError, invalid_field, missing_field
from gh_promotion.simulator.model import Actor, Issue, PullRequest, Repository, iso, next_id


def create(repo: Repository, title: Any, body: Any, labels: Any, who: Actor) -> Issue:
    if not isinstance(title, str) or not title.strip():
        raise missing_field("Issue", "title")
    issue = Issue(
        next_id(),
        repo.next_number(),
        title,
        body if isinstance(body, str) else None,
        who.login,
        labels=_label_names(labels),
    )
    repo.issues[issue.number] = issue
    return issue


def update(repo: Repository, issue: Issue, changes: dict[str, Any], who: Actor) -> None:
    """`PATCH /issues/{n}`: title, body, state (open/closed), state_reason, labels."""
    state = changes.get("state")
    if state is not None and state not in ("open", "closed"):
        raise invalid_field("Issue", "state")
    if "title" in changes:
        issue.title = str(changes["title"])
    if "body" in changes:
        issue.body = changes["body"]
    if "labels" in changes:
        issue.labels = _label_names(changes["labels"])
    if state == "closed" and issue.state == "open":
        issue.state, issue.closed_at, issue.closed_by = "closed", clock.now(), who.login
        issue.state_reason = changes.get("state_reason") or "completed"
    elif state == "open" and issue.state == "closed":
        issue.state, issue.closed_at, issue.closed_by, issue.state_reason = "open", None, None, None
    issue.updated_at = clock.now()


def add_labels(target: Issue | PullRequest, labels: Any) -> None:
    """`POST /issues/{n}/labels`: for issues and pull requests alike."""
    for name in _label_names(labels):
        if name not in target.labels:
            target.labels.append(name)


def find(repo: Repository, number: int) -> Issue | PullRequest:
    found = repo.issues.get(number) or repo.pulls.get(number)
    if found is None:
        raise ApiError(404, "Not Found")
    return found


def listed(repo: Repository, state: str, labels: str | None) -> list[Issue | PullRequest]:
    """`GET /issues`: issues and pull requests, newest first, filtered as GitHub does."""
    if state not in ("open", "closed", "all"):
        raise invalid_field("Issue", "state")
    wanted = [name.strip() for name in (labels or "").split(",") if name.strip()]
    items: list[Issue | PullRequest] = [*repo.issues.values(), *repo.pulls.values()]
    chosen = [
        item
        for item in items
        if (state == "all" or item.state == state) and all(n in item.labels for n in wanted)
    ]
    return sorted(chosen, key=lambda item: -item.number)


def _label_names(labels: Any) -> list[str]:
    if labels is None:
        return []
    if not isinstance(labels, list):
        raise invalid_field("Issue", "labels")
    names = [item.get("name") if isinstance(item, dict) else item for item in labels]
    if not all(isinstance(name, str) and name for name in names):
        raise invalid_field("Issue", "labels")
    return list(dict.fromkeys(names))


def view(base: str, repo: Repository, item: Issue | PullRequest) -> dict[str, Any]:
    """An issue as `GET /issues/{n}` shows it; a pull request there carries `pull_request`."""
    api = f"{base}/repos/{repo.full_name}"
    url = f"{api}/issues/{item.number}"
    is_pull = isinstance(item, PullRequest)
    html = f"{base}/{repo.full_name}/{'pull' if is_pull else 'issues'}/{item.number}"
    data: dict[str, Any] = {
        "id": item.id,
        "node_id": views.node_id("Issue", item.id),
        "url": url,
        "repository_url": api,
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": html,
        "number": item.number,
        "state": item.state,
        "state_reason": None if is_pull else item.state_reason,
        "title": item.title,
        "body": item.body,
        "user": views.user(base, item.login, "Bot" if item.login.endswith("[bot]") else "User"),
        "labels": [views.label(base, repo, name) for name in item.labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": 0,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "closed_at": iso(item.closed_at),
        "closed_by": None,
        "author_association": "OWNER" if item.login == repo.owner else "CONTRIBUTOR",
    }
    if is_pull:
        pulls_url = f"{api}/pulls/{item.number}"
        data["pull_request"] = {
            "url": pulls_url,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": iso(item.merged_at),
        }
    elif item.closed_by:
        data["closed_by"] = views.user(base, item.closed_by)
    return data


def activity_view(base: str, entry: Any) -> dict[str, Any]:
    """One entry of `GET /repos/{o}/{r}/activity`."""
    return {
        "id": entry.id,
        "node_id": views.node_id("RepositoryActivity", entry.id),
        "before": entry.before,
        "after": entry.after,
        "ref": entry.ref,
        "timestamp": iso(entry.timestamp),
        "activity_type": entry.activity_type,
        "actor": views.user(base, entry.login, "Bot" if entry.login.endswith("[bot]") else "User"),
    }
