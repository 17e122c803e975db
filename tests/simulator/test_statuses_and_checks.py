"""Commit statuses and check runs: validations, combined status, who may write checks."""

from __future__ import annotations

import pytest
from github import Auth, GithubException

from tests.simulator.conftest import api, client


def _refusal(call) -> GithubException:
    with pytest.raises(GithubException) as caught:
        call()
    return caught.value


@pytest.fixture(scope="module")
def app_client(sim):
    app = sim.create_app(slug="checker")
    installation = sim.install_app(app, "octo")
    return client(
        sim, Auth.AppAuth(app.app_id, app.private_key_pem).get_installation_auth(installation)
    )


def test_status_and_combined_status(gh, repo):
    sha = repo.branch_sha("main")
    commit = gh.get_repo(repo.full_name).get_commit(sha)
    assert commit.get_combined_status().state == "pending"  # no statuses yet, like GitHub
    commit.create_status("pending", context="ci")
    commit.create_status("success", context="lint", description="ok")
    assert commit.get_combined_status().state == "pending"
    commit.create_status("success", context="ci")
    combined = commit.get_combined_status()
    assert (combined.state, combined.total_count) == ("success", 2)
    commit.create_status("failure", context="lint")
    assert commit.get_combined_status().state == "failure"
    assert [s.context for s in commit.get_statuses()][:2] == ["lint", "ci"]
    assert [s["state"] for s in repo.statuses(sha)] == ["failure", "success", "success", "pending"]


def test_status_description_over_140_characters_is_422(gh, repo):
    commit = gh.get_repo(repo.full_name).get_commit(repo.branch_sha("main"))
    refused = _refusal(lambda: commit.create_status("success", description="x" * 141, context="ci"))
    assert refused.status == 422 and refused.data["errors"][0]["field"] == "description"
    commit.create_status("success", description="x" * 140, context="ci")


def test_status_state_must_be_in_the_enum(sim, token, repo):
    answer = api(
        sim,
        token,
        "POST",
        f"/repos/{repo.full_name}/statuses/{repo.branch_sha('main')}",
        json={"state": "green"},
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "state"


def test_status_on_unknown_commit_is_422(sim, token, repo):
    answer = api(
        sim,
        token,
        "POST",
        f"/repos/{repo.full_name}/statuses/{'4' * 40}",
        json={"state": "success"},
    )
    assert answer.status_code == 422


def test_personal_token_cannot_create_check_runs(gh, repo):
    refused = _refusal(
        lambda: gh.get_repo(repo.full_name).create_check_run(
            name="c", head_sha=repo.branch_sha("main")
        )
    )
    assert (refused.status, refused.data["message"]) == (
        403,
        "You must authenticate via a GitHub App.",
    )


def test_check_run_lifecycle(app_client, gh, repo):
    sha = repo.branch_sha("main")
    remote = app_client.get_repo(repo.full_name)
    run = remote.create_check_run(name="promotion", head_sha=sha, status="in_progress")
    assert (run.status, run.conclusion, run.app.slug) == ("in_progress", None, "checker")
    run.edit(conclusion="success", output={"title": "Promoted", "summary": "staging is at " + sha})
    again = remote.get_check_run(run.id)
    assert (again.status, again.conclusion, again.output.title) == (
        "completed",
        "success",
        "Promoted",
    )
    listed = gh.get_repo(repo.full_name).get_commit(sha).get_check_runs()
    assert [(r.name, r.conclusion) for r in listed] == [("promotion", "success")]
    assert [r["id"] for r in repo.check_runs(sha)] == [run.id]


def test_completed_check_run_needs_a_conclusion(app_client, repo):
    remote = app_client.get_repo(repo.full_name)
    refused = _refusal(
        lambda: remote.create_check_run(
            name="c", head_sha=repo.branch_sha("main"), status="completed"
        )
    )
    assert refused.status == 422 and '"conclusion"' in refused.data["message"]


@pytest.mark.parametrize("key", ["summary", "text"])
def test_check_run_output_limit_is_65535_characters(app_client, repo, key):
    remote = app_client.get_repo(repo.full_name)
    output = {"title": "t", "summary": "s", key: "y" * 65536}
    refused = _refusal(
        lambda: remote.create_check_run(name="c", head_sha=repo.branch_sha("main"), output=output)
    )
    assert refused.status == 422
    assert "Only 65535 characters are allowed; 65536 were supplied." in refused.data["message"]
    output[key] = "y" * 65535
    remote.create_check_run(name="c", head_sha=repo.branch_sha("main"), output=output)


def test_check_run_on_unknown_commit_is_422(app_client, repo):
    refused = _refusal(
        lambda: app_client.get_repo(repo.full_name).create_check_run(name="c", head_sha="5" * 40)
    )
    assert refused.status == 422


def test_only_the_creating_app_may_update_a_check_run(sim, app_client, repo):
    run = app_client.get_repo(repo.full_name).create_check_run(
        name="promotion", head_sha=repo.branch_sha("main")
    )
    other = sim.create_app(slug="intruder")
    intruder = client(
        sim,
        Auth.AppAuth(other.app_id, other.private_key_pem).get_installation_auth(
            sim.install_app(other, "octo")
        ),
    )
    refused = _refusal(
        lambda: (
            intruder.get_repo(repo.full_name)
            .get_check_run(run.id)
            .edit(status="completed", conclusion="success")
        )
    )
    assert refused.status == 403
    assert app_client.get_repo(repo.full_name).get_check_run(run.id).status == "queued"


def test_check_runs_filter_by_name(app_client, gh, repo):
    sha = repo.branch_sha("main")
    remote = app_client.get_repo(repo.full_name)
    remote.create_check_run(name="a", head_sha=sha)
    remote.create_check_run(name="b", head_sha=sha)
    commit = gh.get_repo(repo.full_name).get_commit(sha)
    assert [r.name for r in commit.get_check_runs(check_name="b")] == ["b"]
    assert commit.get_check_runs().totalCount == 2


def test_an_apps_suite_completes_when_its_runs_do_and_github_says_so(sim, app_client, repo):
    """check_suite completed goes out once every run (the latest of each name) has
    completed, with the highest-priority conclusion and the App that owns it."""
    sha = repo.push("main", message="checked")
    remote = app_client.get_repo(repo.full_name)
    sim.wait_for_webhooks()
    sim.clear_deliveries()

    def completed_suites() -> list[dict]:
        sim.wait_for_webhooks()
        return [
            d.payload["check_suite"]
            for d in sim.deliveries
            if d.event == "check_suite" and d.payload["check_suite"]["head_sha"] == sha
        ]

    lint = remote.create_check_run(name="lint", head_sha=sha, status="in_progress")
    remote.create_check_run(name="build", head_sha=sha, status="completed", conclusion="neutral")
    assert completed_suites() == []  # lint still runs
    lint.edit(status="completed", conclusion="success")
    (first,) = completed_suites()
    assert first["conclusion"] == "neutral" and first["app"]["slug"] == "checker"
    remote.create_check_run(name="build", head_sha=sha, status="completed", conclusion="success")
    assert [s["conclusion"] for s in completed_suites()] == ["neutral", "success"]
