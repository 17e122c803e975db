"""`gh-promotion explain` against the simulated GitHub: each state, what is missing, reads only."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gh_promotion.config.model import CommitStatusConfig, FeedbackConfig
from gh_promotion.core import Status
from gh_promotion.runtime.explain import ExplainError, explain_repository, render
from testkit import payloads
from tests.runtime.helpers import app_env

PATH = "main,staging,canary,production"
PROPS = {"gitops-promotion-path": PATH}
CI = {
    "type": "required_status_checks",
    "parameters": {"required_status_checks": [{"context": "ci"}]},
}
STAGING = ("refs/heads/staging",)


def approvals(count: int) -> dict:
    return {"type": "pull_request", "parameters": {"required_approving_review_count": count}}


def first_step(github, repo, config=None):
    return explain_repository(config or github.config(), repo.full_name)["steps"][0]


def deliver_push(github, repo, branch, props=PROPS, config=None):
    sha = repo.branch_sha(branch)
    return github.deliver(
        "push", payloads.push(repo.full_name, branch, sha, properties=props), config
    )


@pytest.fixture
def opened(github, new_repo):
    """staging at main, a new commit on main, and its promotion request opened by a push."""
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main", message="feature")
    assert deliver_push(github, repo, "main").status is Status.PENDING
    (pull,) = repo.pull_requests(state="open")
    return repo, pull


def test_level_and_target_missing(github, new_repo):
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    document = explain_repository(github.config(), repo.full_name)
    assert document["path"] == {"stages": PATH.split(","), "from": "custom_property"}
    states = [(s["source"], s["target"], s["state"]) for s in document["steps"]]
    assert states == [
        ("main", "staging", "level"),
        ("staging", "canary", "target_missing"),
        ("canary", "production", "target_missing"),
    ]
    assert document["steps"][1]["target_sha"] is None


def test_the_default_path_is_said(github, new_repo):
    repo = new_repo()
    document = explain_repository(github.config(), repo.full_name)
    assert document["path"]["from"] == "default"


def test_no_request_when_the_source_is_ahead_and_nothing_is_open(github, new_repo):
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main", message="one")
    repo.push("main", message="two")
    step = first_step(github, repo)
    assert (step["state"], step["ahead_by"], step["pull_request"]) == ("no_request", 2, None)
    assert "opens the promotion request" in step["next"]


def test_an_open_request_without_a_signal_waits_for_one(github, opened):
    repo, pull = opened
    step = first_step(github, repo)
    assert step["state"] == "waiting"
    assert step["pull_request"]["number"] == pull["number"]
    assert step["pull_request"]["head_sha"] == pull["head"]["sha"]
    assert step["missing"] == [{"kind": "signal", "detail": "an approval or a green check"}]
    assert step["signals"] == []  # gh-promotion's own pending check run is not a signal


def test_ready_once_a_signal_arrived_and_nothing_is_missing(github, opened):
    repo, pull = opened
    sha = pull["head"]["sha"]
    repo.set_status(sha, "success", "ci")  # the webhook was lost: the sweep would act
    step = first_step(github, repo)
    assert step["state"] == "ready", step
    assert step["signals"] == [{"kind": "status", "name": "ci", "state": "success", "sha": sha}]
    assert step["missing"] == []


def test_required_checks_from_branch_protection(github, opened):
    repo, pull = opened
    repo.protect("staging", required_contexts=("ci", "lint"))
    repo.approve(pull["number"], login="reviewer")
    repo.set_status(pull["head"]["sha"], "failure", "lint")
    step = first_step(github, repo)
    assert step["state"] == "waiting"
    assert step["missing"] == [
        {"kind": "required_check", "detail": 'check "ci"'},
        {"kind": "required_check", "detail": 'check "lint" (failed)'},
    ]
    reviews = [(x["name"], x["state"]) for x in step["signals"] if x["kind"] == "review"]
    assert reviews == [("reviewer", "success")]


def test_required_checks_and_approvals_from_rulesets(github, opened):
    repo, pull = opened
    repo.add_ruleset([CI, approvals(2)], STAGING)
    repo.approve(pull["number"], login="ana")
    step = first_step(github, repo)
    assert step["state"] == "waiting"
    assert step["missing"] == [
        {"kind": "required_check", "detail": 'check "ci"'},
        {"kind": "approvals", "detail": "1 approval"},
    ]
    assert step["requirements"] == {"checks": ["ci"], "approvals": 2}
    assert 'after: check "ci", 1 approval' in step["next"]


def test_an_admin_token_also_reads_approvals_required_by_branch_protection(github, opened):
    repo, _ = opened
    repo.protect("staging", required_approving_reviews=1)
    as_app = first_step(github, repo)  # an App may not read the protection itself
    assert as_app["missing"] == [{"kind": "signal", "detail": "an approval or a green check"}]
    as_admin = first_step(github, repo, github.config(auth_mode="token"))
    assert as_admin["missing"] == [{"kind": "approvals", "detail": "1 approval"}]


def test_a_draft_waits_for_ready_for_review(github, new_repo):
    props = {**PROPS, "gitops-promotion-draft-pr": "true"}
    repo = new_repo(PATH, **{"gitops-promotion-draft-pr": "true"})
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main", message="feature")
    deliver_push(github, repo, "main", props)
    step = first_step(github, repo)
    assert step["pull_request"]["draft"] is True
    assert step["missing"] == [{"kind": "draft", "detail": "ready for review"}]


def test_a_diverged_target_can_never_be_fast_forwarded(github, opened):
    repo, _ = opened
    repo.push("staging", message="hotfix straight on staging")
    step = first_step(github, repo)
    assert step["state"] == "diverged"
    assert step["missing"] == [
        {"kind": "not_fast_forward", "detail": "staging has commits main lacks"}
    ]
    assert step["next"].startswith("nothing will")


def test_blocked_says_what_github_said(github, opened):
    repo, pull = opened
    repo.add_ruleset([CI], STAGING)
    review = payloads.review(
        repo.full_name, payloads.from_api_pull(repo.full_name, pull), properties=PROPS
    )
    assert github.deliver("pull_request_review", review).status is Status.BLOCKED
    step = first_step(github, repo)
    assert step["state"] == "blocked"
    assert (
        'Repository rule violations found: Required status check "ci" is expected.'
        in (step["next"])
    )


def test_blocked_is_read_from_commit_statuses_too(github, new_repo):
    statuses = github.config(
        auth_mode="token", feedback=FeedbackConfig(commit_status=CommitStatusConfig(True))
    )
    repo = new_repo(PATH)
    repo.create_branch("staging", repo.branch_sha("main"))
    repo.push("main", message="feature")
    deliver_push(github, repo, "main", config=statuses)
    (pull,) = repo.pull_requests(state="open")
    repo.protect("staging", required_contexts=("ci",))
    review = payloads.review(
        repo.full_name, payloads.from_api_pull(repo.full_name, pull), properties=PROPS
    )
    assert github.deliver("pull_request_review", review, statuses).status is Status.BLOCKED
    step = first_step(github, repo, statuses)
    assert step["state"] == "blocked" and 'check "ci"' in step["next"]


def test_a_later_stage_counts_only_signals_after_the_head_arrived(github, new_repo):
    repo = new_repo(PATH)
    for stage in ("staging", "canary"):
        repo.create_branch(stage, repo.branch_sha("main"))
    sha = repo.push("main", message="feature")
    deliver_push(github, repo, "main")
    repo.set_status(sha, "success", "ci")
    green = payloads.status(repo.full_name, sha, branches={"main": sha}, properties=PROPS)
    assert github.deliver("status", green).status is Status.PROMOTED
    deliver_push(github, repo, "staging")

    step = explain_repository(github.config(), repo.full_name)["steps"][1]

    assert (step["source"], step["state"]) == ("staging", "waiting")
    assert step["missing"] == [{"kind": "signal", "detail": "an approval or a green check"}]


def test_explain_only_reads_and_counts_every_request(github, opened):
    repo, _ = opened
    repo.add_ruleset([CI], STAGING)
    github.sim.clear_requests()
    document = explain_repository(github.config(), repo.full_name)
    made = github.sim.requests
    assert document["github_requests"] == len(made)
    writes = [(r.method, r.path) for r in made if r.method != "GET"]
    assert all(path.endswith("/access_tokens") for _, path in writes)  # the token exchange
    assert render(document).splitlines()[-1] == f"{len(made)} GitHub requests"


def test_an_unknown_repository_is_bad_input(github):
    with pytest.raises(ExplainError, match="unknown repository octo/nothing-here"):
        explain_repository(github.config(), "octo/nothing-here")
    with pytest.raises(ExplainError, match="not a repository name"):
        explain_repository(github.config(), "no-slash")


def _cli(github, *args: str) -> subprocess.CompletedProcess:
    env = app_env(github.sim.api_url, github.app)
    command = [sys.executable, "-m", "gh_promotion", "explain", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_the_json_document_follows_its_contract(github, opened):
    repo, _ = opened
    done = _cli(github, repo.full_name, "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) >= {"repository", "path", "steps", "github_requests"}
    assert isinstance(document["github_requests"], int) and document["github_requests"] > 0
    for step in document["steps"]:
        assert set(step) >= {
            "source",
            "target",
            "source_sha",
            "target_sha",
            "state",
            "ahead_by",
            "pull_request",
            "signals",
            "missing",
            "next",
        }
        assert step["state"] in (
            "level",
            "ready",
            "waiting",
            "no_request",
            "target_missing",
            "diverged",
            "blocked",
        )
        for signal in step["signals"]:
            assert set(signal) == {"kind", "name", "state", "sha"}
        for item in step["missing"]:
            assert item["kind"] in (
                "required_check",
                "approvals",
                "draft",
                "not_fast_forward",
                "signal",
            )
    assert document["steps"][0]["pull_request"].keys() == {"number", "head_sha", "draft", "url"}


def test_the_table_and_bad_input_on_the_command_line(github, opened):
    repo, _ = opened
    table = _cli(github, repo.full_name)
    assert table.returncode == 0, table.stderr
    assert "main → staging" in table.stdout and "waiting #" in table.stdout
    unknown = _cli(github, "octo/nothing-here")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert (
        unknown.stderr.strip()
        .splitlines()[-1]
        .startswith("gh-promotion: error: unknown repository octo/nothing-here")
    )
