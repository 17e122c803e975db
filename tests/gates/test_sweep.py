"""The sweep is the gates' clock: once a soak or a freeze ends, the next sweep promotes."""

from __future__ import annotations

from datetime import timedelta

from gh_promotion.core.result import Status
from gh_promotion.runtime.sweep import sweep_repositories
from tests.gates.conftest import HOLD, absolute


def _sweep(github, repo, config):
    results = sweep_repositories(config, [repo.full_name], dry_run=False, clock=github.now)
    return {(r.source, r.target): r for r in results}


def test_the_sweep_after_the_soak_promotes(github) -> None:
    config = github.gated(soak=(("main", 600.0),))
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")
    repo.approve(pull["number"])  # its webhook was never delivered

    soaking = _sweep(github, repo, config)[("main", "staging")]
    assert soaking.status is Status.PENDING
    assert soaking.reason.startswith("soaking in main until ")

    github.advance(600)
    promoted = _sweep(github, repo, config)[("main", "staging")]

    assert promoted.status is Status.PROMOTED, promoted.reason
    assert repo.branch_sha("staging") == pull["head"]["sha"]


def test_the_sweep_after_a_window_closes_promotes_and_says_frozen_only_once(github) -> None:
    now = github.now()
    window = absolute(now - timedelta(minutes=1), now + timedelta(minutes=30), reason="freeze")
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")
    repo.approve(pull["number"])

    first = _sweep(github, repo, config)[("main", "staging")]
    again = _sweep(github, repo, config)[("main", "staging")]

    assert (first.status, again.status) == (Status.FROZEN, Status.FROZEN)
    assert [w.action for w in first.writes] == ["create_check_run"]
    assert again.writes == ()  # the commit already says frozen: a sweep every 10 min is quiet

    github.advance(30 * 60)
    after = _sweep(github, repo, config)[("main", "staging")]
    assert after.status is Status.PROMOTED, after.reason


def test_the_sweep_reads_the_stop_the_line_property_and_the_hold(github) -> None:
    config = github.gated(rollback=HOLD)
    repo = github.staged_repo()
    repo.set_custom_properties(
        repo.state.custom_properties | {"gitops-promotion-freeze": "staging"}
    )
    into_staging = github.request(repo, "main", "staging")
    repo.approve(into_staging["number"])
    number = repo.create_issue(
        "Promotions into production are held after rollback to 0000000",
        '<!-- gh-promotion-hold {"stages": ["production"]} -->',
        ("promotion-hold",),
    )
    into_production = github.request(repo, "canary", "production")
    repo.approve(into_production["number"])

    steps = _sweep(github, repo, config)

    assert steps[("main", "staging")].status is Status.FROZEN
    assert steps[("canary", "production")].status is Status.HELD
    assert f"#{number}" in steps[("canary", "production")].reason
