"""The simulated GitHub's rules: every change to repositories goes through here, under one lock.

HTTP routes and the Python API both call these methods, so a refusal (not a fast forward,
protected branch, no commits between...) is the same whichever door a change comes through,
and every change emits the webhook events GitHub would emit, in the order it would.
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gh_promotion.simulator import clock, rulesets, views
from gh_promotion.simulator.auth import TokenBook
from gh_promotion.simulator.errors import (
    ApiError,
    not_found,
)
from gh_promotion.simulator.gitstore import GitStore, Person
from gh_promotion.simulator.model import (
    Actor,
    Protection,
    PullRequest,
    RefActivity,
    Repository,
    SimApp,
    next_id,
)
from gh_promotion.simulator.pulls import latest_reviews

ZERO_SHA = "0" * 40
PROTECTED_DOCS = "https://docs.github.com/articles/about-protected-branches"
EmitFn = Callable[[str, dict[str, Any]], None]


class World:
    """All repositories and the rules that change them."""

    def __init__(self, tokens: TokenBook, base_url: Callable[[], str]) -> None:
        self.lock = threading.RLock()
        self.tokens = tokens
        self._base_url = base_url
        self._root = Path(tempfile.mkdtemp(prefix="gh-sim-"))
        self.repos: dict[str, Repository] = {}
        self.emit: EmitFn = lambda event, payload: None

    @property
    def base(self) -> str:
        return self._base_url()

    @property
    def root(self) -> Path:
        return self._root

    # ----------------------------------------------------------------- repositories

    def create_repository(
        self,
        full_name: str,
        custom_properties: dict | None = None,
        default_branch: str = "main",
    ) -> Repository:
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"repository name must be 'owner/name', got {full_name!r}")
        with self.lock:
            if full_name.lower() in self.repos:
                raise ValueError(f"repository {full_name} already exists")
            path = self._root / owner / f"{name}.git"
            path.parent.mkdir(parents=True, exist_ok=True)
            repo = Repository(
                id=next_id(),
                owner=owner,
                name=name,
                default_branch=default_branch,
                git=GitStore(path),
                custom_properties=dict(custom_properties or {}),
            )
            self.repos[full_name.lower()] = repo
            return repo

    def repo(self, owner: str, name: str) -> Repository:
        found = self.repos.get(f"{owner}/{name}".lower())
        if found is None:
            raise not_found()
        return found

    def installation_id(self, repo: Repository) -> int | None:
        installation = self.tokens.installation_for(repo.owner)
        return installation.id if installation else None

    def emit_event(self, event: str, repo: Repository, who: Actor, payload: dict[str, Any]) -> None:
        payload.setdefault("repository", views.repository(self.base, repo))
        payload["sender"] = views.actor(self.base, who)
        payload.update(views.installation_ref(self.installation_id(repo)))
        self.emit(event, payload)

    # ----------------------------------------------------------------- commits and refs

    def resolve_commit(self, repo: Repository, name: str) -> str | None:
        """A branch name or (possibly abbreviated) sha → full sha, or None."""
        if name in repo.branches:
            return repo.branches[name]
        if name.startswith("heads/") and name[6:] in repo.branches:
            return repo.branches[name[6:]]
        return repo.git.resolve(name)

    def push(
        self,
        repo: Repository,
        branch: str,
        message: str,
        files: dict[str, str] | None,
        who: Actor,
    ) -> str:
        """Commit on top of `branch` (or the default branch when it is new) and move it."""
        with self.lock:
            parent = repo.branches.get(branch) or repo.branches.get(repo.default_branch)
            files = files if files is not None else {f"{branch}.txt": f"{message}\n"}
            sha = repo.git.commit(parent, message, files, Person(who.login, _email(who.login)))
            self.move_branch(repo, branch, sha, who)
            return sha

    def push_history(self, repo: Repository, branch: str, count: int, who: Actor) -> str:
        """`count` commits at once on `branch` through `git fast-import`; one push event."""
        with self.lock:
            parent = repo.branches.get(branch) or repo.branches.get(repo.default_branch)
            changes: list[tuple[str, dict[str, str]]] = [
                (f"commit {i + 1} of {count}", {}) for i in range(count)
            ]
            if parent is None:
                changes[0] = (changes[0][0], {"README.md": f"# {repo.name}\n"})
            shas = repo.git.commit_many(parent, changes, Person(who.login, _email(who.login)))
            self.move_branch(repo, branch, shas[-1], who)
            return shas[-1]

    def move_branch(self, repo: Repository, branch: str, sha: str | None, who: Actor) -> None:
        """The one place a branch changes: create, move or delete, then tell the world."""
        with self.lock:
            before = repo.branches.get(branch)
            if before == sha:
                return
            if sha is None:
                repo.branches.pop(branch, None)
            else:
                repo.branches[branch] = sha
            repo.git.update_ref(branch, sha)
            repo.pushed_at = clock.now()
            self._record_activity(repo, branch, before, sha, who)
            self._emit_push(repo, branch, before, sha, who)
            self._follow_branch(repo, branch, before, sha, who)

    def _record_activity(
        self, repo: Repository, branch: str, before: str | None, after: str | None, who: Actor
    ) -> None:
        """What `GET /activity` lists for this change (a fast-forward of a pull request's
        base to its head is still a push there: GitHub says pr_merge only for its own merges)."""
        if before is None:
            kind = "branch_creation"
        elif after is None:
            kind = "branch_deletion"
        elif repo.git.is_ancestor(before, after):
            kind = "push"
        else:
            kind = "force_push"
        entry = RefActivity(
            next_id(),
            f"refs/heads/{branch}",
            before or ZERO_SHA,
            after or ZERO_SHA,
            kind,
            who.login,
            clock.now(),
        )
        repo.activity.append(entry)

    def _emit_push(
        self, repo: Repository, branch: str, before: str | None, after: str | None, who: Actor
    ) -> None:
        created, deleted = before is None, after is None
        forced = not created and not deleted and not repo.git.is_ancestor(before, after)
        commits = self._pushed_commits(repo, branch, before, after)
        span = f"{(before or ZERO_SHA)[:12]}...{(after or ZERO_SHA)[:12]}"
        compare = f"{self.base}/{repo.full_name}/compare/{span}"
        payload = {
            "ref": f"refs/heads/{branch}",
            "before": before or ZERO_SHA,
            "after": after or ZERO_SHA,
            "repository": views.push_repository(self.base, repo),
            "pusher": {"name": who.login, "email": _email(who.login)},
            "created": created,
            "deleted": deleted,
            "forced": forced,
            "base_ref": None,
            "compare": compare,
            "commits": [views.push_commit(self.base, repo, c) for c in commits],
            "head_commit": (
                views.push_commit(self.base, repo, repo.git.info(after)) if after else None
            ),
        }
        self.emit_event("push", repo, who, payload)

    def _pushed_commits(
        self, repo: Repository, branch: str, before: str | None, after: str | None
    ) -> list:
        """The commits new to this branch (GitHub lists at most 20 in a push payload)."""
        if after is None:
            return []
        if before is not None:
            base = (
                before
                if repo.git.is_ancestor(before, after)
                else repo.git.merge_base(before, after)
            )
        else:
            others = [s for b, s in repo.branches.items() if b != branch]
            base = next((s for s in others if repo.git.is_ancestor(s, after)), None)
        if base is None:
            return [repo.git.info(after)]
        return repo.git.range_commits(base, after)[-20:]

    def _follow_branch(
        self, repo: Repository, branch: str, before: str | None, after: str | None, who: Actor
    ) -> None:
        """Open pull requests follow their head; a base that now contains the head merges it."""
        for pr in list(repo.pulls.values()):
            if pr.state != "open":
                continue
            if pr.head_ref == branch:
                if after is None:
                    self.close_pull(repo, pr, who, merged=False)
                    continue
                pr.head_sha = after
                pr.updated_at = clock.now()
                self.pull_event(repo, pr, "synchronize", who, before=before, after=after)
            if pr.base_ref == branch and after is None:
                self.close_pull(repo, pr, who, merged=False)
                continue
        if after is None:
            return
        for pr in list(repo.pulls.values()):
            if pr.state != "open" or branch not in (pr.base_ref, pr.head_ref):
                continue
            target = repo.branches.get(pr.base_ref)
            if target and repo.git.is_ancestor(pr.head_sha, target):
                pr.base_sha = target
                pr.merge_commit_sha = pr.head_sha
                self.close_pull(repo, pr, who, merged=True)

    def close_pull(self, repo: Repository, pr: PullRequest, who: Actor, merged: bool) -> None:
        pr.state = "closed"
        pr.closed_at = pr.updated_at = clock.now()
        if merged:
            pr.merged, pr.merged_at, pr.merged_by = True, pr.closed_at, who.login
        self.pull_event(repo, pr, "closed", who)

    def pull_event(
        self, repo: Repository, pr: PullRequest, action: str, who: Actor, **extra
    ) -> None:
        payload = {"action": action, "number": pr.number, "pull_request": self.pull_json(repo, pr)}
        payload.update(extra)
        self.emit_event("pull_request", repo, who, payload)

    def create_ref(self, repo: Repository, ref: str, sha: str, who: Actor) -> str:
        """`POST /git/refs`: only new branches, only known commits."""
        if not isinstance(ref, str) or not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(
                422, "Reference name must start with 'refs/' and have at least two slashes."
            )
        if not ref.startswith("refs/heads/"):
            raise ApiError(422, "Reference update failed")
        branch = ref[len("refs/heads/") :]
        with self.lock:
            if branch in repo.branches:
                raise ApiError(422, "Reference already exists")
            full = self._known_sha(repo, sha)
            self.move_branch(repo, branch, full, who)
            return branch

    def update_ref(self, repo: Repository, branch: str, sha: str, force: bool, who: Actor) -> None:
        """`PATCH /git/refs/heads/{branch}`: fast forward only unless forced; protection holds."""
        with self.lock:
            current = repo.branches.get(branch)
            if current is None:
                raise ApiError(422, "Reference does not exist")
            target = self._known_sha(repo, sha)
            fast_forward = repo.git.is_ancestor(current, target)
            if not fast_forward and not force:
                raise ApiError(422, "Update is not a fast forward")
            self._enforce_protection(repo, branch, target, fast_forward)
            change = "update" if fast_forward else "force"
            self._enforce_rulesets(repo, branch, change, target, who)
            self.move_branch(repo, branch, target, who)

    def delete_ref(self, repo: Repository, branch: str, who: Actor) -> None:
        with self.lock:
            if branch not in repo.branches:
                raise ApiError(422, "Reference does not exist")
            if branch in repo.protections:
                raise ApiError(
                    422, "Cannot delete this protected branch", documentation_url=PROTECTED_DOCS
                )
            self._enforce_rulesets(repo, branch, "delete", None, who)
            self.move_branch(repo, branch, None, who)

    def _known_sha(self, repo: Repository, sha: object) -> str:
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-fA-F]{40}", sha):
            raise ApiError(422, "Object does not exist")
        full = repo.git.resolve(sha.lower())
        if full is None:
            raise ApiError(422, "Object does not exist")
        return full

    # ----------------------------------------------------------------- protection

    def protect(self, repo: Repository, branch: str, protection: Protection | None) -> None:
        with self.lock:
            if protection is None:
                repo.protections.pop(branch, None)
            else:
                repo.protections[branch] = protection

    def _enforce_protection(
        self, repo: Repository, branch: str, sha: str, fast_forward: bool
    ) -> None:
        """Refuse an update that GitHub's branch protection would refuse, with its words."""
        rule = repo.protections.get(branch)
        if rule is None:
            return
        if not fast_forward and not rule.allow_force_pushes:
            raise ApiError(
                422, "Cannot force-push to this branch", documentation_url=PROTECTED_DOCS
            )
        missing = [c for c in rule.required_contexts if not self._context_succeeded(repo, sha, c)]
        if len(missing) == 1:
            raise ApiError(
                422,
                f'Required status check "{missing[0]}" is expected.',
                documentation_url=PROTECTED_DOCS,
            )
        if missing:
            raise ApiError(
                422,
                f"{len(missing)} of {len(rule.required_contexts)}"
                " required status checks are expected.",
                documentation_url=PROTECTED_DOCS,
            )
        if (
            rule.required_approving_reviews
            and self._approvals(repo, sha) < rule.required_approving_reviews
        ):
            count = rule.required_approving_reviews
            noun = "review is" if count == 1 else "reviews are"
            raise ApiError(
                422,
                f"At least {count} approving {noun} required by reviewers with write access.",
                documentation_url=PROTECTED_DOCS,
            )

    def _enforce_rulesets(
        self, repo: Repository, branch: str, change: str, sha: str | None, who: Actor
    ) -> None:
        """Refuse, with GH013's words, a change that breaks an active ruleset."""
        rulesets.enforce(
            repo, branch, change, sha, who, self._context_succeeded, self._pull_approvals
        )

    def _pull_approvals(self, repo: Repository, sha: str, base: str) -> int | None:
        """Approvals of `sha` on the open pull request into `base` whose head it is;
        None when there is no such pull request (a `pull_request` rule's question)."""
        counts = [
            len(
                {
                    r.login
                    for r in latest_reviews(pr)
                    if r.state == "APPROVED" and r.commit_id == sha
                }
            )
            for pr in repo.pulls.values()
            if pr.state == "open" and pr.base_ref == base and pr.head_sha == sha
        ]
        return max(counts) if counts else None

    def _context_succeeded(self, repo: Repository, sha: str, context: str) -> bool:
        latest = next((s for s in repo.statuses.get(sha, []) if s.context == context), None)
        if latest is not None and latest.state == "success":
            return True
        runs = [r for r in repo.check_runs.values() if r.sha == sha and r.name == context]
        return any(
            r.status == "completed" and r.conclusion in ("success", "neutral", "skipped")
            for r in runs
        )

    def _approvals(self, repo: Repository, sha: str) -> int:
        approvers = set()
        for pr in repo.pulls.values():
            if pr.state == "open" and pr.head_sha == sha:
                approvers |= {
                    r.login
                    for r in latest_reviews(pr)
                    if r.state == "APPROVED" and r.commit_id == sha
                }
        return len(approvers)

    # ----------------------------------------------------------------- pull requests

    def base_sha(self, repo: Repository, pr: PullRequest) -> str:
        return repo.branches.get(pr.base_ref, pr.base_sha) if pr.state == "open" else pr.base_sha

    def pull_json(self, repo: Repository, pr: PullRequest) -> dict[str, Any]:
        base_sha = self.base_sha(repo, pr)
        ahead, _ = repo.git.ahead_behind(base_sha, pr.head_sha)
        return views.pull_request(self.base, repo, pr, base_sha, ahead)

    def pull(self, repo: Repository, number: int) -> PullRequest:
        pr = repo.pulls.get(number)
        if pr is None:
            raise not_found()
        return pr

    # ----------------------------------------------------------------- statuses and checks

    def suite_id(self, repo: Repository, sha: str, app: SimApp | None) -> int:
        key = (sha, app.app_id if app else 0)
        if key not in repo.check_suites:
            repo.check_suites[key] = next_id()
        return repo.check_suites[key]

    def check_pulls(self, repo: Repository, sha: str) -> list[dict[str, Any]]:
        """Open pull requests whose head is `sha` (a check's `pull_requests`)."""
        return [
            views.minimal_pull(self.base, repo, pr, self.base_sha(repo, pr))
            for pr in repo.pulls.values()
            if pr.state == "open" and pr.head_sha == sha
        ]


def _email(login: str) -> str:
    return f"{login}@users.noreply.github.com"
