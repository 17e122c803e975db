"""Redelivery: every scenario delivered again through the service, as GitHub redelivers.

A copy with the same ``X-GitHub-Delivery`` is answered by this process from
the first copy's result, without a GitHub request. A copy another process
handles (another Lambda instance, which has not seen the first: played here
with a fresh delivery id) must leave the same final state and change nothing
on GitHub: no branch moves and no pull request is opened or closed (read from
the simulator's own events, as GitHub would emit them). Feedback (check runs,
statuses) may be written again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from gh_promotion.simulator import SimRepository
from tests.reliability.conftest import SIGNALS, GitHub, open_promotion, writes
from tests.reliability.test_faults import git

FEEDBACK_EVENTS = {"check_run", "check_suite", "status"}
Scenario = Callable[[GitHub], tuple[SimRepository, str, dict]]


def push_opening(github: GitHub) -> tuple[SimRepository, str, dict]:
    repo = github.new_repo()
    repo.push("main")
    return repo, "push", github.push(repo, "main")


def push_already_open(github: GitHub) -> tuple[SimRepository, str, dict]:
    repo = github.new_repo()
    open_promotion(repo)
    return repo, "push", github.push(repo, "main")


def push_missing_target(github: GitHub) -> tuple[SimRepository, str, dict]:
    repo = github.new_repo(history=3, staging=False)
    return repo, "push", github.push(repo, "main")


def push_nothing_to_promote(github: GitHub) -> tuple[SimRepository, str, dict]:
    repo = github.new_repo()
    return repo, "push", github.push(repo, "main")


def push_elsewhere(github: GitHub) -> tuple[SimRepository, str, dict]:
    repo = github.new_repo()
    repo.push("feature/x")
    return repo, "push", github.push(repo, "feature/x")


def signal(kind: str, situation: str = "") -> Scenario:
    def make(github: GitHub) -> tuple[SimRepository, str, dict]:
        repo = github.new_repo()
        pull = open_promotion(repo)
        if situation == "protected":
            repo.protect("staging", required_contexts=("ci",))
        if situation == "diverged":
            repo.push("staging", message="hotfix on staging")
        event, payload = github.signal(kind, repo, pull)
        return repo, event, payload

    return make


def rollback(where: str) -> Scenario:
    def make(github: GitHub) -> tuple[SimRepository, str, dict]:
        repo = github.new_repo(history=3, staging=False)
        head = repo.branch_sha("main")
        for stage in ("staging", "canary", "production"):
            repo.create_branch(stage, head)
        target = git(repo, "rev-parse", f"{head}^") if where == "behind" else head
        if where == "ahead":
            target = repo.push("main", message="newer")
        repo.set_branch("rollback-production", target)
        return repo, "push", github.push(repo, "rollback-production")

    return make


SCENARIOS: dict[str, Scenario] = {
    "push opening a promotion request": push_opening,
    "push with the request already open": push_already_open,
    "push creating the missing target": push_missing_target,
    "push with nothing to promote": push_nothing_to_promote,
    "push to a non-stage branch": push_elsewhere,
    **{f"{kind} fast-forward": signal(kind) for kind in SIGNALS},
    "approval blocked by protection": signal("pull_request_review", "protected"),
    "approval of a target that diverged": signal("pull_request_review", "diverged"),
    "rollback to an older commit": rollback("behind"),
    "rollback ahead (rejected)": rollback("ahead"),
    "rollback to where production is": rollback("identical"),
}


def state(repo: SimRepository) -> dict[str, Any]:
    pulls = [
        (p["number"], p["state"], p["merged"], p["head"]["ref"], p["base"]["ref"], p["draft"])
        for p in repo.pull_requests(state="all")
    ]
    return {"branches": repo.branches, "pulls": sorted(pulls)}


def changes(github: GitHub, repo: SimRepository, since: int) -> list[str]:
    """What GitHub announced about this repository since ``since``, feedback left out."""
    github.sim.wait_for_webhooks()
    return [
        f"{d.event} {d.payload.get('action') or d.payload.get('ref', '')}"
        for d in github.sim.deliveries[since:]
        if d.event not in FEEDBACK_EVENTS
        and (d.payload.get("repository") or {}).get("full_name") == repo.full_name
    ]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_redelivered_delivery_leaves_the_same_state_and_writes_nothing_new(
    github: GitHub, name: str
) -> None:
    repo, event, payload = SCENARIOS[name](github)
    delivery_id = str(uuid.uuid4())
    github.sim.wait_for_webhooks()
    events_before = len(github.sim.deliveries)
    first_status, first = github.post(event, payload, delivery_id=delivery_id)
    assert first_status == 200, first
    after_first = state(repo)
    first_changes = changes(github, repo, events_before)

    requests_before_copy = len(github.sim.requests)
    copy_status, copy = github.post(event, payload, delivery_id=delivery_id)
    assert (copy_status, copy) == (200, {**first, "duplicate_of": delivery_id})
    assert github.sim.requests[requests_before_copy:] == []

    events_between, requests_between = len(github.sim.deliveries), len(github.sim.requests)
    second_status, second = github.post(event, payload, delivery_id=str(uuid.uuid4()))

    assert second_status == 200, second
    print(f"\n{name}: {first['status']} then {second['status']}: {second['reason']}")
    assert state(repo) == after_first
    assert changes(github, repo, events_between) == []
    new_writes = [
        (r.method, r.path, r.status)
        for r in writes(github.sim.requests[requests_between:])
        if r.status < 300 and not r.path.endswith("/check-runs") and "/statuses/" not in r.path
    ]
    assert all(method == "PATCH" for method, _, _ in new_writes), new_writes  # no-op ref updates
    if (
        first["status"] in ("pending", "promoted", "rolled_back")
        and "already" not in first["reason"]
    ):
        assert first_changes != []  # the first delivery did change something: the check can fail


def test_a_redelivery_after_github_failed_is_handled_again(github: GitHub) -> None:
    """A 502 is not remembered: the redelivery of that delivery does the work."""
    repo = github.new_repo()
    pull = open_promotion(repo)
    event, payload = github.signal("pull_request_review", repo, pull)
    delivery_id = str(uuid.uuid4())
    github.sim.inject_fault(method="PATCH", path=r"/git/refs/heads/staging", status=503, count=20)
    try:
        status, failed = github.post(event, payload, delivery_id=delivery_id)
    finally:
        github.sim.clear_faults()
    assert status == 502 and "GitHub unavailable" in failed["error"], failed

    status, retried = github.post(event, payload, delivery_id=delivery_id)

    assert status == 200 and retried["status"] == "promoted", retried
    assert "duplicate_of" not in retried
    assert repo.branch_sha("staging") == pull["head"]["sha"]
