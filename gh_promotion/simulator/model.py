"""The simulator's mutable state: repositories, pull requests, statuses, check runs, Apps.

Plain dataclasses with no behaviour of their own: `world.World` changes them under one lock
and `views` renders them as GitHub's JSON, so the rules live in one place.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from gh_promotion.simulator import clock
from gh_promotion.simulator.gitstore import GitStore

_ids = itertools.count(1000)


def next_id() -> int:
    """A process-wide increasing id, like GitHub's database ids (never reused)."""
    return next(_ids)


def iso(moment: float | None) -> str | None:
    """GitHub's timestamp format (UTC, second precision, trailing Z)."""
    if moment is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


@dataclass(frozen=True)
class Actor:
    """Who made a change: a user, or an App's bot when it acted with an installation token."""

    login: str
    kind: str = "User"  # "User" or "Bot"
    app_id: int | None = None  # the App whose installation token acted (rulesets' bypass)


@dataclass(frozen=True)
class SimApp:
    """A registered GitHub App: the id and private key a test hands to PyGithub's AppAuth."""

    app_id: int
    private_key_pem: str
    slug: str
    public_key_pem: str = field(repr=False, default="")
    webhook_secret: str = field(repr=False, default="")

    @property
    def bot_login(self) -> str:
        return f"{self.slug}[bot]"


# GitHub Actions is itself a GitHub App: its workflow jobs are check runs of this App.
ACTIONS_APP = SimApp(15368, "", "github-actions")


@dataclass
class Installation:
    """An App installed on an owner: covers every repository of that owner."""

    id: int
    app: SimApp
    owner: str
    suspended_at: float | None = None  # suspended by the owner: no token, no request


@dataclass
class Review:
    id: int
    login: str
    state: str  # APPROVED / CHANGES_REQUESTED / COMMENTED
    commit_id: str
    body: str
    submitted_at: float


@dataclass
class PullRequest:
    id: int
    number: int
    title: str
    body: str | None
    login: str
    head_ref: str
    base_ref: str
    head_sha: str
    base_sha: str
    draft: bool = False
    state: str = "open"
    merged: bool = False
    merged_at: float | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    closed_at: float | None = None
    created_at: float = field(default_factory=clock.now)
    updated_at: float = field(default_factory=clock.now)
    reviews: list[Review] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


@dataclass
class CommitStatus:
    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: float = field(default_factory=clock.now)


@dataclass
class CheckRun:
    id: int
    sha: str
    name: str
    status: str
    conclusion: str | None
    app: SimApp | None
    suite_id: int
    external_id: str | None = None
    details_url: str | None = None
    output: dict = field(default_factory=dict)
    started_at: float = field(default_factory=clock.now)
    completed_at: float | None = None


@dataclass
class Issue:
    """An issue (not a pull request: those keep their own record and share the numbers)."""

    id: int
    number: int
    title: str
    body: str | None
    login: str
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    state_reason: str | None = None
    closed_by: str | None = None
    created_at: float = field(default_factory=clock.now)
    updated_at: float = field(default_factory=clock.now)
    closed_at: float | None = None


@dataclass(frozen=True)
class RefActivity:
    """One change of a branch, as `GET /repos/{o}/{r}/activity` lists it."""

    id: int
    ref: str
    before: str
    after: str
    activity_type: str  # push, force_push, branch_creation, branch_deletion, pr_merge
    login: str
    timestamp: float


@dataclass(frozen=True)
class Protection:
    """Branch protection: what a ref update to this branch must satisfy."""

    required_contexts: tuple[str, ...] = ()
    required_approving_reviews: int = 0
    allow_force_pushes: bool = False


@dataclass(frozen=True)
class Ruleset:
    """A repository ruleset on branches: GitHub's rule objects, kept as sent."""

    id: int
    name: str
    enforcement: str  # "active", "evaluate" or "disabled"
    include: tuple[str, ...]  # conditions.ref_name patterns
    exclude: tuple[str, ...]
    rules: tuple[dict, ...]  # {"type", "parameters"}
    bypass_actors: tuple[dict, ...] = ()
    created_at: float = field(default_factory=time.time)


@dataclass
class Repository:
    id: int
    owner: str
    name: str
    default_branch: str
    git: GitStore
    custom_properties: dict[str, str | list[str] | None] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    statuses: dict[str, list[CommitStatus]] = field(default_factory=dict)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    check_suites: dict[tuple[str, int], int] = field(default_factory=dict)
    protections: dict[str, Protection] = field(default_factory=dict)
    rulesets: dict[int, Ruleset] = field(default_factory=dict)
    workflow_runs: list[dict] = field(default_factory=list)  # newest first, as GitHub lists them
    deployments: list[dict] = field(default_factory=list)  # newest first
    deployment_statuses: dict[int, list[dict]] = field(default_factory=dict)  # newest first
    created_at: float = field(default_factory=clock.now)
    pushed_at: float = field(default_factory=clock.now)
    issues: dict[int, Issue] = field(default_factory=dict)
    activity: list[RefActivity] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        """Issues and pull requests share one sequence of numbers, as on GitHub."""
        return max([*self.pulls, *self.issues], default=0) + 1
