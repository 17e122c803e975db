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
