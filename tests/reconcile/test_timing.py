"""The timing rule: a signal counts for ``source → target`` only if it arrived after the head
reached ``source``; otherwise one CI success would carry a commit through every stage."""

from __future__ import annotations

import time

from gh_promotion.config.model import CheckRunConfig, CommitStatusConfig, FeedbackConfig
from gh_promotion.core.result import Status
from tests.reconcile.conftest import by_step

ONE_SECOND = 1.1  # GitHub's timestamps have one-second resolution: "later" is a later second


def _promote_to_staging(github, repo, config=None):
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.set_status(head, "success", context="ci")
    github.sweep(repo, config=config)
    assert repo.branch_sha("staging") == head
    return head


def test_one_success_does_not_carry_a_commit_past_the_first_stage(github):
    repo = github.new_repo()
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.set_status(head, "success", context="ci")
    repo.complete_workflow_run(head, "success", name="build")  # both before staging's turn
    github.sweep(repo)
    assert repo.branch_sha("staging") == head
    canary = repo.branch_sha("canary")

    results = by_step(github.sweep(repo))  # the same signals, older than the promotion

    assert repo.branch_sha("canary") == canary != head
    step = results[("staging", "canary")]
    assert (step.status, step.writes) == (Status.PENDING, ())


def test_a_signal_after_the_promotion_counts_for_the_next_stage_only(github):
    repo = github.new_repo()
    head = _promote_to_staging(github, repo)
    time.sleep(ONE_SECOND)
    repo.set_status(head, "success", context="deploy-staging")

    results = by_step(github.sweep(repo))

    assert repo.branch_sha("canary") == head
    assert results[("staging", "canary")].status is Status.PROMOTED
    # canary → production was opened in the same sweep; the staging signal came before it
    assert repo.branch_sha("production") != head
    assert results[("canary", "production")].status is Status.PENDING


def test_without_own_feedback_the_merge_time_of_the_promotion_tells_when_it_arrived(github):
    silent = FeedbackConfig(CommitStatusConfig(enabled=False), CheckRunConfig(enabled=False))
    config = github.config(feedback=silent)
    repo = github.new_repo()
    head = _promote_to_staging(github, repo, config)
    github.sweep(repo, config=config)
    assert repo.branch_sha("canary") != head  # the old "ci" success does not count

    time.sleep(ONE_SECOND)
    repo.set_status(head, "success", context="deploy-staging")  # a commit's, not a review
    github.sim.clear_requests()
    results = by_step(github.sweep(repo, config=config))

    assert repo.branch_sha("canary") == head
    assert results[("staging", "canary")].status is Status.PROMOTED
    merges = [r for r in github.sim.requests if "state=closed" in r.query]
    assert [r.path for r in merges] == [f"/repos/{repo.full_name}/pulls"]


def test_on_the_first_stage_a_signal_before_the_request_was_opened_counts(github):
    repo = github.new_repo()
    head = repo.push("main", "feature")
    repo.set_status(head, "success", context="ci")
    time.sleep(ONE_SECOND)
    repo.open_pull_request("main", "staging")

    github.sweep(repo)

    assert repo.branch_sha("staging") == head


def test_a_review_counts_whenever_it_approves_the_head(github):
    repo = github.new_repo()
    head = _promote_to_staging(github, repo)
    [pull] = [p for p in repo.pull_requests() if p["base"]["ref"] == "canary"]
    repo.approve(pull["number"])  # same second as the promotion: a review belongs to its request

    github.sweep(repo)

    assert repo.branch_sha("canary") == head
