"""The hold after a rollback: one issue per rollback; promotions into its stages wait for it."""

from __future__ import annotations

from gh_promotion.core.result import Status
from testkit import payloads
from testkit.simulated_app import PROPS
from tests.gates.conftest import HOLD


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
