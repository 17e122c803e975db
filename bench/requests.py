"""1. GitHub API requests per event type, from the simulator's request log, beside the Go tool.

Each path is replayed through ``core.handle`` (the one core every runtime calls)
against the simulator with the App's check-run feedback on, and the requests
made with the installation token are counted (the App's JWT exchange for the
token happens once per process and is left out, as it is for the Go tool).

The Go tool's sequences are read from isometry/gh-promotion-app:
``internal/handler/processor/event_push.go`` (GetRef via ``PromotionTargetRefExists``,
``FindPullRequest`` = list pulls, ``CreatePullRequest``, then feedback),
``internal/controllers/github/controller.go`` (``GetPromotionSourceRootRef``
walks every page of ``ListCommits`` at 100 per page; ``FastForwardRefToSha``),
``post_fastForwarder.go`` (``FindPullRequest`` when the payload names no
branch: status and deployment_status) and ``event_rollback.go`` (one compare,
one forced update per stage, no feedback).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bench.report import Section, Table
from bench.world import GitHub, open_promotion, parent_of
from gh_promotion.core import Delivery, Result
from gh_promotion.runtime.wiring import handle
from gh_promotion.simulator import SimRepository

Calls = list[tuple[str, str]]


@dataclass(frozen=True)
class Path:
    name: str
    go_requests: int | None  # None: the Go tool has no such path
    go_sequence: str
    replay: Callable[[GitHub], tuple[Result, Calls]]


def deliver(
    github: GitHub, event: str, payload: dict, rollback: bool = False
) -> tuple[Result, Calls]:
    github.sim.clear_requests()
    result = handle(Delivery(event, str(uuid.uuid4()), payload), github.config(rollback=rollback))
    return result, github.calls()


def push_opening(github: GitHub) -> tuple[Result, Calls]:
    repo = github.new_repo()
    repo.push("main", message="feature")
    return deliver(github, "push", github.push(repo, "main"))


def push_with_open_request(github: GitHub) -> tuple[Result, Calls]:
    repo = github.new_repo()
    open_promotion(repo)
    return deliver(github, "push", github.push(repo, "main"))


def push_missing_target(history: int) -> Callable[[GitHub], tuple[Result, Calls]]:
    def replay(github: GitHub) -> tuple[Result, Calls]:
        repo = github.new_repo(history=history, staging=False)
        return deliver(github, "push", github.push(repo, "main"))

    return replay


def signal(build: Callable[[GitHub, SimRepository, dict], tuple[str, dict]]):
    def replay(github: GitHub) -> tuple[Result, Calls]:
        repo = github.new_repo()
        pull = open_promotion(repo)
        event, payload = build(github, repo, pull)
        return deliver(github, event, payload)

    return replay


def ready_for_review(github: GitHub) -> tuple[Result, Calls]:
    from bench.world import PROPS, webhook_pull
    from testkit import payloads

    repo = github.new_repo()
    pull = open_promotion(repo)
    payload = payloads.pull_request(
        "ready_for_review",
        repo.full_name,
        webhook_pull(repo, pull),
        properties=PROPS,
        installation_id=github.installation_id,
    )
    return deliver(github, "pull_request", payload)


def rollback(github: GitHub) -> tuple[Result, Calls]:
    repo = github.new_repo(history=3, staging=False)
    head = repo.branch_sha("main")
    for stage in ("staging", "canary", "production"):
        repo.create_branch(stage, head)
    repo.set_branch("rollback-production", parent_of(repo, head))
    return deliver(github, "push", github.push(repo, "rollback-production"), rollback=True)


def skipped_push(github: GitHub) -> tuple[Result, Calls]:
    repo = github.new_repo()
    repo.push("feature/login")
    return deliver(github, "push", github.push(repo, "feature/login"))


def ping(github: GitHub) -> tuple[Result, Calls]:
    return deliver(github, "ping", {"zen": "Keep it logically awesome.", "hook_id": 1})


GO_PUSH = "GET ref, GET pulls, POST pulls, POST check-runs"
GO_MISSING = (
    "GET ref (404), GET commits × every page (50 at 100/page), POST git/refs, "
    "GET pulls, POST pulls, POST check-runs"
)
GO_NAMED = "PATCH ref, POST check-runs"
GO_BY_SHA = "GET pulls (unfiltered, one page), PATCH ref, POST check-runs"

PATHS = [
    Path("push, promotion request opened", 4, GO_PUSH, push_opening),
    Path(
        "push, promotion request already open",
        3,
        "GET ref, GET pulls, POST check-runs",
        push_with_open_request,
    ),
    Path(
        "push, target missing, 3-commit history",
        6,
        GO_MISSING.replace("50 at", "1 at"),
        push_missing_target(3),
    ),
    Path("push, target missing, 5,000-commit history", 54, GO_MISSING, push_missing_target(5000)),
    Path(
        "pull_request_review approved",
        2,
        GO_NAMED,
        signal(lambda g, r, p: ("pull_request_review", g.review(r, p))),
    ),
    Path(
        "check_suite success (names the PR)",
        2,
        GO_NAMED,
        signal(lambda g, r, p: ("check_suite", g.run("check_suite", r, p))),
    ),
    Path(
        "workflow_run success (names the PR)",
        2,
        GO_NAMED,
        signal(lambda g, r, p: ("workflow_run", g.run("workflow_run", r, p))),
    ),
    Path("status success", 3, GO_BY_SHA, signal(lambda g, r, p: ("status", g.status(r, p)))),
    Path(
        "deployment_status success",
        3,
        GO_BY_SHA,
        signal(lambda g, r, p: ("deployment_status", g.deployment(r, p))),
    ),
    Path("pull_request ready_for_review", None, "(no such path)", ready_for_review),
    Path(
        "rollback (production + cascade canary)",
        3,
        "GET compare, PATCH ref force × 2 (no feedback)",
        rollback,
    ),
    Path("push to a non-stage branch (skipped)", 0, "—", skipped_push),
    Path("ping", 0, "—", ping),
]

_REPO_PREFIX = re.compile(r"^/repos/[^/]+/[^/]+")


_SHA = re.compile(r"[0-9a-f]{40}")


def short(calls: Calls) -> str:
    """``POST /pulls, POST /check-runs``: paths without the repository prefix or full shas."""
    shown = (f"{m} {_SHA.sub('{sha}', _REPO_PREFIX.sub('', p)) or '/'}" for m, p in calls)
    return ", ".join(shown) or "—"


def is_feedback(call: tuple[str, str]) -> bool:
    return call[0] == "POST" and ("/check-runs" in call[1] or "/statuses/" in call[1])


def run(quick: bool = False) -> Section:
    github = GitHub.start()
    try:
        measured = {path.name: path.replay(github) for path in PATHS}
    finally:
        github.stop()
    return build_section(measured)


def build_section(measured: dict[str, tuple[Result, Calls]]) -> Section:
    section = Section(
        "GitHub API requests per event type",
        "Requests with the installation token, counted from the simulator's request log, "
        "for each path through `core.handle` with check-run feedback on. The Go tool's "
        "sequence is read from its source (isometry/gh-promotion-app); its numbers include "
        "its check run, as ours include ours.",
    )
    table = Table(
        [
            "Path",
            "Outcome",
            "gh-promotion requests",
            "Go tool",
            "≤ Go",
            "Our sequence",
            "Go sequence",
        ]
    )
    never_more = True
    for path in PATHS:
        result, calls = measured[path.name]
        count = len(calls)
        within = path.go_requests is None or count <= path.go_requests
        if path.go_requests is not None and not within and "rollback" not in path.name:
            never_more = False
        go = "—" if path.go_requests is None else str(path.go_requests)
        mark = "" if path.go_requests is None else ("✅" if within else "❌")
        table.add(path.name, result.status.value, count, go, mark, short(calls), path.go_sequence)
    section.tables.append(table)
    _goals(section, measured, never_more)
    return section


def _count(measured: dict[str, tuple[Result, Calls]], name: str) -> int:
    return len(measured[name][1])


def _goals(section: Section, measured: dict[str, tuple[Result, Calls]], never_more: bool) -> None:
    rollback_name = "rollback (production + cascade canary)"
    rollback_calls = measured[rollback_name][1]
    rollback_plain = len([c for c in rollback_calls if not is_feedback(c)])
    section.goal(
        "Never more requests than the Go tool (promotion paths)",
        "every promotion path ≤ Go" if never_more else "some path exceeds Go (see table)",
        never_more,
    )
    section.goal(
        "Rollback: no more than the Go tool",
        f"{len(rollback_calls)} with feedback, {rollback_plain} without "
        "(Go: 3, and it gives no feedback)",
        len(rollback_calls) <= 3,
    )
    opening = _count(measured, "push, promotion request opened")
    section.goal(
        "Push opening a PR: ≤ 2 with feedback (half of Go's 4)", str(opening), opening <= 2
    )
    small = _count(measured, "push, target missing, 3-commit history")
    large = _count(measured, "push, target missing, 5,000-commit history")
    section.goal(
        "Missing target: constant whatever the history, ≤ 6 with feedback",
        f"{small} on 3 commits, {large} on 5,000",
        small == large <= 6,
    )
    for name in (
        "pull_request_review approved",
        "check_suite success (names the PR)",
        "workflow_run success (names the PR)",
    ):
        calls = measured[name][1]
        writes = [c for c in calls if c[0] != "GET" and not is_feedback(c)]
        feedback = [c for c in calls if is_feedback(c)]
        exact = (
            len(calls) == 2 and len(writes) == 1 and writes[0][0] == "PATCH" and len(feedback) == 1
        )
        section.goal(f"{name.split(' ')[0]}: exactly 1 write + 1 feedback", short(calls), exact)
    skipped = _count(measured, "push to a non-stage branch (skipped)") + _count(measured, "ping")
    section.goal("Skipped events and ping: 0 requests", str(skipped), skipped == 0)
    section.notes += [
        "Read from the Go source, the missing-target sequence on 5,000 commits is "
        "1 + 50 + 1 + 1 + 1 + 1 = 55 requests; issue 6 quotes 54. The table compares "
        "against the smaller number.",
        "The rollback is reported on the rollback commit (a check run), which issue 4 asks "
        "for and the Go tool does not do: like for like (without feedback) it makes "
        f"{rollback_plain} requests against Go's 3.",
        "`pull_request ready_for_review` releases a draft promotion request; the Go tool "
        "has no such path.",
    ]
