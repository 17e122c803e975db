"""The few GitHub requests gh-promotion makes, one method each, for one repository.

:class:`RepositoryGateway` implements the core's port,
:class:`gh_promotion.core.ports.Repository`. Every method is exactly one request
(``oldest_commit``: at most two), so the request budget of each promotion path
can be read off the core. Requests go through the delivery's
:class:`~gh_promotion.gateway.requester.Requester` — its credentials, time
budget, retries and error types — straight to the documented routes.

Each write is reported, as a :class:`~gh_promotion.core.result.Write`, to the
``record`` callable the core opened the repository with: the core keeps the
list, the gateway keeps nothing. In a dry run writes are reported as planned
and not sent, which is all ``--dry-run`` is: the core runs the same code either
way. A write whose answer steers the core (opening a pull request: refused when
its base is missing, when one is already open, when there is nothing to
promote; a fast-forward: refused when the target has commits the head has not)
is predicted from reads, so that a dry run takes the same path and lists the
same writes as the real run.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from gh_promotion.core.errors import (
    BranchMissing,
    GitHubRefusal,
    GitHubUnavailable,
    NoCommitsBetween,
    NotFastForward,
    NotFound,
    PullRequestExists,
)
from gh_promotion.core.ports import (
    BranchRules,
    CheckRunInfo,
    Comparison,
    IssueInfo,
    PullRequestInfo,
    Record,
    RefChange,
    ReviewInfo,
    StatusInfo,
    Write,
)

PULLS_PER_PAGE = 100
ACTIVITY_PER_PAGE = 100
ISSUES_PER_PAGE = 100
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def pull_request_info(data: dict[str, Any]) -> PullRequestInfo:
    head, base = data["head"], data["base"]
    head_repo, base_repo = head.get("repo") or {}, base.get("repo") or {}
    return PullRequestInfo(
        number=data["number"],
        source=head["ref"],
        target=base["ref"],
        head_sha=head["sha"],
        base_sha=base.get("sha", ""),
        draft=bool(data.get("draft")),
        same_repository=head_repo.get("id") == base_repo.get("id"),
        url=data.get("html_url") or "",
        labels=_label_names(data.get("labels")),
    )


def _label_names(labels: Any) -> tuple[str, ...]:
    if not isinstance(labels, list):
        return ()
    return tuple(item["name"] for item in labels if isinstance(item, dict) and "name" in item)


def _timestamp(text: str) -> datetime:
    """GitHub's ``2026-12-03T14:05:00Z``."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def _check_run(data: dict[str, Any]) -> CheckRunInfo:
    return CheckRunInfo(
        name=data.get("name", ""),
        status=data.get("status", ""),
        conclusion=data.get("conclusion"),
        app_id=(data.get("app") or {}).get("id"),
    )


class RepositoryGateway:
    def __init__(
        self,
        requester: Any,
        owner: str,
        name: str,
        *,
        record: Record,
        dry_run: bool = False,
        clock: Clock = system_clock,
    ) -> None:
        self._requester = requester
        self._clock = clock
        self.owner = owner
        self.name = name
        self.dry_run = dry_run
        self._record = record
        self._planned_branches: dict[str, str] = {}  # dry run: branch → sha it would be created at
        self._base = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"

    # -- reads -------------------------------------------------------------

    def open_pull_requests(self, *, head: str = "", base: str = "") -> list[PullRequestInfo]:
        """Open pull requests, optionally filtered by head branch and base branch.

        GitHub filters ``head`` only in its ``owner:branch`` form; a bare branch
        name is silently ignored, so it is always qualified here.
        """
        params: dict[str, Any] = {"state": "open", "per_page": PULLS_PER_PAGE}
        if head:
            params["head"] = f"{self.owner}:{head}"
        if base:
            params["base"] = base
        pulls: list[PullRequestInfo] = []
        for page in self._pages(f"{self._base}/pulls", params):
            pulls.extend(pull_request_info(p) for p in page)
        return pulls

    def pull_request(self, number: int) -> PullRequestInfo:
        _, data = self._request("GET", f"{self._base}/pulls/{number}")
        return pull_request_info(data)

    def oldest_commit(self, branch: str) -> str:
        """The first commit of a branch's history in two requests, whatever its length.

        With one commit per page, the ``Link`` header's ``rel="last"`` page holds
        the oldest commit: jump there instead of walking every page.
        """
        url = f"{self._base}/commits"
        params = {"sha": self._planned_branches.get(branch, branch), "per_page": 1}
        headers, data = self._request("GET", url, params=params)
        last = link(headers, "last")
        if last is not None:
            _, data = self._request("GET", last)
        return data[-1]["sha"]

    def compare(self, base: str, head: str) -> Comparison:
        _, data = self._request("GET", f"{self._base}/compare/{quote(base)}...{quote(head)}")
        merge_base = (data.get("merge_base_commit") or {}).get("sha", "")
        return Comparison(
            data["status"], data.get("ahead_by", 0), data.get("behind_by", 0), merge_base
        )

    def now(self) -> datetime:
        return self._clock()

    def branch_activity(self, branch: str) -> list[RefChange]:
        """``GET /activity?ref=``: every move of the branch, manual pushes included, with
        GitHub's own timestamp — newest first, one page (docs/gates.md#soak-time)."""
        params = {"ref": f"refs/heads/{branch}", "per_page": ACTIVITY_PER_PAGE}
        _, data = self._request("GET", f"{self._base}/activity", params=params)
        return [RefChange(e["before"], e["after"], _timestamp(e["timestamp"])) for e in data]

    def open_issues(self, label: str) -> list[IssueInfo]:
        params = {"state": "open", "labels": label, "per_page": ISSUES_PER_PAGE}
        found: list[IssueInfo] = []
        for page in self._pages(f"{self._base}/issues", params):
            found.extend(
                IssueInfo(i["number"], i["title"], i.get("body") or "", i["html_url"])
                for i in page
                if "pull_request" not in i
            )
        return found

    # -- what a branch requires, what a commit has: only for a blocked promotion,
    # -- promotion.enforceRequiredChecks and `explain` (never on an ordinary delivery)

    def branch_rules(self, branch: str) -> BranchRules:
        """The branch (protection's required checks, for any reader), the rules of its
        rulesets, and — when the branch is protected — the full protection if this
        caller may read it (admins only; an App without Administration gets a 403)."""
        _, data = self._request("GET", f"{self._base}/branches/{quote(branch)}")
        rules: list[dict[str, Any]] = []
        params = {"per_page": PULLS_PER_PAGE}
        for page in self._pages(f"{self._base}/rules/branches/{quote(branch)}", params):
            rules.extend(page)
        protection = None
        if data.get("protected"):
            try:
                _, protection = self._request(
                    "GET", f"{self._base}/branches/{quote(branch)}/protection"
                )
            except GitHubRefusal:
                protection = None  # not an admin: the branch's required checks stand alone
        return BranchRules(data, tuple(rules), protection)

    def commit_statuses(self, sha: str) -> list[StatusInfo]:
        """The latest status of each context on ``sha`` (the combined status)."""
        params = {"per_page": PULLS_PER_PAGE}
        found: list[StatusInfo] = []
        for page in self._pages(f"{self._base}/commits/{sha}/status", params):
            found.extend(
                StatusInfo(s["context"], s["state"], s.get("description") or "")
                for s in page.get("statuses") or ()
            )
        return found

    def check_runs(self, sha: str) -> list[CheckRunInfo]:
        params = {"per_page": PULLS_PER_PAGE}
        found: list[CheckRunInfo] = []
        for page in self._pages(f"{self._base}/commits/{sha}/check-runs", params):
            found.extend(_check_run(run) for run in page.get("check_runs") or ())
        return found

    def reviews(self, number: int) -> list[ReviewInfo]:
        params = {"per_page": PULLS_PER_PAGE}
        found: list[ReviewInfo] = []
        for page in self._pages(f"{self._base}/pulls/{number}/reviews", params):
            found.extend(
                ReviewInfo(
                    (r.get("user") or {}).get("login", ""),
                    r.get("state", ""),
                    r.get("commit_id") or "",
                )
                for r in page
            )
        return found

    # -- writes ------------------------------------------------------------

    def create_issue(self, title: str, body: str, labels: tuple[str, ...]) -> int | None:
        data = self._write(
            "create_issue",
            title,
            "POST",
            f"{self._base}/issues",
            {"title": title, "body": body, "labels": list(labels)},
        )
        return None if data is None else data["number"]

    def create_pull_request(
        self, head: str, base: str, title: str, body: str, *, draft: bool
    ) -> int | None:
        """Open a pull request; its number, or None in a dry run."""
        if self.dry_run:
            self._refuse_as_github_would(head, base)
        data = self._write(
            "create_pull_request",
            f"{head}→{base}",
            "POST",
            f"{self._base}/pulls",
            {"title": title, "head": head, "base": base, "body": body, "draft": draft},
        )
        return None if data is None else data["number"]

    def create_branch(self, branch: str, sha: str) -> None:
        body = {"ref": f"refs/heads/{branch}", "sha": sha}
        if self.dry_run:
            self._planned_branches[branch] = sha
        self._write("create_branch", branch, "POST", f"{self._base}/git/refs", body, sha)

    def fast_forward(self, branch: str, sha: str) -> None:
        """Move ``branch`` to ``sha`` only if that is a fast-forward (GitHub checks)."""
        if self.dry_run:
            self._refuse_unless_fast_forward(branch, sha)
        self._update_ref("fast_forward", branch, sha, force=False)

    def force_update(self, branch: str, sha: str) -> None:
        """Move ``branch`` to ``sha`` whatever its history: only for a validated rollback."""
        self._update_ref("force_update", branch, sha, force=True)

    def _update_ref(self, action: str, branch: str, sha: str, *, force: bool) -> None:
        url = f"{self._base}/git/refs/heads/{quote(branch)}"
        self._write(action, branch, "PATCH", url, {"sha": sha, "force": force}, sha)

    def create_check_run(self, name: str, sha: str, conclusion: str, output: dict) -> None:
        body = {
            "name": name,
            "head_sha": sha,
            "status": "completed",
            "conclusion": conclusion,
            "output": output,
        }
        self._write("create_check_run", name, "POST", f"{self._base}/check-runs", body, sha)

    def create_commit_status(self, sha: str, state: str, context: str, description: str) -> None:
        body = {"state": state, "context": context, "description": description}
        self._write("create_commit_status", context, "POST", f"{self._base}/statuses/{sha}", body)

    def _refuse_as_github_would(self, head: str, base: str) -> None:
        """Raise (and record) the refusal GitHub would answer opening ``head → base`` with.

        GitHub checks, in this order, that both branches exist, that no such pull
        request is open and that there are commits between them. A dry run reads
        the same facts (a compare and a list of open pull requests) — a branch
        this dry run planned to create counts as existing at its planned sha.
        """
        try:
            planned = self._planned_branches
            comparison = self.compare(planned.get(base, base), planned.get(head, head))
        except NotFound:
            refusal: GitHubRefusal = BranchMissing(f"{base} or {head} does not exist")
        else:
            if self.open_pull_requests(head=head, base=base):
                refusal = PullRequestExists(f"A pull request already exists for {head}→{base}.")
            elif comparison.ahead_by == 0:
                refusal = NoCommitsBetween(f"No commits between {base} and {head}")
            else:
                return
        self._record(Write("create_pull_request", f"{head}→{base}", "refused", refusal.message))
        raise refusal

    def _refuse_unless_fast_forward(self, branch: str, sha: str) -> None:
        """Raise (and record) GitHub's "not a fast forward" when ``branch`` has commits
        ``sha`` does not. (Branch protection is not predicted: a dry run says promoted
        where the real run may be blocked.)"""
        comparison = self.compare(branch, sha)
        if comparison.behind_by > 0:
            refusal = NotFastForward("Update is not a fast forward")
            self._record(Write("fast_forward", branch, "refused", refusal.message))
            raise refusal

    # -- plumbing ----------------------------------------------------------

    def _write(
        self, action: str, target: str, verb: str, url: str, body: dict, detail: str = ""
    ) -> Any:
        if self.dry_run:
            self._record(Write(action, target, "planned", detail))
            return None
        with self._recorded(action, target, detail):
            return self._request(verb, url, body=body)[1]

    @contextmanager
    def _recorded(self, action: str, target: str, detail: str) -> Iterator[None]:
        started = time.perf_counter()

        def record(outcome: str, why: str = detail) -> None:
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            self._record(Write(action, target, outcome, why, elapsed))

        try:
            yield
        except GitHubRefusal as refusal:
            record("refused", refusal.message)
            raise
        except GitHubUnavailable as failure:
            record("failed", str(failure))
            raise
        record("done")

    def _request(
        self, verb: str, url: str, *, params: dict | None = None, body: dict | None = None
    ) -> tuple[dict[str, Any], Any]:
        """Every request of the gateway goes through here, and through the delivery's budget."""
        return self._requester.request(verb, url, params=params, body=body)

    def _pages(self, url: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        headers, data = self._request("GET", url, params=params)
        yield data
        while (following := link(headers, "next")) is not None:
            headers, data = self._request("GET", following)
            yield data


_LINK = re.compile(r'<([^>]+)>;\s*rel="([^"]+)"')


def link(headers: dict[str, Any], rel: str) -> str | None:
    """The URL of a ``Link`` header relation (GitHub's pagination)."""
    for url, name in _LINK.findall(_header(headers, "link")):
        if name == rel:
            return url
    return None


def _header(headers: dict[str, Any], name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return ""
