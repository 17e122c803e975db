"""Promotion end to end through the core, against the simulated GitHub.

Each test builds a repository in the simulator, delivers a payload made from
GitHub's own examples, and looks at the branches, the pull requests, the
feedback written on the commit and the requests the core made.
"""

from __future__ import annotations

import subprocess

import pytest

from gh_promotion.config.model import (
    CheckRunConfig,
    CommitStatusConfig,
    FeedbackConfig,
    PushConfig,
    RollbackConfig,
)
from gh_promotion.core import GitHubUnavailable, Status
from testkit import payloads

PATH = "main,staging,canary,production"
PROPS = {"gitops-promotion-path": PATH}


def push(github, repo, branch, config=None, props=PROPS):
    sha = repo.branch_sha(branch)
    return github.deliver(
        "push", payloads.push(repo.full_name, branch, sha, properties=props), config
    )


def git(repo, *args: str) -> str:
    """Ask the simulated repository's real git directly."""
    command = ["git", "--git-dir", repo.git_dir, *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def open_request(repo, source):
    (pull,) = [p for p in repo.pull_requests(state="open") if p["head"]["ref"] == source]
    return pull


def webhook_pull(repo, pull) -> dict:
    return payloads.from_api_pull(repo.full_name, pull)


# -- push ---------------------------------------------------------------------------


def test_push_opens_one_promotion_request_in_one_request_plus_feedback(github, new_repo):
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    head = repo.push("main", message="feature")
    github.sim.clear_requests()

    result = push(github, repo, "main")

    assert result.status is Status.PENDING, result.reason
    pull = open_request(repo, "main")
    assert (pull["base"]["ref"], pull["title"], pull["draft"]) == (
        "staging",
        "Promote main to staging",
        False,
    )
    assert "staging" in pull["body"] and "2 of 4" in pull["body"]
    assert result.pull_request == pull["number"]
    assert github.calls() == [
        ("POST", f"/repos/{repo.full_name}/pulls"),
        ("POST", f"/repos/{repo.full_name}/check-runs"),
    ]
    (run,) = repo.check_runs(head)
    assert (run["name"], run["conclusion"]) == ("main→staging", "neutral")


def test_push_with_the_request_already_open_reports_pending_and_opens_no_second(github, new_repo):
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main")
    push(github, repo, "main")
    repo.push("main")
    github.sim.clear_requests()

    result = push(github, repo, "main")

    assert result.status is Status.PENDING and "already open" in result.reason
    assert len(repo.pull_requests(state="open")) == 1
    assert len(github.calls()) == 2  # the refused create, the feedback


@pytest.mark.parametrize("history", [3, 5000])
def test_missing_target_is_created_at_the_oldest_commit_in_constant_requests(
    github, new_repo, history
):
    repo = new_repo(PATH, history=history)
    oldest = git(repo, "rev-list", "--max-parents=0", "main")
    github.sim.clear_requests()

    result = push(github, repo, "main")

    assert result.status is Status.PENDING, result.reason
    staging = repo.branch_sha("staging")
    assert staging is not None and repo.is_ancestor(staging, repo.branch_sha("main"))
    assert staging == oldest
    assert open_request(repo, "main")["base"]["ref"] == "staging"
    assert len(github.calls()) == 6  # refused PR, 2 commit pages, ref, PR, feedback


def test_missing_target_without_create_target_ref_fails_and_creates_nothing(github, new_repo):
    repo = new_repo(PATH)
    config = github.config(push=PushConfig(create_target_ref=False))
    result = push(github, repo, "main", config)
    assert result.status is Status.FAILED and "createTargetRef" in result.reason
    assert repo.branch_sha("staging") is None and repo.pull_requests(state="open") == []


def test_push_of_commits_the_target_already_holds_is_skipped(github, new_repo):
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    github.sim.clear_requests()
    result = push(github, repo, "main")
    assert result.status is Status.SKIPPED and "already holds" in result.reason
    assert repo.pull_requests(state="open") == []


def test_push_opens_a_draft_when_the_repository_asks_for_drafts(github, new_repo):
    props = {**PROPS, "gitops-promotion-draft-pr": True}
    repo = new_repo(PATH, **{"gitops-promotion-draft-pr": True})
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main")
    result = push(github, repo, "main", props=props)
    assert result.status is Status.PENDING
    assert open_request(repo, "main")["draft"] is True


def test_list_valued_path_property(github, new_repo):
    props = {"gitops-promotion-path": ["dev", "prod"]}
    repo = new_repo(["dev", "prod"])
    repo.push("dev")
    result = push(github, repo, "dev", props=props)
    assert result.status is Status.PENDING
    assert open_request(repo, "dev")["base"]["ref"] == "prod"


def test_a_push_and_the_pull_request_events_it_causes_leave_one_pending_run(github, new_repo):
    """GitHub answers the push's new pull request with ``pull_request opened`` (and a
    later push with ``synchronize``): delivered as GitHub sends them, one pending
    check run per head, and the pull request events cost no request."""
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))

    def deliver_what_github_sent(event: str) -> list:
        github.sim.wait_for_webhooks()
        sent = [
            d
            for d in github.sim.deliveries
            if d.event == event and d.payload["repository"]["full_name"] == repo.full_name
        ]
        return [github.deliver(d.event, d.payload) for d in sent]

    for update in ("opened", "synchronize"):
        github.sim.wait_for_webhooks()
        github.sim.clear_deliveries()
        head = repo.push("main", message=update)
        (pushed,) = deliver_what_github_sent("push")
        assert pushed.status is Status.PENDING, pushed.reason
        github.sim.clear_requests()
        (followed,) = deliver_what_github_sent("pull_request")
        assert followed.status is Status.SKIPPED and github.calls() == []
        runs = [(r["name"], r["conclusion"]) for r in repo.check_runs(head)]
        assert runs == [("main→staging", "neutral")]


# -- fast-forward signals --------------------------------------------------------------


@pytest.fixture
def promotion(github, new_repo):
    """A repository with an open promotion request main → staging, main one commit ahead."""
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main", message="to promote")
    push(github, repo, "main")
    github.sim.clear_requests()
    return repo, open_request(repo, "main")


def test_approval_of_the_head_fast_forwards_in_one_write_plus_feedback(github, promotion):
    repo, pull = promotion
    result = github.deliver(
        "pull_request_review",
        payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS),
    )
    assert result.status is Status.PROMOTED, result.reason
    assert repo.branch_sha("staging") == pull["head"]["sha"]
    assert github.calls() == [
        ("PATCH", f"/repos/{repo.full_name}/git/refs/heads/staging"),
        ("POST", f"/repos/{repo.full_name}/check-runs"),
    ]
    assert repo.pull_requests(state="open") == []  # GitHub closes it as merged
    conclusions = [r["conclusion"] for r in repo.check_runs(pull["head"]["sha"])]
    assert "success" in conclusions


def test_approval_of_an_older_commit_moves_nothing(github, promotion):
    repo, pull = promotion
    before = repo.branch_sha("staging")
    old = pull["head"]["sha"]
    repo.push("main", message="unreviewed")
    pull = open_request(repo, "main")
    payload = payloads.review(
        repo.full_name, webhook_pull(repo, pull), commit_id=old, properties=PROPS
    )
    result = github.deliver("pull_request_review", payload)
    assert result.status is Status.SKIPPED
    assert repo.branch_sha("staging") == before and github.calls() == []


@pytest.mark.parametrize("event", ["check_suite", "workflow_run"])
def test_green_run_naming_the_request_fast_forwards_in_one_write(github, promotion, event):
    repo, pull = promotion
    build = getattr(payloads, event)
    payload = build(
        repo.full_name,
        pull["head"]["sha"],
        head_branch="main",
        pulls=[webhook_pull(repo, pull)],
        properties=PROPS,
    )
    result = github.deliver(event, payload)
    assert result.status is Status.PROMOTED, result.reason
    assert repo.branch_sha("staging") == pull["head"]["sha"]
    assert [c for c in github.calls() if c[0] == "PATCH"] == [
        ("PATCH", f"/repos/{repo.full_name}/git/refs/heads/staging")
    ]
    assert len(github.calls()) == 2


def test_green_run_without_listed_requests_finds_them_by_sha(github, promotion):
    repo, pull = promotion
    payload = payloads.check_suite(
        repo.full_name, pull["head"]["sha"], head_branch="main", properties=PROPS
    )
    result = github.deliver("check_suite", payload)
    assert result.status is Status.PROMOTED, result.reason
    assert repo.branch_sha("staging") == pull["head"]["sha"]


def test_success_status_fast_forwards_in_two_requests_plus_feedback(github, promotion):
    repo, pull = promotion
    sha = pull["head"]["sha"]
    payload = payloads.status(repo.full_name, sha, branches={"main": sha}, properties=PROPS)
    result = github.deliver("status", payload)
    assert result.status is Status.PROMOTED, result.reason
    assert repo.branch_sha("staging") == sha
    assert len(github.calls()) == 3


def test_successful_deployment_fast_forwards(github, promotion):
    repo, pull = promotion
    sha = pull["head"]["sha"]
    result = github.deliver(
        "deployment_status",
        payloads.deployment_status(repo.full_name, "main", sha, properties=PROPS),
    )
    assert result.status is Status.PROMOTED, result.reason
    assert repo.branch_sha("staging") == sha
    assert len(github.calls()) == 3


def test_a_status_for_a_commit_that_is_no_longer_the_head_moves_nothing(github, promotion):
    repo, pull = promotion
    old = pull["head"]["sha"]
    repo.push("main", message="newer")
    before = repo.branch_sha("staging")
    result = github.deliver("status", payloads.status(repo.full_name, old, properties=PROPS))
    assert result.status is Status.SKIPPED
    assert repo.branch_sha("staging") == before


def test_a_target_that_moved_elsewhere_is_not_fast_forwarded(github, promotion):
    repo, pull = promotion
    diverged = repo.push("staging", message="hotfix straight on staging")
    payload = payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS)
    result = github.deliver("pull_request_review", payload)
    assert result.status is Status.FAILED and "fast" in result.reason
    assert repo.branch_sha("staging") == diverged
    (refused,) = [w for w in result.writes if w.action == "fast_forward"]
    assert refused.outcome == "refused"


def test_protected_target_blocks_until_its_required_check_passes(github, promotion):
    repo, pull = promotion
    sha = pull["head"]["sha"]
    before = repo.branch_sha("staging")
    repo.protect("staging", required_contexts=("ci",))
    payload = payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS)

    blocked = github.deliver("pull_request_review", payload)
    assert blocked.status is Status.BLOCKED, blocked.reason
    assert "ci" in blocked.reason and repo.branch_sha("staging") == before

    repo.set_status(sha, state="success", context="ci")
    promoted = github.deliver(
        "status",
        payloads.status(
            repo.full_name, sha, branches={"main": sha}, context="ci", properties=PROPS
        ),
    )
    assert promoted.status is Status.PROMOTED, promoted.reason
    assert repo.branch_sha("staging") == sha


def test_drafts_wait_for_ready_for_review(github, new_repo):
    props = {**PROPS, "gitops-promotion-draft-pr": "true"}
    repo = new_repo(PATH, **{"gitops-promotion-draft-pr": "true"})
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main")
    push(github, repo, "main", props=props)
    pull = open_request(repo, "main")
    sha, before = pull["head"]["sha"], repo.branch_sha("staging")
    github.sim.clear_requests()

    green = github.deliver(
        "check_suite",
        payloads.check_suite(
            repo.full_name, sha, pulls=[webhook_pull(repo, pull)], properties=props
        ),
    )
    assert green.status is Status.SKIPPED and "draft" in green.reason
    assert repo.branch_sha("staging") == before
    assert github.calls() == [("GET", f"/repos/{repo.full_name}/pulls/{pull['number']}")]

    ready = github.deliver(
        "pull_request",
        payloads.pull_request(
            "ready_for_review", repo.full_name, webhook_pull(repo, pull), properties=props
        ),
    )
    assert ready.status is Status.PROMOTED, ready.reason
    assert repo.branch_sha("staging") == sha


# -- rollback --------------------------------------------------------------------------


@pytest.fixture
def released(github, new_repo):
    """production and canary at the third commit of main; two older commits below."""
    repo = new_repo(PATH, history=3)
    head = repo.branch_sha("main")
    for stage in ("staging", "canary", "production"):
        repo.create_branch(stage, head)
    return repo


def rollback_config(github, cascade=("canary",)):
    return github.config(rollback=RollbackConfig(True, "rollback-", cascade))


def older(repo, sha):
    return git(repo, "rev-parse", f"{sha}^")


def test_rollback_to_an_older_commit_force_moves_the_last_stage_and_cascade(github, released):
    repo = released
    target = older(repo, repo.branch_sha("production"))
    repo.set_branch("rollback-production", target)
    result = push(github, repo, "rollback-production", rollback_config(github))
    assert result.status is Status.ROLLED_BACK, result.reason
    assert repo.branch_sha("production") == target and repo.branch_sha("canary") == target
    assert repo.branch_sha("staging") != target


@pytest.mark.parametrize("where", ["ahead", "diverged"])
def test_rollback_that_is_not_a_step_back_is_rejected_and_moves_nothing(github, released, where):
    repo = released
    production = repo.branch_sha("production")
    if where == "ahead":
        target = repo.push("main", message="newer than production")
    else:
        repo.set_branch("side", older(repo, production))
        target = repo.push("side", message="sideways")
    repo.set_branch("rollback-production", target)
    result = push(github, repo, "rollback-production", rollback_config(github))
    assert result.status is Status.REJECTED and where in result.reason
    assert repo.branch_sha("production") == production and repo.branch_sha("canary") == production
    assert not [w for w in result.writes if w.action == "force_update"]


def test_rollback_to_where_production_already_is_is_skipped(github, released):
    repo = released
    repo.set_branch("rollback-production", repo.branch_sha("production"))
    result = push(github, repo, "rollback-production", rollback_config(github))
    assert result.status is Status.SKIPPED


def test_a_stale_rollback_push_redelivered_later_moves_nothing(github, released):
    """A redelivered rollback push must not undo what the rollback branch now says."""
    repo = released
    production = repo.branch_sha("production")
    first = older(repo, production)
    repo.set_branch("rollback-production", first)
    stale = payloads.push(repo.full_name, "rollback-production", first, properties=PROPS)
    repo.set_branch("rollback-production", production)  # rolled forward again since
    result = github.deliver("push", stale, rollback_config(github))
    assert result.status is Status.SKIPPED and "stale" in result.reason
    assert repo.branch_sha("production") == production == repo.branch_sha("canary")
    assert not result.writes


def test_a_rollback_failing_midway_says_which_stages_moved(github, released):
    repo = released
    production = repo.branch_sha("production")
    target = older(repo, production)
    repo.set_branch("rollback-production", target)
    github.sim.inject_fault(method="PATCH", path=r"/git/refs/heads/canary", status=422, count=1)
    result = push(github, repo, "rollback-production", rollback_config(github))
    assert result.status is Status.FAILED
    assert "moved production" in result.reason and "not moved canary" in result.reason
    assert repo.branch_sha("production") == target and repo.branch_sha("canary") == production


@pytest.mark.parametrize("path", ["main", ["main"]])
def test_a_single_stage_path_promotes_nothing_and_rolls_its_stage_back(github, new_repo, path):
    """The Go tool's ``valid_dynamic_promoter_single_stage``: a repository whose path is
    only ``main`` gets no pull request to ``staging``, a branch it left out."""
    props = {"gitops-promotion-path": path}
    repo = new_repo(path, history=3)
    head = repo.branch_sha("main")
    github.sim.clear_requests()

    result = push(github, repo, "main", rollback_config(github), props=props)

    assert result.status is Status.SKIPPED and "last stage" in result.reason
    assert github.calls() == [] and repo.branch_sha("staging") is None
    target = older(repo, head)
    repo.set_branch("rollback-main", target)
    rolled = push(github, repo, "rollback-main", rollback_config(github), props=props)
    assert rolled.status is Status.ROLLED_BACK, rolled.reason
    assert repo.branch_sha("main") == target


# -- dry run, feedback, redelivery, GitHub failures ----------------------------------------


def test_dry_run_reads_but_writes_nothing_and_lists_the_planned_writes(github, promotion):
    repo, pull = promotion
    before = repo.branch_sha("staging")
    sha = pull["head"]["sha"]
    config = github.config(dry_run=True)
    payload = payloads.status(repo.full_name, sha, branches={"main": sha}, properties=PROPS)
    result = github.deliver("status", payload, config)
    assert result.dry_run and result.status is Status.PROMOTED
    assert [(w.action, w.outcome) for w in result.writes] == [
        ("fast_forward", "planned"),
        ("create_check_run", "planned"),
    ]
    assert repo.branch_sha("staging") == before
    assert github.writes() == []


def test_commit_status_feedback_says_progress_and_time(github, promotion):
    repo, pull = promotion
    statuses_only = FeedbackConfig(CommitStatusConfig(enabled=True), CheckRunConfig(enabled=False))
    config = github.config(feedback=statuses_only)
    payload = payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS)
    result = github.deliver("pull_request_review", payload, config)
    assert result.status is Status.PROMOTED
    (status,) = repo.statuses(pull["head"]["sha"])
    assert status["context"] == "main→staging" and status["state"] == "success"
    assert status["description"].startswith("✅ 2/4 @ 20")
    assert len(status["description"]) <= 140


def test_token_auth_reports_with_commit_statuses_instead_of_check_runs(github, new_repo):
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    head = repo.push("main")
    result = push(github, repo, "main", github.config(auth_mode="token"))
    assert result.status is Status.PENDING
    assert repo.check_runs(head) == []
    (status,) = repo.statuses(head)
    assert status["state"] == "pending" and status["description"].startswith("⏳ 2/4")


def test_redelivered_push_leaves_the_same_state_and_one_request(github, new_repo):
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main")
    payload = payloads.push(repo.full_name, "main", repo.branch_sha("main"), properties=PROPS)
    first = github.deliver("push", payload)
    second = github.deliver("push", payload)
    assert first.status is second.status is Status.PENDING
    assert len(repo.pull_requests(state="open")) == 1


def test_a_transient_github_failure_is_retried(github, promotion):
    repo, pull = promotion
    github.sim.inject_fault(method="PATCH", path=r"/git/refs/heads/staging", status=502, count=1)
    payload = payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS)
    assert github.deliver("pull_request_review", payload).status is Status.PROMOTED
    assert repo.branch_sha("staging") == pull["head"]["sha"]


def test_github_that_keeps_failing_is_an_error_for_redelivery(github, promotion):
    repo, pull = promotion
    before = repo.branch_sha("staging")
    github.sim.inject_fault(method="PATCH", path=r"/git/refs/heads/staging", status=503, count=10)
    payload = payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS)
    with pytest.raises(GitHubUnavailable):
        github.deliver("pull_request_review", payload)
    assert repo.branch_sha("staging") == before
    github.sim.clear_faults()


def _opening(repo):
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main")
    return "push", "main"


def _already_open(repo):
    _opening(repo)
    repo.open_pull_request("main", "staging", title="Promote main to staging")
    repo.push("main")
    return "push", "main"


def _target_missing(repo):
    return "push", "main"


def _nothing_to_promote(repo):
    repo.create_branch("staging", repo.branch_sha("main"))
    return "push", "main"


def _approved(repo):
    _opening(repo)
    repo.open_pull_request("main", "staging", title="Promote main to staging")
    return "pull_request_review", "main"


def _diverged(repo):
    _approved(repo)
    repo.push("staging", message="hotfix on staging")
    return "pull_request_review", "main"


def _rollback(repo):
    for stage in ("staging", "canary", "production"):
        repo.create_branch(stage, repo.branch_sha("main"))
    repo.set_branch("rollback-production", older(repo, repo.branch_sha("main")))
    return "push", "rollback-production"


@pytest.mark.parametrize(
    ("history", "situation"),
    [
        (2, _opening),
        (2, _already_open),
        (3, _target_missing),
        (1, _target_missing),  # created at main's only commit: then nothing to promote
        (2, _nothing_to_promote),
        (2, _approved),
        (2, _diverged),
        (3, _rollback),
    ],
)
def test_a_dry_run_lists_the_writes_the_real_run_makes(github, new_repo, history, situation):
    repo = new_repo(PATH, history=history)
    event, branch = situation(repo)
    config = rollback_config(github)

    def deliver(dry_run: bool):
        settings = config._replace(promotion=config.promotion._replace(dry_run=dry_run))
        if event == "push":
            return push(github, repo, branch, settings)
        payload = payloads.review(
            repo.full_name, webhook_pull(repo, open_request(repo, branch)), properties=PROPS
        )
        return github.deliver(event, payload, settings)

    github.sim.clear_requests()
    planned = deliver(dry_run=True)
    assert github.writes() == [], "a dry run wrote to GitHub"
    made = deliver(dry_run=False)

    assert [(w.action, w.target) for w in planned.writes] == [
        (w.action, w.target) for w in made.writes
    ]
    assert made.writes and planned.status is made.status, (planned.reason, made.reason)
    assert {w.outcome for w in planned.writes} <= {"planned", "refused"}


def test_check_run_output_draws_the_path_and_explains(github, promotion):
    repo, pull = promotion
    payload = payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS)
    github.deliver("pull_request_review", payload)
    (run,) = [r for r in repo.check_runs(pull["head"]["sha"]) if r["conclusion"] == "success"]
    output = run["output"]
    assert output["title"].startswith("✅ main → staging")
    assert "fast-forwarded staging" in output["summary"]
    assert "```mermaid" in output["text"] and "flowchart LR" in output["text"]
    assert '"path": ["main", "staging", "canary", "production"]' in output["text"]


# -- gh-promotion's own feedback is never a signal ----------------------------------------


def test_its_own_success_status_does_not_promote_the_next_stage(github, new_repo):
    """A "promoted" commit status lands on the commit the next promotion request
    starts from; GitHub then sends a success `status` event for it."""
    repo = new_repo(PATH)
    for stage in ("staging", "canary"):
        repo.create_branch(stage, repo.branch_sha("main"))
    head = repo.push("main")
    statuses = FeedbackConfig(CommitStatusConfig(enabled=True), CheckRunConfig(enabled=False))
    config = github.config(feedback=statuses)
    push(github, repo, "main", config)
    pull = open_request(repo, "main")
    approved = payloads.review(repo.full_name, webhook_pull(repo, pull), properties=PROPS)
    assert github.deliver("pull_request_review", approved, config).status is Status.PROMOTED
    push(github, repo, "staging", config)  # opens staging → canary, head at the same commit
    assert open_request(repo, "staging")["head"]["sha"] == head
    github.sim.wait_for_webhooks()
    (own,) = [
        d.payload
        for d in github.sim.deliveries
        if d.event == "status"
        and d.payload["sha"] == head
        and d.payload["state"] == "success"
        and d.payload["repository"]["full_name"] == repo.full_name
    ]
    own["repository"]["custom_properties"] = PROPS

    result = github.deliver("status", own, config)

    assert result.status is Status.SKIPPED and "own feedback" in result.reason
    assert repo.branch_sha("canary") != head


@pytest.mark.parametrize("own", [True, False])
def test_its_own_check_suite_completing_is_no_signal_but_another_apps_is(github, promotion, own):
    repo, pull = promotion
    sha = pull["head"]["sha"]
    payload = payloads.check_suite(
        repo.full_name, sha, pulls=[webhook_pull(repo, pull)], properties=PROPS
    )
    payload["check_suite"]["app"]["id"] = github.app.app_id if own else 15368  # GitHub Actions
    result = github.deliver("check_suite", payload)
    if own:
        assert result.status is Status.SKIPPED and "own feedback" in result.reason
        assert repo.branch_sha("staging") != sha and github.calls() == []
    else:
        assert result.status is Status.PROMOTED and repo.branch_sha("staging") == sha
