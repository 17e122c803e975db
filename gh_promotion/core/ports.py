"""What the core needs from GitHub, stated as a port: the core asks, it never connects.

A promotion makes a handful of reads and writes on one repository; this module
names them (:class:`Repository`), names the values that cross (pull requests,
comparisons, :class:`~gh_promotion.core.result.Write` records) and names how the
core is handed a repository (:class:`GitHub`). The refusals the core branches on
are in :mod:`gh_promotion.core.errors`.

``gh_promotion.gateway`` implements :class:`Repository` over GitHub's REST API;
``gh_promotion.runtime.wiring`` implements :class:`GitHub` (which client, which
credentials, the App's id). Dependencies point one way: the gateway and the
runtimes import these types, and the core imports neither of them
(``tests/test_architecture.py`` keeps it so).

Types only, no I/O — like gidgethub's ``abc.py``, whose abstract ``_request`` is
the one thing a transport must supply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from gh_promotion.core.result import Write

__all__ = [
    "BranchRules",
    "CheckRunInfo",
    "Comparison",
    "GitHub",
    "IssueInfo",
    "Merge",
    "PullRequestInfo",
    "Record",
    "RefChange",
    "Repository",
    "ReviewInfo",
    "Signal",
    "StatusInfo",
    "Write",
]


class PullRequestInfo(NamedTuple):
    """An open pull request as GitHub lists it."""

    number: int
    source: str
    target: str
    head_sha: str
    base_sha: str
    draft: bool
    same_repository: bool
    url: str = ""  # the pull request's page, when the listing says
    labels: tuple[str, ...] = ()


class Signal(NamedTuple):
    """Something GitHub recorded about a head commit that may say it is good to go.

    Read by the sweep and ``explain`` (issue 13, 14) from the lists GitHub keeps
    (check runs, commit statuses, reviews, deployments), with the time it arrived:
    whether a signal counts for a step depends on when it came (``core.assess``).
    """

    kind: str  # "review", "check", "status", "workflow_run" or "deployment"
    name: str  # check run name, status context, reviewer login, deployment environment
    state: str  # "success", "pending" or "failure"
    sha: str  # the commit it is about (a review: the commit it approved)
    at: float | None  # when it arrived, epoch seconds (GitHub's one-second resolution)
    app_id: int | None = None  # the GitHub App that made a check run
    detail: str = ""  # a check run's title, a status's description


class Merge(NamedTuple):
    """A closed pull request GitHub marked merged: when its head reached its base."""

    number: int
    source: str
    target: str
    head_sha: str
    merged_at: float


class RefChange(NamedTuple):
    """One move of a branch, as GitHub's repository activity records it."""

    before: str
    after: str
    at: datetime


class IssueInfo(NamedTuple):
    """An open issue (the hold after a rollback is one)."""

    number: int
    title: str
    body: str
    url: str


class Comparison(NamedTuple):
    """``GET compare/{base}...{head}``: where head stands relative to base."""

    status: str  # "ahead", "behind", "identical" or "diverged"
    ahead_by: int
    behind_by: int
    merge_base: str = ""  # the common ancestor's sha: head's own sha when head is behind


class BranchRules(NamedTuple):
    """What GitHub says a branch requires, as read (``core.missing`` reads the meaning):
    the branch (its protection's required checks, for any reader), the rules of the
    rulesets on it, and the full protection when readable (admins only), else None."""

    branch: Mapping[str, Any]
    rules: tuple[Mapping[str, Any], ...]
    protection: Mapping[str, Any] | None = None


class StatusInfo(NamedTuple):
    """A commit status, newest first as GitHub lists them."""

    context: str
    state: str  # success, pending, failure, error
    description: str = ""


class CheckRunInfo(NamedTuple):
    name: str
    status: str  # queued, in_progress, completed
    conclusion: str | None
    app_id: int | None = None


class ReviewInfo(NamedTuple):
    login: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    commit_id: str


# How a repository reports each write it makes (or, in a dry run, plans or is
# refused) to the core, which keeps the list for the delivery's result.
Record = Callable[[Write], None]


class Repository(Protocol):
    """The reads and writes a promotion makes on one repository.

    Each is one GitHub request (``oldest_commit``: at most two), so the request
    budget of each promotion path can be read off :mod:`gh_promotion.core.promote`.
    Refusals are raised as :class:`~gh_promotion.core.errors.GitHubRefusal`
    subclasses, GitHub failing as :class:`~gh_promotion.core.errors.GitHubUnavailable`.
    Every write, whatever its outcome, is reported to the :data:`Record` the
    repository was opened with. In a dry run writes are reported as planned
    (or refused, as GitHub would refuse them) and not sent.
    """

    def open_pull_requests(self, *, head: str = "", base: str = "") -> list[PullRequestInfo]: ...

    def pull_request(self, number: int) -> PullRequestInfo: ...

    def oldest_commit(self, branch: str) -> str: ...

    def compare(self, base: str, head: str) -> Comparison: ...

    def now(self) -> datetime:
        """The time, from the clock the runtime gave this repository (aware, UTC)."""
        ...

    def branch_activity(self, branch: str) -> list[RefChange]:
        """The branch's recent moves, newest first (one request, at most 100)."""
        ...

    def open_issues(self, label: str) -> list[IssueInfo]:
        """Open issues carrying ``label`` (pull requests left out)."""
        ...

    def create_issue(self, title: str, body: str, labels: tuple[str, ...]) -> int | None:
        """The new issue's number; None in a dry run."""
        ...

    def branch_rules(self, branch: str) -> BranchRules:
        """The branch, its rules, and its protection when readable: two or three reads."""
        ...

    def commit_statuses(self, sha: str) -> list[StatusInfo]: ...

    def check_runs(self, sha: str) -> list[CheckRunInfo]: ...

    def reviews(self, number: int) -> list[ReviewInfo]: ...

    def create_pull_request(
        self, head: str, base: str, title: str, body: str, *, draft: bool
    ) -> int | None:
        """The new pull request's number; None in a dry run."""
        ...

    def create_branch(self, branch: str, sha: str) -> None: ...

    def fast_forward(self, branch: str, sha: str) -> None:
        """Move ``branch`` to ``sha`` only if that is a fast-forward."""
        ...

    def force_update(self, branch: str, sha: str) -> None:
        """Move ``branch`` to ``sha`` whatever its history: only for a validated rollback."""
        ...

    def create_check_run(self, name: str, sha: str, conclusion: str, output: dict) -> None: ...

    def create_commit_status(
        self, sha: str, state: str, context: str, description: str
    ) -> None: ...


class GitHub(Protocol):
    """What the edge hands the core for each delivery: its way to GitHub."""

    def repository(
        self, owner: str, name: str, installation_id: int | None, record: Record
    ) -> Repository:
        """The repository, reached as this installation (or with the token).

        Raises :class:`~gh_promotion.core.errors.BadDelivery` or
        :class:`~gh_promotion.core.errors.GitHubUnavailable` when it cannot be
        reached as asked (no installation id with App auth, no token).
        """
        ...

    def own_app_id(self) -> str | None:
        """The id of the GitHub App gh-promotion runs as; None with a personal token.

        Asked only when a check suite names its App, since finding it may read
        the App's credentials (from SSM in ``ssm`` mode).
        """
        ...
