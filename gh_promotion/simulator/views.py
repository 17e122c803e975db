"""GitHub's JSON shapes for the simulator's objects (REST responses and webhook payloads).

Field sets follow GitHub's REST docs and the octokit/webhooks examples, and every `url`
points back at the simulator so PyGithub's lazy objects (which follow `url`) keep talking
to it.
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

from gh_promotion.simulator.gitstore import CommitInfo
from gh_promotion.simulator.model import (
    Actor,
    CheckRun,
    CommitStatus,
    PullRequest,
    Repository,
    Review,
    SimApp,
    iso,
)


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode().rstrip("=")


def user_id(login: str) -> int:
    """A stable id per login, so the same user has the same id in every payload."""
    return zlib.crc32(login.encode()) % 90_000_000 + 1_000_000


def user(base: str, login: str, kind: str = "User") -> dict[str, Any]:
    url = f"{base}/users/{login}"
    return {
        "login": login,
        "id": user_id(login),
        "node_id": node_id("User", user_id(login)),
        "avatar_url": f"{base}/_sim/avatars/{login}",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{base}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": kind,
        "site_admin": False,
    }


def actor(base: str, who: Actor) -> dict[str, Any]:
    return user(base, who.login, who.kind)


_REPO_LINKS = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}


def repository(base: str, repo: Repository) -> dict[str, Any]:
    """The repository object common to REST and webhook payloads."""
    url = f"{base}/repos/{repo.full_name}"
    html = f"{base}/{repo.full_name}"
    host = base.split("://", 1)[-1]
    open_prs = sum(1 for pr in repo.pulls.values() if pr.state == "open")
    data: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": False,
        "owner": user(base, repo.owner),
        "html_url": html,
        "description": None,
        "fork": False,
        "url": url,
    }
    data.update({key: url + suffix for key, suffix in _REPO_LINKS.items()})
    data.update(
        {
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.pushed_at),
            "pushed_at": iso(repo.pushed_at),
            "git_url": f"git://{host}/{repo.full_name}.git",
            "ssh_url": f"git@{host}:{repo.full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": True,
            "has_pages": False,
            "forks_count": 0,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": open_prs,
            "license": None,
            "forks": 0,
            "open_issues": open_prs,
            "watchers": 0,
            "default_branch": repo.default_branch,
            "is_template": False,
            "topics": [],
            "visibility": "public",
            "web_commit_signoff_required": False,
            "custom_properties": dict(repo.custom_properties),
        }
    )
    return data


def rest_repository(base: str, repo: Repository) -> dict[str, Any]:
    """`GET /repos/{owner}/{repo}`: the common object plus the REST-only fields."""
    data = repository(base, repo)
    data.update(
        {
            "permissions": {
                "admin": True,
                "maintain": True,
                "push": True,
                "triage": True,
                "pull": True,
            },
            "allow_merge_commit": True,
            "allow_squash_merge": True,
            "allow_rebase_merge": True,
            "delete_branch_on_merge": False,
            "network_count": 0,
            "subscribers_count": 0,
        }
    )
    return data


def push_repository(base: str, repo: Repository) -> dict[str, Any]:
    """The push event's repository, which GitHub decorates with a few legacy fields."""
    data = repository(base, repo)
    owner = data["owner"]
    data["owner"] = {"name": owner["login"], "email": None, **owner}
    data["stargazers"] = 0
    data["master_branch"] = repo.default_branch
    data["created_at"] = int(repo.created_at)  # push events carry Unix times here
    data["pushed_at"] = int(repo.pushed_at)
    return data


def git_person(name: str, email: str, when: int) -> dict[str, Any]:
    return {"name": name, "email": email, "date": iso(when)}


def commit(base: str, repo: Repository, info: CommitInfo) -> dict[str, Any]:
    """A commit as `GET /repos/{o}/{r}/commits/{sha}` and the commit list return it."""
    url = f"{base}/repos/{repo.full_name}"
    return {
        "sha": info.sha,
        "node_id": node_id("Commit", info.sha),
        "commit": {
            "author": git_person(info.author_name, info.author_email, info.author_time),
            "committer": git_person(info.committer_name, info.committer_email, info.committer_time),
            "message": info.message,
            "tree": {"sha": info.tree, "url": f"{url}/git/trees/{info.tree}"},
            "url": f"{url}/git/commits/{info.sha}",
            "comment_count": 0,
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
            },
        },
        "url": f"{url}/commits/{info.sha}",
        "html_url": f"{base}/{repo.full_name}/commit/{info.sha}",
        "comments_url": f"{url}/commits/{info.sha}/comments",
        "author": None,
        "committer": None,
        "parents": [
            {
                "sha": p,
                "url": f"{url}/commits/{p}",
                "html_url": f"{base}/{repo.full_name}/commit/{p}",
            }
            for p in info.parents
        ],
    }


def push_commit(base: str, repo: Repository, info: CommitInfo) -> dict[str, Any]:
    """A commit as the push event lists it (`commits[]` and `head_commit`)."""
    who = {"name": info.author_name, "email": info.author_email, "username": info.author_name}
    by = {
        "name": info.committer_name,
        "email": info.committer_email,
        "username": info.committer_name,
    }
    return {
        "id": info.sha,
        "tree_id": info.tree,
        "distinct": True,
        "message": info.message,
        "timestamp": iso(info.committer_time),
        "url": f"{base}/{repo.full_name}/commit/{info.sha}",
        "author": who,
        "committer": by,
        "added": [],
        "removed": [],
        "modified": [],
    }


def ref(base: str, repo: Repository, branch: str, sha: str) -> dict[str, Any]:
    url = f"{base}/repos/{repo.full_name}"
    return {
        "ref": f"refs/heads/{branch}",
        "node_id": node_id("Ref", f"{repo.id}:refs/heads/{branch}"),
        "url": f"{url}/git/refs/heads/{branch}",
        "object": {"sha": sha, "type": "commit", "url": f"{url}/git/commits/{sha}"},
    }


def _pr_branch(base: str, repo: Repository, branch: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{repo.owner}:{branch}",
        "ref": branch,
        "sha": sha,
        "user": user(base, repo.owner),
        "repo": repository(base, repo),
    }


def _pr_links(url: str, html: str, issue: str) -> dict[str, Any]:
    return {
        "self": {"href": url},
        "html": {"href": html},
        "issue": {"href": issue},
        "comments": {"href": f"{issue}/comments"},
        "review_comments": {"href": f"{url}/comments"},
        "review_comment": {"href": url.rsplit("/", 1)[0] + "/comments{/number}"},
        "commits": {"href": f"{url}/commits"},
        "statuses": {"href": url.split("/pulls/")[0] + "/statuses/{sha}"},
    }


def pull_request_simple(
    base: str, repo: Repository, pr: PullRequest, base_sha: str
) -> dict[str, Any]:
    """The pull request as list endpoints and review payloads show it."""
    api = f"{base}/repos/{repo.full_name}"
    url = f"{api}/pulls/{pr.number}"
    html = f"{base}/{repo.full_name}/pull/{pr.number}"
    issue = f"{api}/issues/{pr.number}"
    links = _pr_links(url, html, issue)
    links["statuses"] = {"href": f"{api}/statuses/{pr.head_sha}"}
    return {
        "url": url,
        "id": pr.id,
        "node_id": node_id("PullRequest", pr.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "number": pr.number,
        "state": pr.state,
        "locked": False,
        "title": pr.title,
        "user": user(base, pr.login, "Bot" if pr.login.endswith("[bot]") else "User"),
        "body": pr.body,
        "created_at": iso(pr.created_at),
        "updated_at": iso(pr.updated_at),
        "closed_at": iso(pr.closed_at),
        "merged_at": iso(pr.merged_at),
        "merge_commit_sha": pr.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "labels": [label(base, repo, name) for name in pr.labels],
        "milestone": None,
        "draft": pr.draft,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": f"{api}/statuses/{pr.head_sha}",
        "head": _pr_branch(base, repo, pr.head_ref, pr.head_sha),
        "base": _pr_branch(base, repo, pr.base_ref, base_sha),
        "_links": links,
        "author_association": "OWNER" if pr.login == repo.owner else "CONTRIBUTOR",
        "auto_merge": None,
        "active_lock_reason": None,
    }


def pull_request(
    base: str, repo: Repository, pr: PullRequest, base_sha: str, commits: int
) -> dict[str, Any]:
    """The full pull request (`GET /pulls/{n}` and pull_request webhooks)."""
    data = pull_request_simple(base, repo, pr, base_sha)
    data.update(
        {
            "merged": pr.merged,
            "mergeable": None if pr.state == "closed" else True,
            "rebaseable": None if pr.state == "closed" else True,
            "mergeable_state": "unknown" if pr.state == "closed" else "clean",
            "merged_by": user(base, pr.merged_by) if pr.merged_by else None,
            "comments": 0,
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": commits,
            "additions": commits,
            "deletions": 0,
            "changed_files": min(commits, 1),
        }
    )
    return data


def review(base: str, repo: Repository, pr: PullRequest, item: Review) -> dict[str, Any]:
    api = f"{base}/repos/{repo.full_name}/pulls/{pr.number}"
    html = f"{base}/{repo.full_name}/pull/{pr.number}"
    return {
        "id": item.id,
        "node_id": node_id("PullRequestReview", item.id),
        "user": user(base, item.login),
        "body": item.body,
        "commit_id": item.commit_id,
        "submitted_at": iso(item.submitted_at),
        "state": item.state,
        "html_url": f"{html}#pullrequestreview-{item.id}",
        "pull_request_url": api,
        "author_association": "COLLABORATOR",
        "_links": {
            "html": {"href": f"{html}#pullrequestreview-{item.id}"},
            "pull_request": {"href": api},
        },
    }


def status(base: str, repo: Repository, item: CommitStatus) -> dict[str, Any]:
    url = f"{base}/repos/{repo.full_name}/statuses/{item.sha}"
    return {
        "url": url,
        "avatar_url": None,
        "id": item.id,
        "node_id": node_id("StatusContext", item.id),
        "state": item.state,
        "description": item.description,
        "target_url": item.target_url,
        "context": item.context,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.created_at),
        "creator": user(base, item.creator),
    }


def app(base: str, sim_app: SimApp, owner: str = "sim") -> dict[str, Any]:
    return {
        "id": sim_app.app_id,
        "slug": sim_app.slug,
        "node_id": node_id("App", sim_app.app_id),
        "client_id": f"Iv1.{sim_app.app_id:016x}",
        "owner": user(base, owner, "Organization"),
        "name": sim_app.slug,
        "description": "",
        "external_url": f"{base}/_sim/apps/{sim_app.slug}",
        "html_url": f"{base}/apps/{sim_app.slug}",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "permissions": {
            "checks": "write",
            "contents": "write",
            "metadata": "read",
            "pull_requests": "write",
            "statuses": "write",
            "issues": "write",
        },
        "events": ["push", "pull_request", "pull_request_review", "status", "check_suite"],
        "installations_count": 0,
    }


def check_run(base: str, repo: Repository, run: CheckRun, pulls: list[dict]) -> dict[str, Any]:
    url = f"{base}/repos/{repo.full_name}/check-runs/{run.id}"
    output = {
        "title": run.output.get("title"),
        "summary": run.output.get("summary"),
        "text": run.output.get("text"),
        "annotations_count": 0,
        "annotations_url": f"{url}/annotations",
    }
    return {
        "id": run.id,
        "head_sha": run.sha,
        "node_id": node_id("CheckRun", run.id),
        "external_id": run.external_id or "",
        "url": url,
        "html_url": f"{base}/{repo.full_name}/runs/{run.id}",
        "details_url": run.details_url,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": iso(run.started_at),
        "completed_at": iso(run.completed_at),
        "output": output,
        "name": run.name,
        "check_suite": {"id": run.suite_id},
        "app": app(base, run.app) if run.app else None,
        "pull_requests": pulls,
    }


def minimal_pull(base: str, repo: Repository, pr: PullRequest, base_sha: str) -> dict[str, Any]:
    """The short pull request reference inside check runs and check suites."""
    short_repo = {"id": repo.id, "url": f"{base}/repos/{repo.full_name}", "name": repo.name}
    return {
        "url": f"{base}/repos/{repo.full_name}/pulls/{pr.number}",
        "id": pr.id,
        "number": pr.number,
        "head": {"ref": pr.head_ref, "sha": pr.head_sha, "repo": short_repo},
        "base": {"ref": pr.base_ref, "sha": base_sha, "repo": short_repo},
    }


def label(base: str, repo: Repository, name: str) -> dict[str, Any]:
    """A label as issues and pull requests carry it (colour and id stable per name)."""
    ident = zlib.crc32(f"{repo.id}:{name}".encode())
    return {
        "id": ident,
        "node_id": node_id("Label", ident),
        "url": f"{base}/repos/{repo.full_name}/labels/{name}",
        "name": name,
        "color": f"{ident % 0xFFFFFF:06x}",
        "default": False,
        "description": None,
    }


def installation_ref(installation_id: int | None) -> dict[str, Any]:
    if installation_id is None:
        return {}
    return {
        "installation": {
            "id": installation_id,
            "node_id": node_id("IntegrationInstallation", installation_id),
        }
    }
