"""GitHub failing on each step of each path: the product retries and completes, or answers 5xx.

For every fault kind, every (path, step) case gets its own repository and a
fault armed only for that repository's request at that step; the cases then
run concurrently through ``handle()`` (the level where retries and error
mapping live; the service maps ``GitHubUnavailable`` to 502, which
``test_a_github_outage_is_a_502_over_http`` checks over HTTP). After each case:

- every branch is at its old sha or at the sha the promotion intends;
- no forced update happened outside a rollback (GitHub's own record: the
  simulator's push events carry ``forced``, as GitHub's do; the request log
  has no bodies);
- at most one promotion request is open;
- a case answered 5xx is redelivered without the fault and must then end in
  the intended state, so nothing is lost.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from gh_promotion.core import GitHubUnavailable, Result
from gh_promotion.gateway.client import forget_clients
from gh_promotion.simulator import SimRepository
from testkit.deliveries import signed
from tests.reliability.conftest import GitHub, open_promotion, writes

CHECK_RUNS = ("POST", r"/check-runs$")
PATCH_STAGING = ("PATCH", r"/git/refs/heads/staging$")
TIMEOUT_DELAY = 4.6  # the gateway's client timeout is 4 s per request


@dataclass(frozen=True)
class Fault:
    status: int
    count: int = 1
    retry_after: int | None = None
    delay: float = 0.0
    transient: bool = True  # one failure: the product must retry and complete


FAULTS = {
    "500 once": Fault(500),
    "502 once": Fault(502),
    "403 secondary rate limit, Retry-After 1": Fault(403, retry_after=1),
    "429 Retry-After 1": Fault(429, retry_after=1),
    "timeout once (4.6 s > 4 s client timeout)": Fault(0, delay=TIMEOUT_DELAY),
    "503 every time": Fault(503, count=50, transient=False),
}


@dataclass
class Case:
    """One delivery on its own repository, and the states it may end in."""

    name: str
    repo: SimRepository
    event: str
    payload: dict
    intended: dict[str, str | None]  # branch → sha once the delivery succeeded
    done: str  # the status of a successful delivery
    steps: list[tuple[str, str]]
    rollback: bool = False
    before: dict[str, str] = field(default_factory=dict)
    fault_on: tuple[str, str] = ("", "")
    outcome: Any = None


def push_opening(github: GitHub) -> Case:
    repo = github.new_repo()
    repo.push("main", message="feature")
    intended = {"main": repo.branch_sha("main"), "staging": repo.branch_sha("staging")}
    steps = [("POST", r"/pulls$"), CHECK_RUNS]
    return Case(
        "push opening a PR", repo, "push", github.push(repo, "main"), intended, "pending", steps
    )


def push_missing_target(github: GitHub) -> Case:
    repo = github.new_repo(history=3, staging=False)
    intended = {
        "main": repo.branch_sha("main"),
        "staging": git(repo, "rev-list", "--max-parents=0", "main"),
    }
    steps = [("POST", r"/pulls$"), ("GET", r"/commits$"), ("POST", r"/git/refs$"), CHECK_RUNS]
    payload = github.push(repo, "main")
    return Case("push, target missing", repo, "push", payload, intended, "pending", steps)


def git(repo: SimRepository, *args: str) -> str:
    """Ask the simulated repository's real git directly."""
    command = ["git", "--git-dir", repo.git_dir, *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def fast_forward(kind: str, steps: list[tuple[str, str]]) -> Callable[[GitHub], Case]:
    def make(github: GitHub) -> Case:
        repo = github.new_repo()
        pull = open_promotion(repo)
        event, payload = github.signal(kind, repo, pull)
        intended = {"main": pull["head"]["sha"], "staging": pull["head"]["sha"]}
        return Case(f"{kind} fast-forward", repo, event, payload, intended, "promoted", steps)

    return make


def rollback(github: GitHub) -> Case:
    repo = github.new_repo(history=3, staging=False)
    head = repo.branch_sha("main")
    for stage in ("staging", "canary", "production"):
        repo.create_branch(stage, head)
    target = git(repo, "rev-parse", f"{head}^")
    repo.set_branch("rollback-production", target)
    intended = {"main": head, "staging": head, "canary": target, "production": target}
    steps = [
        ("GET", r"/compare/"),
        ("PATCH", r"/git/refs/heads/production$"),
        ("PATCH", r"/git/refs/heads/canary$"),
        CHECK_RUNS,
    ]
    payload = github.push(repo, "rollback-production")
    return Case("rollback", repo, "push", payload, intended, "rolled_back", steps, rollback=True)


BY_SHA = [("GET", r"/pulls$"), PATCH_STAGING, CHECK_RUNS]
SCENARIOS: list[Callable[[GitHub], Case]] = [
    push_opening,
    push_missing_target,
    fast_forward("pull_request_review", [PATCH_STAGING, CHECK_RUNS]),
    fast_forward("check_suite", [PATCH_STAGING, CHECK_RUNS]),
    fast_forward("workflow_run", [PATCH_STAGING, CHECK_RUNS]),
    fast_forward("status", BY_SHA),
    fast_forward("deployment_status", BY_SHA),
    rollback,
]


def build_cases(github: GitHub, fault: Fault) -> list[Case]:
    cases = []
    for scenario in SCENARIOS:
        first = scenario(github)
        for step_index in range(len(first.steps)):
            case = first if step_index == 0 else scenario(github)
            method, suffix = case.steps[step_index]
            case.fault_on = (method, suffix)
            case.name = f"{case.name}, fault on {method} {suffix}"
            case.before = case.repo.branches
            prefix = f"^/repos/{case.repo.owner}/{case.repo.name}"
            github.sim.inject_fault(
                method=method,
                path=prefix + suffix,
                status=fault.status,
                count=fault.count,
                retry_after=fault.retry_after,
                delay=fault.delay,
            )
            cases.append(case)
    return cases


def deliver(github: GitHub, case: Case) -> Result | Exception:
    try:
        return github.handle(case.event, case.payload, rollback=case.rollback)
    except GitHubUnavailable as failure:
        return failure


def fault_was_hit(github: GitHub, case: Case, fault: Fault) -> bool:
    """The simulator's log shows the armed fault answering this case's request."""
    method, suffix = case.fault_on
    pattern = re.compile(f"^/repos/{case.repo.owner}/{case.repo.name}{suffix}")
    for request in github.sim.requests:
        if request.method == method and pattern.search(request.path):
            if fault.delay and request.duration >= fault.delay:
                return True
            if not fault.delay and request.status == fault.status:
                return True
    return False


def violations(github: GitHub, case: Case, fault: Fault) -> list[str]:
    found = [] if fault_was_hit(github, case, fault) else ["the fault was never hit"]
    outcome = case.outcome
    if isinstance(outcome, Exception) and not isinstance(outcome, GitHubUnavailable):
        found.append(f"raised {outcome!r}")
    if fault.transient and not isinstance(outcome, Result):
        found.append(f"a single fault was not retried: {outcome}")
    if fault.transient and isinstance(outcome, Result) and outcome.status.value != case.done:
        found.append(f"ended {outcome.status.value}: {outcome.reason}")
    for branch, sha in case.repo.branches.items():
        allowed = {case.before.get(branch), case.intended.get(branch, case.before.get(branch))}
        if sha not in allowed:
            found.append(f"{branch} at {sha[:7]}, expected one of {sorted(map(str, allowed))}")
    for branch in case.before:
        if case.repo.branch_sha(branch) is None:
            found.append(f"{branch} was deleted")
    for forced in forced_pushes(github, case.repo):
        if not case.rollback or forced not in ("production", "canary"):
            found.append(f"forced update of {forced}")
    if len(case.repo.pull_requests()) > 1:
        found.append(f"{len(case.repo.pull_requests())} pull requests open")
    return found


def forced_pushes(github: GitHub, repo: SimRepository) -> list[str]:
    github.sim.wait_for_webhooks()
    return [
        d.payload["ref"].removeprefix("refs/heads/")
        for d in github.sim.deliveries
        if d.event == "push"
        and d.payload.get("forced")
        and d.payload["repository"]["full_name"] == repo.full_name
    ]


def rollback_stopped_midway(case: Case) -> bool:
    """A persistent failure after production moved: documented as a reported partial rollback."""
    outcome = case.outcome
    return (
        case.rollback
        and isinstance(outcome, Result)
        and outcome.status.value == "failed"
        and "not moved canary" in outcome.reason
    )


def feedback_only(case: Case) -> bool:
    return isinstance(case.outcome, Result) and case.outcome.status.value == case.done


@pytest.mark.parametrize("kind", list(FAULTS))
def test_a_fault_on_each_step_of_each_path_leaves_no_branch_wrong(
    github: GitHub, kind: str
) -> None:
    fault = FAULTS[kind]
    cases = build_cases(github, fault)
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        outcomes = pool.map(lambda c: deliver(github, c), cases)
        for case, outcome in zip(cases, outcomes, strict=True):
            case.outcome = outcome
    if fault.delay:
        time.sleep(1.0)  # the delayed originals finish after the client gave up on them
    problems = [f"{c.name}: {v}" for c in cases for v in violations(github, c, fault)]
    github.sim.clear_faults()
    redelivered = 0
    for case in cases:
        if isinstance(case.outcome, Result) and (
            feedback_only(case) or rollback_stopped_midway(case)
        ):
            continue
        redelivered += 1
        again = deliver(github, case)
        if not isinstance(again, Result):
            problems.append(f"{case.name}: redelivery failed: {again}")
            continue
        for branch, sha in case.intended.items():
            if case.repo.branch_sha(branch) != sha:
                problems.append(f"{case.name}: after redelivery {branch} is not at {sha[:7]}")
    assert problems == []
    assert len(cases) >= 20
    rolled_back = [c for c in cases if c.rollback and feedback_only(c)]
    assert all("production" in forced_pushes(github, c.repo) for c in rolled_back)
    if not fault.transient:
        assert redelivered > 0  # the persistent fault did make deliveries fail


@pytest.mark.parametrize("kind", ["502 once", "429 Retry-After 1", "503 every time"])
def test_a_fault_on_the_installation_token_exchange(github: GitHub, kind: str) -> None:
    fault = FAULTS[kind]
    forget_clients()  # the next delivery must exchange a JWT for a token again
    repo = github.new_repo()
    repo.push("main")
    github.sim.inject_fault(
        method="POST",
        path=r"^/app/installations/\d+/access_tokens$",
        status=fault.status,
        count=fault.count,
        retry_after=fault.retry_after,
    )
    seen = len(github.sim.requests)
    try:
        outcome = deliver(
            github, Case("token", repo, "push", github.push(repo, "main"), {}, "", [])
        )
    finally:
        github.sim.clear_faults()
    if fault.transient:
        assert isinstance(outcome, Result) and outcome.status.value == "pending", outcome
    else:
        assert isinstance(outcome, GitHubUnavailable), outcome
        assert writes(github.sim.requests[seen:]) == []
        assert repo.pull_requests() == []


def test_a_github_outage_is_a_502_over_http_and_the_redelivery_promotes(github: GitHub) -> None:
    repo = github.new_repo()
    pull = open_promotion(repo)
    before = repo.branch_sha("staging")
    prefix = f"^/repos/{repo.owner}/{repo.name}"
    github.sim.inject_fault(method="PATCH", path=prefix + PATCH_STAGING[1], status=503, count=50)
    payload = github.review(repo, pull)
    headers, body = signed("pull_request_review", payload, secret="unused")
    del headers, body
    try:
        status, answer = github.post("pull_request_review", payload)
    finally:
        github.sim.clear_faults()
    assert status == 502 and "GitHub unavailable" in answer["error"], answer
    assert "Traceback" not in str(answer)
    assert repo.branch_sha("staging") == before
    status, answer = github.post("pull_request_review", payload)
    assert (status, answer["status"]) == (200, "promoted")
    assert repo.branch_sha("staging") == pull["head"]["sha"]
