"""`gh-promotion reconcile` as a user runs it: a process, its stdout, stderr and exit status."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from gh_promotion.simulator import Simulator
from testkit.simulated_app import OWNER, PROPS
from tests.runtime.helpers import REPO_ROOT, app_env, clean_env


@pytest.fixture(scope="module")
def world():
    with Simulator() as sim:
        app = sim.create_app(slug="gh-promotion")
        sim.install_app(app, OWNER)
        yield sim, app


def _repo(sim, name):
    repo = sim.create_repository(f"{OWNER}/{name}", custom_properties=dict(PROPS))
    for stage in ("staging", "canary", "production"):
        repo.create_branch(stage, repo.branch_sha("main"))
    return repo


def reconcile(env, *args):
    done = subprocess.run(
        [sys.executable, "-m", "gh_promotion", "reconcile", "--no-redeliver", *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def test_results_are_json_lines_on_stdout_and_the_summary_is_on_stderr(world):
    sim, app = world
    repo = _repo(sim, "cli-lines")
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.set_status(head, "success", context="ci")

    status, out, err = reconcile(app_env(sim.api_url, app), "--repo", repo.full_name)

    assert status == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert [(r["source"], r["target"]) for r in results] == [
        ("main", "staging"),
        ("staging", "canary"),
        ("canary", "production"),
    ]
    assert results[0]["status"] == "promoted" and results[0]["event"] == "reconcile"
    assert "reconcile: 1 repositories, 3 results: " in err
    assert repo.branch_sha("staging") == head


def test_json_is_one_document_and_dry_run_lists_the_plan(world):
    sim, app = world
    repo = _repo(sim, "cli-json")
    repo.push("main", "a push whose delivery was lost")
    before = repo.branches

    status, out, err = reconcile(
        app_env(sim.api_url, app), "--repo", repo.full_name, "--json", "--dry-run"
    )

    assert status == 0, err
    document = json.loads(out)
    planned = [w for r in document["results"] for w in r["writes"] if w["outcome"] == "planned"]
    assert [w["action"] for w in planned] == ["create_pull_request", "create_check_run"]
    assert repo.branches == before and repo.pull_requests() == []
    assert "(dry run)" in err


def test_a_result_that_needs_a_person_exits_1(world):
    sim, app = world
    repo = _repo(sim, "cli-diverged")
    repo.push("staging", "a hotfix straight on staging")
    head = repo.push("main", "feature")
    repo.open_pull_request("main", "staging")
    repo.set_status(head, "success", context="ci")

    status, out, err = reconcile(app_env(sim.api_url, app), "--repo", repo.full_name)

    assert status == 1
    failed = [json.loads(line) for line in out.splitlines() if '"failed"' in line]
    assert failed and "cannot be fast-forwarded" in failed[0]["reason"]
    assert f"failed: {repo.full_name} main→staging" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--repo", "not-a-repo"), "'not-a-repo' is not a repository name (OWNER/REPO)"),
        (("--repo", f"{OWNER}/missing"), f"unknown repository {OWNER}/missing"),
        (("--repo", "elsewhere/app"), "the App is not installed on elsewhere/app's owner"),
    ],
)
def test_bad_input_exits_2_with_one_line(world, args, words):
    sim, app = world
    status, out, err = reconcile(app_env(sim.api_url, app), *args)
    assert (status, out) == (2, "")
    [line] = err.strip().splitlines()
    assert line.startswith(f"gh-promotion: error: reconcile: {words}")


def test_token_auth_needs_a_list(world):
    sim, _ = world
    env = clean_env(
        GITHUB_AUTH_MODE="token",
        GITHUB_TOKEN=sim.create_personal_token(),
        GITHUB_API_URL=sim.api_url,
    )
    status, out, err = reconcile(env)
    assert (status, out) == (2, "")
    assert "needs the repositories to sweep" in err and len(err.strip().splitlines()) == 1


def test_missing_credentials_are_refused_at_start(world):
    sim, _ = world
    env = clean_env(GITHUB_AUTH_MODE="app", GITHUB_API_URL=sim.api_url)
    status, out, err = reconcile(env, "--repo", f"{OWNER}/anything")
    assert (status, out) == (2, "")
    assert err.startswith("gh-promotion: error: refusing to start:")
    assert all(r.path != f"/repos/{OWNER}/anything" for r in sim.requests)
