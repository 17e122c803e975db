"""Request log, injected faults, latency, unknown routes and the `/_sim` control API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from github import Auth, Github, GithubException

from gh_promotion.simulator import ApiError, Simulator
from tests.simulator.conftest import api


@pytest.fixture(autouse=True)
def _no_leftover_faults(sim):
    yield
    sim.clear_faults()
    sim.set_latency(0)


def test_every_request_is_logged_with_its_token_kind(sim, gh, repo):
    sim.clear_requests()
    gh.get_repo(repo.full_name).get_branch("main")
    api(sim, None, "GET", f"/repos/{repo.full_name}/pulls", params={"state": "all"})
    logged = [(r.method, r.path, r.status, r.token_kind) for r in sim.requests]
    assert logged == [
        ("GET", f"/repos/{repo.full_name}", 200, "personal"),
        ("GET", f"/repos/{repo.full_name}/branches/main", 200, "personal"),
        ("GET", f"/repos/{repo.full_name}/pulls", 401, "none"),
    ]
    assert sim.requests[-1].query == "state=all"
    assert all(r.duration >= 0 for r in sim.requests)


def test_fault_answers_matching_requests_count_times(sim, gh, repo):
    sha = repo.push("main", "feat")
    sim.inject_fault(method="PATCH", path=r"/git/refs/heads/staging$", status=502, count=2)
    ref = gh.get_repo(repo.full_name).get_git_ref("heads/staging")
    for _ in range(2):
        with pytest.raises(GithubException) as caught:
            ref.edit(sha)
        assert (caught.value.status, caught.value.data["message"]) == (502, "Server Error")
    assert repo.branch_sha("staging") != sha
    ref.edit(sha)
    assert repo.branch_sha("staging") == sha
    assert [r.status for r in sim.requests if r.method == "PATCH"][-3:] == [502, 502, 200]


def test_rate_limit_fault_sends_retry_after(sim, token, repo):
    sim.inject_fault(path=r"/pulls", status=403, retry_after=7)
    limited = api(sim, token, "GET", f"/repos/{repo.full_name}/pulls")
    assert limited.status_code == 403
    assert limited.headers["Retry-After"] == "7"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert "secondary rate limit" in limited.json()["message"]
    assert api(sim, token, "GET", f"/repos/{repo.full_name}/pulls").status_code == 200


def test_fault_with_custom_body_and_delay(sim, token, repo):
    sim.inject_fault(path=r"^/repos/", status=500, body={"message": "boom"}, delay=0.2)
    started = time.monotonic()
    answer = api(sim, token, "GET", f"/repos/{repo.full_name}")
    assert time.monotonic() - started >= 0.2
    assert (answer.status_code, answer.json()) == (500, {"message": "boom"})


def test_latency_slows_every_request(sim, token, repo):
    sim.set_latency(0.1)
    started = time.monotonic()
    api(sim, token, "GET", f"/repos/{repo.full_name}")
    assert time.monotonic() - started >= 0.1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/repos/{repo}/milestones"),
        ("GET", "/user"),
        ("PUT", "/repos/{repo}/pulls/1/merge"),
        ("DELETE", "/repos/{repo}"),
        ("POST", "/repos/{repo}/git/commits"),
        ("GET", "/repos/{repo}/git/ref/tags/v1"),
    ],
)
def test_undocumented_routes_are_404(sim, token, repo, method, path):
    answer = api(sim, token, method, path.format(repo=repo.full_name))
    assert answer.status_code == 404 and answer.json()["message"] == "Not Found"


def test_control_api_mirrors_the_python_api(sim: Simulator):
    http = requests.Session()
    http.trust_env = False
    control = sim.api_url + "/_sim"
    created = http.post(
        f"{control}/repos", json={"full_name": "ctl/repo", "branches": ["main", "staging"]}
    )
    assert created.status_code == 201
    sha = http.post(
        f"{control}/repos/ctl/repo/push", json={"branch": "main", "message": "m"}
    ).json()["sha"]
    http.post(
        f"{control}/repos/ctl/repo/statuses", json={"sha": sha, "state": "success", "context": "ci"}
    )
    assert sim.repository("ctl/repo").combined_status(sha)["state"] == "success"
    token = http.post(f"{control}/tokens", json={"login": "dev"}).json()["token"]
    pr = api(
        sim,
        token,
        "POST",
        "/repos/ctl/repo/pulls",
        json={"head": "main", "base": "staging", "title": "t"},
    )
    number = pr.json()["number"]
    assert http.post(f"{control}/repos/ctl/repo/pulls/{number}/approve", json={}).status_code == 201
    http.post(f"{control}/faults", json={"path": "/pulls", "status": 503})
    assert api(sim, token, "GET", "/repos/ctl/repo/pulls").status_code == 503
    state = http.get(f"{control}/repos/ctl/repo").json()
    assert state["branches"]["main"] == sha and state["pull_requests"][0]["number"] == number
    logged = http.get(f"{control}/requests").json()
    assert logged[-1]["status"] == 503 and logged[-1]["token_kind"] == "personal"


def test_concurrent_clients_are_served_consistently(sim, token, repo):
    """Many threads racing to fast-forward one branch: each update is all-or-nothing."""
    shas = [repo.push(f"topic-{i}", f"topic {i}") for i in range(8)]
    path = f"/repos/{repo.full_name}/git/refs/heads/main"

    def move(sha: str) -> int:
        return api(sim, token, "PATCH", path, json={"sha": sha}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(move, shas))
    # topics are siblings: exactly one fast-forward wins, the others are not fast forwards
    assert sorted(statuses) == [200] + [422] * 7
    assert repo.branch_sha("main") == shas[statuses.index(200)]


def test_simulator_runs_as_its_own_process():
    command = [sys.executable, "-m", "gh_promotion.simulator", "--repo", "octo/app"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(process.stdout.readline())
        sim_url, token = info["api_url"], info["token"]
        session = requests.Session()
        session.trust_env = False
        answer = session.get(
            f"{sim_url}/repos/octo/app", headers={"Authorization": f"token {token}"}, timeout=10
        )
        assert answer.json()["custom_properties"] == {
            "gitops-promotion-path": "main,staging,canary,production"
        }
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_a_simulator_serves_on_loopback_and_lets_its_port_go_when_stopped():
    """How fast it starts is a bench figure, not a test's (timed tests flake under load)."""
    with Simulator() as fresh:
        assert fresh.api_url.startswith("http://127.0.0.1:")
        port = int(fresh.api_url.rsplit(":", 1)[1].split("/")[0])
        answer = requests.get(f"{fresh.api_url}/no-such-route", timeout=5)
        assert (answer.status_code, answer.json()["message"]) == (404, "Not Found")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_pygithub_retry_recognises_the_rate_limit_fault(sim, token, repo):
    """The fault looks enough like GitHub's secondary rate limit for PyGithub's GithubRetry."""
    patient = Github(
        base_url=sim.api_url,
        auth=Auth.Token(token),
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    sim.inject_fault(path=rf"^/repos/{repo.full_name}$", status=403, retry_after=1)
    started = time.monotonic()
    assert patient.get_repo(repo.full_name).full_name == repo.full_name
    assert time.monotonic() - started >= 1.0
    assert [r.status for r in sim.requests if r.path == f"/repos/{repo.full_name}"][-2:] == [
        403,
        200,
    ]


def test_python_api_refusals_are_clear(sim, repo):
    with pytest.raises(ValueError, match="already exists"):
        sim.create_repository(repo.full_name)
    with pytest.raises(LookupError, match="no repository"):
        sim.repository("octo/none")
    with pytest.raises(ValueError, match="no commit"):
        repo.set_branch("x", "6" * 40)
    with pytest.raises(ApiError) as caught:
        repo.open_pull_request("main", "staging")
    assert caught.value.status == 422 and "No commits between" in caught.value.errors[0]["message"]


def test_control_api_refusals_are_json(sim):
    http = requests.Session()
    http.trust_env = False
    missing = http.post(f"{sim.api_url}/_sim/repos/octo/none/push", json={"branch": "main"})
    assert missing.status_code == 404 and "no repository" in missing.json()["message"]
    incomplete = http.post(f"{sim.api_url}/_sim/repos", json={})
    assert incomplete.status_code == 422 and "full_name" in incomplete.json()["message"]


def test_primary_rate_limit_answers_as_github_does(sim, token, repo):
    sim.inject_fault(path=r"/pulls$", status=403, rate_limit="primary", reset_in=120)
    limited = api(sim, token, "GET", f"/repos/{repo.full_name}/pulls")
    assert limited.status_code == 403
    assert limited.json()["message"].startswith("API rate limit exceeded for user ID ")
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.headers["X-RateLimit-Resource"] == "core"
    assert 110 <= int(limited.headers["X-RateLimit-Reset"]) - time.time() <= 121
    assert "Retry-After" not in limited.headers
    assert api(sim, token, "GET", f"/repos/{repo.full_name}/pulls").status_code == 200


def test_secondary_rate_limit_with_and_without_retry_after(sim, token, repo):
    sim.inject_fault(path=r"/pulls$", status=403, rate_limit="secondary")
    sim.inject_fault(path=r"/pulls$", status=429, rate_limit="secondary", retry_after=3)
    first = api(sim, token, "GET", f"/repos/{repo.full_name}/pulls")
    second = api(sim, token, "GET", f"/repos/{repo.full_name}/pulls")
    assert (first.status_code, second.status_code) == (403, 429)
    for limited in (first, second):
        assert limited.json()["message"].startswith("You have exceeded a secondary rate limit")
        assert int(limited.headers["X-RateLimit-Remaining"]) > 0
    assert "Retry-After" not in first.headers
    assert second.headers["Retry-After"] == "3"


def test_rate_limit_kind_is_checked(sim):
    with pytest.raises(ValueError, match="primary"):
        sim.inject_fault(rate_limit="tertiary")
    answer = requests.post(f"{sim.api_url}/_sim/faults", json={"rate_limit": "x"}, timeout=5)
    assert answer.status_code == 422
