"""The hold after a rollback: one issue per rollback; promotions into its stages wait for it."""

from __future__ import annotations

from datetime import timedelta

from gh_promotion.core import gates, gating
from gh_promotion.core.decide import read_repo
from gh_promotion.core.intents import PromotionRequest
from gh_promotion.core.result import Status
from gh_promotion.runtime.wiring import GitHubApp
from testkit import payloads
from testkit.simulated_app import PROPS
from tests.gates.conftest import HOLD, absolute


def _roll_back(github, repo, config):
    """production (and canary, the cascade stage) one commit ahead, then rolled back."""
    old = repo.branch_sha("production")
    repo.push("production", message="bad release")
    repo.create_branch("rollback-production", old)
    payload = payloads.push(
        repo.full_name,
        "rollback-production",
        old,
        properties=PROPS,
        installation_id=github.installation_id,
    )
    return old, github.deliver("push", payload, config)


def test_a_rollback_opens_one_hold_issue_naming_every_held_stage(github) -> None:
    config = github.gated(rollback=HOLD)
    repo = github.staged_repo()

    old, result = _roll_back(github, repo, config)

    assert result.status is Status.ROLLED_BACK, result.reason
    [issue] = repo.issues(labels="promotion-hold")
    assert issue["title"] == (
        f"Promotions into production and canary are held after rollback to {old[:7]}"
    )
    assert [label["name"] for label in issue["labels"]] == ["promotion-hold"]
    assert "Close this issue to release the hold" in issue["body"]
    assert f"#{issue['number']}" in result.reason
    assert [w.action for w in result.writes].count("create_issue") == 1


def test_promotions_into_held_stages_are_held_until_the_issue_is_closed(github) -> None:
    config = github.gated(rollback=HOLD)
    repo = github.staged_repo()
    _roll_back(github, repo, config)
    [issue] = repo.issues(labels="promotion-hold")
    into_production = github.request(repo, "canary", "production")

    held = github.approve(repo, into_production, config)

    assert held.status is Status.HELD
    assert held.ok
    assert f"held by #{issue['number']}" in held.reason
    assert issue["html_url"] in held.reason
    [check] = [
        c
        for c in repo.check_runs(into_production["head"]["sha"])
        if c["name"] == "canary→production"
    ]
    assert issue["html_url"] in check["output"]["summary"]

    repo.close_issue(issue["number"])
    released = github.approve(repo, into_production, config)

    assert released.status is Status.PROMOTED, released.reason
    assert repo.branch_sha("production") == into_production["head"]["sha"]


def test_the_hold_is_read_only_for_stages_a_rollback_can_hold(github) -> None:
    config = github.gated(rollback=HOLD)
    repo = github.staged_repo()
    _roll_back(github, repo, config)
    into_staging = github.request(repo, "main", "staging")
    mark = len(github.sim.requests)

    result = github.approve(repo, into_staging, config)

    assert result.status is Status.PROMOTED
    assert not [c for c in github.requests_since(mark) if c[1].endswith("/issues")]


def test_without_the_option_no_issue_is_opened_or_read(github) -> None:
    config = github.gated(rollback=HOLD._replace(hold=False))
    repo = github.staged_repo()
    _, result = _roll_back(github, repo, config)
    into_production = github.request(repo, "canary", "production")
    mark = len(github.sim.requests)

    assert result.status is Status.ROLLED_BACK
    assert repo.issues() == []
    assert github.approve(repo, into_production, config).status is Status.PROMOTED
    assert not [c for c in github.requests_since(mark) if c[1].endswith("/issues")]


def test_every_gate_is_read_for_explain_even_behind_a_freeze(github) -> None:
    """What ``explain`` shows: the freeze, the hold and the soak together, as JSON."""
    now = github.now()
    config = github.gated(
        rollback=HOLD,
        freeze=(absolute(now - timedelta(minutes=1), now + timedelta(hours=1), reason="x"),),
        soak=(("canary", 3600.0),),
    )
    repo = github.staged_repo()
    _roll_back(github, repo, config)
    pull = github.request(repo, "canary", "production")
    payload = payloads.review(
        repo.full_name, payloads.from_api_pull(repo.full_name, pull), properties=PROPS
    )
    request = PromotionRequest(
        pull["number"], "canary", "production", pull["head"]["sha"], False, pull["base"]["sha"], ()
    )
    gateway = GitHubApp(config, clock=github.now).repository(
        repo.owner, repo.name, github.installation_id, lambda write: None
    )

    found = gating.gates_on(read_repo(payload, config), request, gateway, config, every_gate=True)
    shown = gates.describe(found)

    assert shown["verdict"] == "frozen"
    assert shown["freeze"]["reason"] == "x"
    [issue] = repo.issues(labels="promotion-hold")
    assert shown["hold"]["issue"] == issue["number"]
    assert shown["soak"]["stage"] == "canary"
    assert 0 < shown["soak"]["remaining_seconds"] <= 3600
    assert shown["soak"]["text"].startswith("soaking in canary until ")


def test_a_dry_run_rollback_plans_the_hold_issue_and_opens_none(github) -> None:
    config = github.gated(rollback=HOLD, dry_run=True)
    repo = github.staged_repo()

    _, result = _roll_back(github, repo, config)

    assert result.status is Status.ROLLED_BACK
    assert ("create_issue", "planned") in [(w.action, w.outcome) for w in result.writes]
    assert result.reason.endswith("would hold promotions into them with an issue")
    assert repo.issues() == []
