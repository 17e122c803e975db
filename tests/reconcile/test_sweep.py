"""The sweep recovers what lost webhooks would have done (issue 13), against the simulator."""

from __future__ import annotations

from gh_promotion.core.result import Status
from tests.reconcile.conftest import by_step


def test_a_missed_status_success_promotes_exactly_the_pull_requests_head(github):
    repo = github.new_repo()
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.set_status(head, "success", context="ci")
    github.sim.clear_requests()

    results = github.sweep(repo)

    assert repo.branch_sha("staging") == head
    step = by_step(results)[("main", "staging")]
    assert step.status is Status.PROMOTED, step.reason
    assert step.event == "reconcile" and step.repository == repo.full_name
    assert step.sha == head
    assert ("fast_forward", "staging", "done", head) in [
        (w.action, w.target, w.outcome, w.detail) for w in step.writes
    ]


def _writes(results):
    return [(w.action, w.target, w.outcome) for r in results for w in r.writes]


def test_a_newer_commit_pushed_after_the_signal_moves_nothing(github):
    repo = github.new_repo()
    signalled = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.set_status(signalled, "success", context="ci")
    newer = repo.push("main", "later work")  # the request's head follows, unsignalled
    before = repo.branch_sha("staging")

    step = by_step(github.sweep(repo))[("main", "staging")]

    assert repo.branch_sha("staging") == before
    assert (step.status, step.sha, step.writes) == (Status.PENDING, newer, ())
    assert "waits for an approval or a green check" in step.reason


def test_a_missed_push_opens_the_request_and_creates_the_missing_target(github):
    repo = github.new_repo(staging=False)
    head = repo.push("main", "feature")

    results = github.sweep(repo)

    step = by_step(results)[("main", "staging")]
    assert step.status is Status.PENDING, step.reason
    oldest = repo.state.git.log(head, 0, 10)[-1].sha
    assert repo.branch_sha("staging") == oldest  # the first commit, as a push does
    [pull] = [p for p in repo.pull_requests() if p["base"]["ref"] == "staging"]
    assert (pull["head"]["ref"], pull["head"]["sha"]) == ("main", head)
    assert ("create_branch", "staging", "done") in _writes([step])


def test_a_draft_request_with_a_signal_moves_nothing(github):
    repo = github.new_repo()
    head = repo.push("main", "feature")
    number = repo.open_pull_request("main", "staging", draft=True)
    repo.set_status(head, "success", context="ci")
    before = repo.branch_sha("staging")

    step = by_step(github.sweep(repo))[("main", "staging")]

    assert repo.branch_sha("staging") == before
    assert (step.status, step.pull_request, step.writes) == (Status.PENDING, number, ())
    assert "draft" in step.reason


def test_a_protected_target_is_blocked_and_not_retried_on_the_same_signal(github):
    repo = github.new_repo()
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.protect("staging", required_contexts=["deploy"])
    repo.set_status(head, "success", context="ci")
    before = repo.branch_sha("staging")

    step = by_step(github.sweep(repo))[("main", "staging")]
    assert repo.branch_sha("staging") == before
    assert step.status is Status.BLOCKED, step.reason
    assert ("fast_forward", "staging", "refused") in _writes([step])

    github.sim.clear_requests()
    again = by_step(github.sweep(repo))[("main", "staging")]
    assert again.status is Status.PENDING and "already reported it blocked" in again.reason
    assert github.writes() == []


def test_a_second_sweep_right_after_the_first_makes_no_write(github):
    repo = github.new_repo()
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.approve(repo.pull_requests()[0]["number"])
    first = github.sweep(repo)
    assert repo.branch_sha("staging") == head
    assert _writes(first)  # promoted, then opened staging → canary

    github.sim.clear_requests()
    second = github.sweep(repo)

    assert github.writes() == []
    assert all(r.writes == () for r in second)


def test_dry_run_writes_nothing_and_lists_what_the_real_run_does(github):
    repo = github.new_repo()
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.set_status(head, "success", context="ci")
    branches = repo.branches

    planned = github.sweep(repo, dry_run=True)

    assert github.writes() == [] and repo.branches == branches
    assert all(r.dry_run for r in planned)
    real = github.sweep(repo)
    assert [(a, t) for a, t, o in _writes(planned) if o == "planned"] == [
        (a, t) for a, t, o in _writes(real) if o == "done"
    ]
    assert by_step(planned)[("main", "staging")].reason.startswith("would fast-forward staging")
