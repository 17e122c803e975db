"""The feedback on the commit says what a promotion waits for, and why GitHub refused it.

Delivery paths keep their request budgets: what a pending promotion waits for is
computed from what the delivery knows; only a refusal (and
promotion.enforceRequiredChecks) reads the target's rules and the head's checks.
"""

from __future__ import annotations

from gh_promotion.config.model import CommitStatusConfig, FeedbackConfig
from gh_promotion.core import Status
from testkit import payloads

PATH = "main,staging,canary,production"
PROPS = {"gitops-promotion-path": PATH}
CI = {
    "type": "required_status_checks",
    "parameters": {"required_status_checks": [{"context": "ci"}]},
}
STAGING = ("refs/heads/staging",)
STATUSES = FeedbackConfig(commit_status=CommitStatusConfig(enabled=True))


def approvals(count: int) -> dict:
    return {"type": "pull_request", "parameters": {"required_approving_review_count": count}}


def opened(github, new_repo, props=PROPS, **repo_props):
    """A repository with staging at main, a new commit on main and its promotion request."""
    repo = new_repo(PATH, **repo_props)
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main", message="feature")
    result = github.deliver(
        "push",
        payloads.push(repo.full_name, "main", repo.branch_sha("main"), properties=props),
        github.config(feedback=STATUSES),
    )
    (pull,) = repo.pull_requests(state="open")
    return repo, pull, result


def approve(github, repo, pull, config=None):
    payload = payloads.review(
        repo.full_name, payloads.from_api_pull(repo.full_name, pull), properties=PROPS
    )
    return github.deliver("pull_request_review", payload, config or github.config())


def latest_run(repo, sha):
    return repo.check_runs(sha)[0]


def test_an_opened_request_says_it_waits_for_a_signal_in_the_same_requests(github, new_repo):
    repo, pull, result = opened(github, new_repo)
    assert result.status is Status.PENDING
    assert result.reason.endswith("waiting for: an approval or a green check")
    sha = pull["head"]["sha"]
    (status,) = repo.statuses(sha)
    assert status["description"] == "⏳ 2/4 waiting for: an approval or a green check"
    assert "waiting for: an approval or a green check" in latest_run(repo, sha)["output"]["summary"]


def test_a_draft_request_says_it_waits_for_ready_for_review(github, new_repo):
    props = {**PROPS, "gitops-promotion-draft-pr": "true"}
    repo, pull, result = opened(github, new_repo, props, **{"gitops-promotion-draft-pr": "true"})
    assert result.reason.endswith("waiting for: ready for review")
    (status,) = repo.statuses(pull["head"]["sha"])
    assert status["description"] == "⏳ 2/4 waiting for: ready for review"


def test_a_ruleset_refusal_is_blocked_quotes_github_and_names_what_is_missing(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    sha, before = pull["head"]["sha"], repo.branch_sha("staging")
    repo.add_ruleset([CI, approvals(2)], STAGING)
    github.sim.clear_requests()

    blocked = approve(github, repo, pull)

    assert blocked.status is Status.BLOCKED, blocked.reason
    assert repo.branch_sha("staging") == before
    assert blocked.reason.startswith('waiting for: check "ci", 2 approvals (staging is protected')
    assert 'Repository rule violations found: Required status check "ci" is expected.' in (
        blocked.reason
    )
    summary = latest_run(repo, sha)["output"]["summary"]
    assert "Repository rule violations found" in summary and 'check "ci"' in summary


def test_the_blocked_status_description_leads_with_what_is_missing(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    sha = pull["head"]["sha"]
    repo.protect("staging", required_contexts=("ci", "lint"))
    repo.set_status(sha, "success", "lint")
    config = github.config(feedback=STATUSES)

    blocked = approve(github, repo, pull, config)

    assert blocked.status is Status.BLOCKED
    (status, *_) = [s for s in repo.statuses(sha) if s["context"] == "main→staging"]
    assert status["description"].startswith('🚧 waiting for: check "ci" (staging is protected')
    assert len(status["description"]) <= 140


def test_only_the_blocked_path_reads_the_rules_and_the_head(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    repo.add_ruleset([approvals(1)], STAGING)
    repo.protect("staging", required_contexts=())
    github.sim.clear_requests()
    full = repo.full_name

    approved = approve(github, repo, pull)

    # the review event is delivered but no review was submitted: GitHub counts none
    assert approved.status is Status.BLOCKED
    assert approved.reason.startswith("waiting for: 1 approval")
    assert github.calls() == [
        ("PATCH", f"/repos/{full}/git/refs/heads/staging"),
        ("GET", f"/repos/{full}/branches/staging"),
        ("GET", f"/repos/{full}/rules/branches/staging"),
        ("GET", f"/repos/{full}/branches/staging/protection"),  # 403 to an App
        ("GET", f"/repos/{full}/commits/{pull['head']['sha']}/status"),
        ("GET", f"/repos/{full}/commits/{pull['head']['sha']}/check-runs"),
        ("GET", f"/repos/{full}/pulls/{pull['number']}/reviews"),
        ("POST", f"/repos/{full}/check-runs"),
    ]


def test_an_approved_head_meets_the_pull_request_rule_by_itself(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    repo.add_ruleset([approvals(1)], STAGING)
    repo.approve(pull["number"], login="reviewer")
    github.sim.clear_requests()

    promoted = approve(github, repo, pull)

    assert promoted.status is Status.PROMOTED, promoted.reason
    assert repo.branch_sha("staging") == pull["head"]["sha"]
    assert len(github.calls()) == 2  # the fast-forward and the feedback: nothing read


def test_not_a_fast_forward_stays_failed(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    repo.add_ruleset([CI], STAGING)
    repo.push("staging", message="hotfix on staging")
    failed = approve(github, repo, pull)
    assert failed.status is Status.FAILED and "fast forward" in failed.reason


def test_enforce_required_checks_holds_an_app_that_bypasses_the_ruleset(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    sha, before = pull["head"]["sha"], repo.branch_sha("staging")
    repo.add_ruleset([CI], STAGING, bypass_apps=[github.app])
    config = github.config(enforce_required_checks=True)

    held = approve(github, repo, pull, config)

    assert held.status is Status.PENDING, held.reason
    assert held.reason.startswith('waiting for: check "ci" before staging moves')
    assert repo.branch_sha("staging") == before

    repo.set_status(sha, "success", "ci")
    green = payloads.status(repo.full_name, sha, branches={"main": sha}, properties=PROPS)
    promoted = github.deliver("status", green, config)
    assert promoted.status is Status.PROMOTED, promoted.reason
    assert repo.branch_sha("staging") == sha


def test_without_the_option_a_bypassing_app_moves_past_required_checks(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    repo.add_ruleset([CI], STAGING, bypass_apps=[github.app])
    github.sim.clear_requests()

    promoted = approve(github, repo, pull)

    assert promoted.status is Status.PROMOTED, promoted.reason
    assert len(github.calls()) == 2  # the option off costs nothing


def test_what_only_githubs_refusal_says_is_named_too(github, new_repo):
    repo, pull, _ = opened(github, new_repo)
    # an App may not read branch protection's required approvals: GitHub's refusal names them
    repo.protect("staging", required_approving_reviews=1)
    repo.add_ruleset([CI], STAGING)

    blocked = approve(github, repo, pull)

    assert blocked.status is Status.BLOCKED
    # the check from the ruleset as read, the approval from GitHub's refusal
    assert blocked.reason.startswith('waiting for: check "ci", 1 approval (staging is protected')
