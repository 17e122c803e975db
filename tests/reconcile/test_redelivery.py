"""Redelivery of failed deliveries, against the simulator over real HTTP: GitHub (the
simulator) delivers to ``gh-promotion service``, keeps the App's delivery log, and
redelivers what ``redeliver_failed`` asks it to — to the service again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gh_promotion.config.errors import ConfigError
from gh_promotion.core.result import Status
from gh_promotion.gateway.requester import RETRIES
from gh_promotion.runtime.reconcile import REDELIVER_NEEDS_APP, run_reconcile
from gh_promotion.runtime.redeliver import redeliver_failed
from gh_promotion.simulator import SimApp, Simulator
from testkit.deliveries import SECRET
from testkit.simulated_app import parent_of
from tests.reconcile.redelivery_world import (
    app,
    clean_simulator,
    config_for,
    new_repo,
    posted_redeliveries,
    service,
    sim,
    unanswered_pushes,
)
from tests.runtime.helpers import clean_env

__all__ = ["app", "clean_simulator", "service", "sim"]  # fixtures

DAY = 24 * 3600.0


def attempts_of(sim: Simulator, guid: str) -> list:
    return [a for a in sim.hook_deliveries if a.guid == guid]


def test_a_rollback_push_answered_502_is_redelivered_and_then_rolls_back(
    sim: Simulator, app: SimApp, service
) -> None:
    repo = new_repo(sim, "rollback")
    head = repo.branch_sha("production")
    older = parent_of(repo, head)
    sim.set_webhook(service.base_url, SECRET)
    # GitHub fails every try of the service's compare: the service answers 502.
    sim.inject_fault("GET", rf"/repos/{repo.full_name}/compare/", status=502, count=RETRIES + 1)
    repo.set_branch("rollback-production", older)
    sim.wait_for_webhooks(timeout=30)
    (failed,) = [a for a in sim.hook_deliveries if a.event == "push"]
    assert (failed.status_code, failed.status) == (502, "Invalid HTTP Response: 502")
    assert repo.branch_sha("production") == head  # nothing moved

    results = redeliver_failed(config_for(sim, app), (), dry_run=False)

    assert [(r.status, r.delivery_id, r.repository) for r in results] == [
        (Status.REDELIVERED, failed.guid, repo.full_name)
    ]
    assert (results[0].event, results[0].source, results[0].sha) == (
        "push",
        "rollback-production",
        older,
    )
    assert [(w.action, w.target, w.outcome) for w in results[0].writes] == [
        ("redeliver", f"delivery {failed.id}", "done")
    ]
    sim.wait_for_webhooks(timeout=30)
    again = attempts_of(sim, failed.guid)[0]  # newest first
    assert (again.redelivery, again.status_code, again.id > failed.id) == (True, 200, True)
    assert repo.branch_sha("production") == older
    assert repo.branch_sha("canary") == older  # the cascade, as the first try would have


def test_a_delivery_already_redelivered_successfully_is_not_redelivered_again(
    sim: Simulator, app: SimApp, service
) -> None:
    repo = new_repo(sim)
    sim.set_webhook(service.base_url, SECRET)
    sim.inject_fault("POST", rf"/repos/{repo.full_name}/pulls$", status=503, count=RETRIES + 1)
    repo.push("main", message="a change to promote")
    sim.wait_for_webhooks(timeout=30)
    assert [a.status_code for a in sim.hook_deliveries if a.event == "push"] == [502]
    config = config_for(sim, app)
    assert [r.status for r in redeliver_failed(config, (), dry_run=False)] == [Status.REDELIVERED]
    sim.wait_for_webhooks(timeout=30)
    assert [p["base"]["ref"] for p in repo.pull_requests()] == ["staging"]
    sim.clear_requests()

    assert redeliver_failed(config, (), dry_run=False) == []
    assert posted_redeliveries(sim) == []


def test_a_delivery_refused_with_a_4xx_is_not_redelivered(
    sim: Simulator, app: SimApp, service
) -> None:
    repo = new_repo(sim)
    sim.set_webhook(service.base_url, "not the service's secret")
    repo.push("main", message="signed with the wrong secret")
    sim.wait_for_webhooks(timeout=30)
    assert [a.status_code for a in sim.hook_deliveries if a.event == "push"] == [401]

    assert redeliver_failed(config_for(sim, app), (), dry_run=False) == []
    assert posted_redeliveries(sim) == []


def test_a_dry_run_lists_the_deliveries_without_asking_for_them(
    sim: Simulator, app: SimApp
) -> None:
    guids = unanswered_pushes(sim, 2)
    before = len(sim.hook_deliveries)

    results = redeliver_failed(config_for(sim, app), (), dry_run=True)

    assert [(r.status, r.delivery_id, r.dry_run) for r in results] == [
        (Status.REDELIVERED, guid, True) for guid in guids
    ]
    assert {w.outcome for r in results for w in r.writes} == {"planned"}
    assert "would ask GitHub to redeliver" in results[0].reason
    assert posted_redeliveries(sim) == []
    sim.wait_for_webhooks(timeout=30)
    assert len(sim.hook_deliveries) == before


def test_unanswered_deliveries_are_redelivered_oldest_first_one_request_each(
    sim: Simulator, app: SimApp
) -> None:
    guids = unanswered_pushes(sim, 3)
    results = redeliver_failed(config_for(sim, app), (), dry_run=False)
    assert [r.delivery_id for r in results] == guids
    assert "not answered, attempt 1" in results[0].reason
    ids = [a.id for guid in guids for a in attempts_of(sim, guid)]
    assert sorted(posted_redeliveries(sim)) == sorted(
        f"/app/hook/deliveries/{i}/attempts" for i in ids
    )


def test_deliveries_older_than_the_window_are_left_and_not_even_read(
    sim: Simulator, app: SimApp
) -> None:
    repo = new_repo(sim)
    unanswered_pushes(sim, 2, repo)
    sim.age_hook_deliveries(2 * DAY)
    (recent,) = unanswered_pushes(sim, 1, repo)
    config = config_for(sim, app)
    config = config._replace(reconcile=config.reconcile._replace(redeliver_window=DAY))

    results = redeliver_failed(config, (), dry_run=True, page_size=1)

    assert [r.delivery_id for r in results] == [recent]
    listed = [r for r in sim.requests if r.path == "/app/hook/deliveries"]
    assert len(listed) == 2  # the recent page, then the first page past the window


def test_every_page_of_the_log_is_read_by_following_the_link_header(
    sim: Simulator, app: SimApp
) -> None:
    guids = unanswered_pushes(sim, 5)
    results = redeliver_failed(config_for(sim, app), (), dry_run=True, page_size=2)
    assert [r.delivery_id for r in results] == guids
    listed = [r for r in sim.requests if r.path == "/app/hook/deliveries"]
    assert [("cursor=" in r.query) for r in listed] == [False, True, True]
    assert {r.token_kind for r in listed} == {"jwt"}


def test_only_the_named_repositories_deliveries_are_redelivered(
    sim: Simulator, app: SimApp
) -> None:
    mine, theirs = new_repo(sim), new_repo(sim)
    (wanted,) = unanswered_pushes(sim, 1, mine)
    unanswered_pushes(sim, 1, theirs)
    named = (mine.full_name.upper(),)  # GitHub's names are not case-sensitive

    results = redeliver_failed(config_for(sim, app), named, dry_run=False)

    assert [(r.delivery_id, r.repository) for r in results] == [(wanted, mine.full_name)]
    assert len(posted_redeliveries(sim)) == 1


def test_events_gh_promotion_does_not_act_on_are_not_redelivered(
    sim: Simulator, app: SimApp
) -> None:
    unanswered_pushes(sim, 1)
    config = config_for(sim, app, events=("pull_request_review", "status"))
    assert redeliver_failed(config, (), dry_run=False) == []
    assert posted_redeliveries(sim) == []


def test_a_log_github_cannot_serve_is_one_failed_result_and_no_redelivery(
    sim: Simulator, app: SimApp
) -> None:
    unanswered_pushes(sim, 1)
    sim.inject_fault("GET", r"^/app/hook/deliveries$", status=500, count=RETRIES + 1)
    (result,) = redeliver_failed(config_for(sim, app), (), dry_run=False)
    assert (result.status, result.delivery_id, result.ok) == (Status.FAILED, "", False)
    assert "GitHub answered 500" in result.reason
    assert posted_redeliveries(sim) == []


def test_token_auth_reads_no_delivery_log(sim: Simulator, app: SimApp) -> None:
    unanswered_pushes(sim, 1)
    config = config_for(sim, app)
    config = config._replace(github=config.github._replace(auth_mode="token"))
    assert redeliver_failed(config, (), dry_run=False) == []
    assert [r for r in sim.requests if r.path.startswith("/app/")] == []


def test_asking_for_redelivery_with_token_auth_is_a_configuration_error(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    config = config_for(sim, app)
    config = config._replace(github=config.github._replace(auth_mode="token"))
    with pytest.raises(ConfigError, match=r"--redeliver: .*needs the App's JWT"):
        run_reconcile(config, ("octo/anything",), redeliver=True)
    assert sim.requests == []  # refused before anything was swept

    token = sim.create_personal_token("octocat")
    command = ["reconcile", "-A", "token", "--repo", "octo/anything", "--redeliver"]
    done = subprocess.run(
        [sys.executable, "-m", "gh_promotion", *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(GITHUB_TOKEN=token, GITHUB_API_URL=sim.api_url),
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [f"gh-promotion: error: {REDELIVER_NEEDS_APP}"]
    assert sim.requests == []
