"""App mode over several installations and pages; the request budgets, read off the
simulator's request log; the rate-limit floor."""

from __future__ import annotations

import pytest

from gh_promotion.config.errors import ConfigError
from gh_promotion.core.result import Status
from gh_promotion.gateway import installations
from gh_promotion.runtime.sweep import sweep_repositories
from gh_promotion.simulator import Simulator
from testkit.simulated_app import PROPS, app_config
from tests.reconcile.conftest import by_step

OWNERS = ("north", "south", "east")


@pytest.fixture
def fleet():
    """An App on three owners, two repositories each; lists paginated two a page."""
    with Simulator() as sim:
        app = sim.create_app(slug="gh-promotion")
        repos = []
        for owner in OWNERS:
            sim.install_app(app, owner)
            for n in (1, 2):
                repo = sim.create_repository(f"{owner}/svc{n}", custom_properties=dict(PROPS))
                for stage in ("staging", "canary", "production"):
                    repo.create_branch(stage, repo.branch_sha("main"))
                repos.append(repo)
        yield sim, app, repos


def test_app_mode_sweeps_every_repository_of_every_installation(fleet, monkeypatch):
    sim, app, repos = fleet
    monkeypatch.setattr(installations, "PER_PAGE", 2)
    missed = repos[-1]
    head = missed.push("main", "a push whose delivery was lost")
    sim.clear_requests()

    results = sweep_repositories(app_config(sim, app), [], dry_run=False)

    assert {r.repository for r in results} == {r.full_name for r in repos}
    assert len(results) == 3 * len(repos)  # one per step
    assert (
        by_step([r for r in results if r.repository == missed.full_name])[
            ("main", "staging")
        ].status
        is Status.PENDING
    )
    assert [p["head"]["sha"] for p in missed.pull_requests()] == [head]
    pages = [r for r in sim.requests if r.path == "/app/installations"]
    assert len(pages) == 2  # three installations, two a page
    listed = [r for r in sim.requests if r.path == "/installation/repositories"]
    assert len(listed) == 3  # one page of two per installation
    assert [r for r in sim.requests if r.path == f"/repos/{missed.full_name}"] == []


def _per_repository(sim, repo):
    prefix = f"/repos/{repo.full_name}"
    return [(r.method, r.path) for r in sim.requests if r.path.startswith(prefix)]


def test_a_level_repository_without_a_request_costs_at_most_three_requests(fleet):
    sim, app, repos = fleet
    sim.clear_requests()

    sweep_repositories(app_config(sim, app), [repos[0].full_name], dry_run=False)

    calls = _per_repository(sim, repos[0])
    assert len(calls) <= 3, calls
    assert ("GET", f"/repos/{repos[0].full_name}/branches") in calls


def test_each_open_promotion_request_adds_at_most_five_reads(fleet):
    sim, app, repos = fleet
    repo = repos[1]
    head = repo.push("main", "waiting for a signal")
    repo.open_pull_request("main", "staging")
    repo.create_deployment_status(head, "failure", environment="staging")  # deployments read too
    sim.clear_requests()

    results = sweep_repositories(app_config(sim, app), [repo.full_name], dry_run=False)

    assert by_step(results)[("main", "staging")].status is Status.PENDING
    calls = _per_repository(sim, repo)
    assert all(method == "GET" for method, _ in calls)
    assert len(calls) <= 3 + 5, calls


def test_the_sweep_stops_under_the_rate_limit_floor(fleet):
    sim, app, repos = fleet
    sim.set_rate_limit_remaining(200)  # 4 % of 5000, under the default floor of 10 %
    names = [r.full_name for r in repos[:2]]  # both on one installation
    sim.clear_requests()

    results = sweep_repositories(app_config(sim, app), names, dry_run=False)

    assert [(r.repository, r.status) for r in results] == [(n, Status.SKIPPED) for n in names]
    assert all("reconcile.rateLimitFloor" in r.reason for r in results)
    for repo in repos[:2]:  # named repositories are resolved first, then nothing
        assert _per_repository(sim, repo) == [("GET", f"/repos/{repo.full_name}")]


def test_token_auth_without_a_list_is_a_configuration_error(fleet):
    sim, app, _ = fleet
    with pytest.raises(ConfigError, match="needs the repositories to sweep"):
        sweep_repositories(app_config(sim, app, auth_mode="token"), [], dry_run=False)


@pytest.mark.parametrize("name", ["north", "north/svc1/x", "north/ svc1", "/svc1"])
def test_a_misspelt_repository_is_refused_before_any_request(fleet, name):
    sim, app, _ = fleet
    sim.clear_requests()
    with pytest.raises(ConfigError, match="not a repository name"):
        sweep_repositories(app_config(sim, app), [name], dry_run=False)
    assert sim.requests == []


def test_an_unknown_repository_is_refused_before_any_write(fleet):
    sim, app, repos = fleet
    repos[0].push("main", "would be promoted")
    sim.clear_requests()
    with pytest.raises(ConfigError, match="unknown repository north/nothing"):
        sweep_repositories(
            app_config(sim, app), [repos[0].full_name, "north/nothing"], dry_run=False
        )
    assert [r for r in sim.requests if r.method != "GET" and r.token_kind != "jwt"] == []


def test_a_repeated_sweep_asks_conditionally_and_github_answers_304(fleet):
    sim, app, repos = fleet
    repo = repos[2]
    repo.push("main", "waiting")
    repo.open_pull_request("main", "staging")
    config = app_config(sim, app)
    sweep_repositories(config, [repo.full_name], dry_run=False)
    sim.clear_requests()

    again = sweep_repositories(config, [repo.full_name], dry_run=False)

    reads = [r for r in sim.requests if r.path.startswith(f"/repos/{repo.full_name}/")]
    assert reads and {r.status for r in reads} == {304}
    assert by_step(again)[("main", "staging")].status is Status.PENDING


def test_a_repository_github_refuses_to_show_fails_alone(fleet):
    sim, app, repos = fleet
    refused, fine = repos[0], repos[1]
    sim.inject_fault(
        "GET",
        f"/repos/{refused.full_name}/branches",
        status=403,
        body={"message": "Resource not accessible by integration"},
    )
    head = fine.push("main", "a push whose delivery was lost")

    results = sweep_repositories(
        app_config(sim, app), [refused.full_name, fine.full_name], dry_run=False
    )

    [failed] = [r for r in results if r.repository == refused.full_name]
    assert failed.status is Status.FAILED and "Resource not accessible" in failed.reason
    assert [p["head"]["sha"] for p in fine.pull_requests()] == [head]
