"""GitHub holding back, over real HTTP: rate limits, revoked tokens, rejected keys, suspensions.

``gh-promotion service`` runs as a GitHub App against the simulator; each test
has its own App (so its own installation, token and rate-limit hold in the
service) and arms the simulator to answer as GitHub does. The budget of a
delivery is the default, 8 s: every answer must come well before GitHub's
10-second limit, and waits GitHub asks for beyond it are not taken.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gh_promotion.config.model import Secret
from gh_promotion.core.delivery import Delivery
from gh_promotion.gateway.client import forget_clients
from gh_promotion.runtime.dispatch import answer
from gh_promotion.simulator import Simulator
from testkit.deliveries import signed
from testkit.simulated_app import SimulatedGitHub, open_promotion
from tests.runtime.helpers import ServiceProcess, app_env, http

PATCH_STAGING = r"/git/refs/heads/staging$"
TOKEN_EXCHANGE = re.compile(r"^/app/installations/\d+/access_tokens$")
WELL_WITHIN_GITHUBS_TIMEOUT = 10.0  # seconds; the budget is 8 s


@pytest.fixture
def world(sim: Simulator) -> Iterator[SimulatedGitHub]:
    yield SimulatedGitHub.install(sim)
    sim.clear_faults()


@pytest.fixture
def service(sim: Simulator, world: SimulatedGitHub, tmp_path: Path) -> Iterator[ServiceProcess]:
    running = start_service(sim, world, tmp_path)
    yield running
    running.kill()


def start_service(
    sim: Simulator, world: SimulatedGitHub, tmp_path: Path, *args: str
) -> ServiceProcess:
    env = app_env(sim.api_url, world.app)
    running = ServiceProcess(list(args), env, tmp_path)
    running.wait_listening()
    return running


def deliver(service: ServiceProcess, event: str, payload: dict) -> tuple[int, dict, float]:
    """Status, JSON answer and seconds taken, for one signed delivery."""
    headers, body = signed(event, payload)
    started = time.monotonic()
    status, answer, _ = http("POST", service.base_url, body, headers, timeout=180)
    return status, answer, time.monotonic() - started


def approval(world: SimulatedGitHub) -> tuple[object, dict, dict]:
    """A repository with main one commit ahead of staging, and the approval of its PR."""
    repo = world.new_repo()
    pull = open_promotion(repo)
    return repo, pull, world.review(repo, pull)


def requests_since(sim: Simulator, mark: int) -> list:
    return sim.requests[mark:]


def until_in_seconds(message: str) -> float:
    """How far ahead the ``until HH:MM:SS UTC`` of an answer is."""
    found = re.search(r"until (\d\d):(\d\d):(\d\d) UTC", message)
    assert found, message
    hours, minutes, seconds = map(int, found.groups())
    now = time.gmtime()
    ahead = (hours - now.tm_hour) * 3600 + (minutes - now.tm_min) * 60 + seconds - now.tm_sec
    return ahead % 86400


def test_a_secondary_rate_limit_without_retry_after_is_a_502_at_once_then_no_request(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess
) -> None:
    repo, _pull, payload = approval(world)
    before = repo.branch_sha("staging")
    sim.inject_fault(method="PATCH", path=PATCH_STAGING, status=403, rate_limit="secondary")
    status, answer, first_took = deliver(service, "pull_request_review", payload)
    assert status == 502, answer
    assert first_took < WELL_WITHIN_GITHUBS_TIMEOUT  # PyGithub waited 60 s here
    assert "secondary rate limit" in answer["error"] and "redeliver after" in answer["error"]
    assert 55 <= until_in_seconds(answer["error"]) <= 62  # GitHub: wait at least a minute
    assert repo.branch_sha("staging") == before

    mark = len(sim.requests)
    status, again, took = deliver(service, "pull_request_review", payload)
    assert (status, again["error"]) == (502, answer["error"])
    assert requests_since(sim, mark) == []  # not even a token exchange
    assert took < WELL_WITHIN_GITHUBS_TIMEOUT
    print(f"\nsecondary rate limit: 502 in {first_took * 1000:.0f} ms, held: {took * 1000:.0f} ms")


def test_a_primary_rate_limit_is_a_502_at_once_naming_the_reset(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess
) -> None:
    _repo, _pull, payload = approval(world)
    sim.inject_fault(
        method="PATCH", path=PATCH_STAGING, status=403, rate_limit="primary", reset_in=120
    )
    status, answer, took = deliver(service, "pull_request_review", payload)
    assert status == 502, answer
    assert took < WELL_WITHIN_GITHUBS_TIMEOUT  # PyGithub waited for the reset: 120 s
    print(f"\nprimary rate limit, reset in 120 s: 502 in {took * 1000:.0f} ms")
    assert f"installation {world.installation_id} until" in answer["error"]
    assert 118 <= until_in_seconds(answer["error"]) <= 123
    mark = len(sim.requests)
    other = world.push(world.new_repo(), "main")  # another repository, the same installation
    status, again, _ = deliver(service, "push", other)
    assert status == 502 and "primary rate limit" in again["error"]
    assert requests_since(sim, mark) == []


def test_a_short_retry_after_within_the_budget_is_waited_and_the_delivery_succeeds(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess
) -> None:
    repo, pull, payload = approval(world)
    sim.inject_fault(
        method="PATCH", path=PATCH_STAGING, status=403, rate_limit="secondary", retry_after=2
    )
    mark = len(sim.requests)
    status, answer, took = deliver(service, "pull_request_review", payload)
    assert (status, answer.get("status")) == (200, "promoted"), answer
    assert repo.branch_sha("staging") == pull["head"]["sha"]
    patches = [r.status for r in requests_since(sim, mark) if r.method == "PATCH"]
    assert patches == [403, 200]
    assert 2 <= took < WELL_WITHIN_GITHUBS_TIMEOUT
    print(f"\nRetry-After 2 s within the budget: promoted in {took * 1000:.0f} ms")


def test_a_persistent_outage_is_answered_within_the_budget(
    sim: Simulator, world: SimulatedGitHub, tmp_path: Path
) -> None:
    """Slow 503s: retries stop when the budget (here 2 s) is spent, not after N tries."""
    service = start_service(sim, world, tmp_path, "--github-time-budget", "2s")
    try:
        _repo, _pull, payload = approval(world)
        sim.inject_fault(method="PATCH", path=PATCH_STAGING, status=503, count=50, delay=0.6)
        status, answer, took = deliver(service, "pull_request_review", payload)
        assert status == 502 and "GitHub unavailable" in answer["error"], answer
        assert took < 2 + 1.5  # the budget, and the slack of a loaded machine
        print(f"\nslow 503s, 2 s budget: 502 in {took * 1000:.0f} ms")
    finally:
        service.kill()


def test_revoked_tokens_are_replaced_by_one_new_exchange(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess
) -> None:
    repo = world.new_repo()
    assert deliver(service, "push", world.push(repo, "main"))[0] == 200
    assert sim.revoke_installation_tokens(world.app) == 1
    mark = len(sim.requests)
    _, _pull, payload = approval(world)
    status, answer, _ = deliver(service, "pull_request_review", payload)
    assert (status, answer.get("status")) == (200, "promoted"), answer
    made = requests_since(sim, mark)
    assert [r.status for r in made if TOKEN_EXCHANGE.match(r.path)] == [201]
    assert [r.status for r in made if r.status == 401] == [401]  # the revoked token, once


def test_credentials_github_keeps_rejecting_are_a_credentials_error(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess
) -> None:
    repo = world.new_repo()
    assert deliver(service, "push", world.push(repo, "main"))[0] == 200
    sim.rotate_app_key(world.app)  # the service still signs with the old key
    sim.revoke_installation_tokens(world.app)
    mark = len(sim.requests)
    _, _pull, payload = approval(world)
    status, answer, _ = deliver(service, "pull_request_review", payload)
    assert status == 503, answer
    assert "GitHub unavailable" not in answer["error"]
    assert "rejected the App's credentials" in answer["error"]
    assert "App id" in answer["error"] and "private key" in answer["error"]
    exchanges = [r.status for r in requests_since(sim, mark) if TOKEN_EXCHANGE.match(r.path)]
    assert exchanges == [401]  # one exchange, no retry storm


def test_a_suspended_installation_is_one_exchange_then_fail_fast(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess
) -> None:
    sim.suspend_installation(world.installation_id)
    repo = world.new_repo()
    mark = len(sim.requests)
    status, answer, _ = deliver(service, "push", world.push(repo, "main"))
    assert status == 503, answer
    assert "suspended" in answer["error"] and "unsuspend" in answer["error"]
    assert "GitHub unavailable" not in answer["error"]
    assert [(r.path, r.status) for r in requests_since(sim, mark)] == [
        (f"/app/installations/{world.installation_id}/access_tokens", 403)
    ]
    mark = len(sim.requests)
    status, again, _ = deliver(service, "push", world.push(repo, "main"))
    assert (status, again["error"]) == (503, answer["error"])
    assert requests_since(sim, mark) == []


def test_each_github_request_is_logged_at_debug_level_without_headers(
    sim: Simulator, world: SimulatedGitHub, tmp_path: Path
) -> None:
    service = start_service(sim, world, tmp_path, "-vv")
    try:
        _repo, _pull, payload = approval(world)
        mark = len(sim.requests)
        assert deliver(service, "pull_request_review", payload)[0] == 200
        made = requests_since(sim, mark)
    finally:
        service.stop()
    logged = [r for r in service.log_records() if r.get("logger") == "gh_promotion.gateway.http"]
    assert [(r["http_method"], r["path"], r["http_status"]) for r in logged] == [
        (r.method, r.path, r.status) for r in made
    ]
    for record in logged:
        assert isinstance(record["ms"], float) and record["level"] == "debug"
        assert record["message"].startswith(f"GitHub {record['http_method']} {record['path']} → ")
    everything = "".join(service.stdout)
    assert "ghs_" not in everything and "Bearer" not in everything
    assert "Authorization" not in everything and "authorization" not in everything.lower()


@pytest.mark.parametrize("in_flight", [8, 32])
def test_rate_limited_deliveries_in_flight_leave_the_service_answering(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess, in_flight: int
) -> None:
    """The issue's outage: 8 deliveries waiting on a rate limit took every worker for 60 s."""
    approvals = [approval(world)[2] for _ in range(in_flight)]
    sim.inject_fault(
        method="PATCH", path=PATCH_STAGING, status=403, rate_limit="secondary", count=in_flight
    )
    with ThreadPoolExecutor(max_workers=in_flight + 1) as pool:
        answers = pool.map(lambda p: deliver(service, "pull_request_review", p), approvals)
        started = time.monotonic()
        health, _, _ = http("GET", f"{service.root}/healthz", timeout=30)
        health_took = time.monotonic() - started
        answered = list(answers)
    assert health == 200
    assert {status for status, _, _ in answered} == {502}
    slowest = max(took for _, _, took in answered)
    assert slowest < WELL_WITHIN_GITHUBS_TIMEOUT
    print(
        f"\n{in_flight} rate-limited deliveries: slowest answer {slowest * 1000:.0f} ms,"
        f" /healthz {health_took * 1000:.0f} ms"
    )


def test_a_token_github_rejects_is_a_credentials_error_without_renewal(
    sim: Simulator, world: SimulatedGitHub
) -> None:
    """``-A token``: nothing to exchange, so the first 401 is the answer (Lambda and service
    share this mapping in :mod:`gh_promotion.runtime.dispatch`)."""
    config = world.config(auth_mode="token")
    config = config._replace(github=config.github._replace(token=Secret("ghp_" + "0" * 36)))
    repo = world.new_repo()
    mark = len(sim.requests)
    try:
        answered = answer(Delivery("push", "token-401", world.push(repo, "main")), config)
    finally:
        forget_clients()
    assert answered.status == 503, answered
    assert "GitHub rejected the token" in answered.body["error"]
    assert "GITHUB_TOKEN" in answered.body["error"]
    assert [r.status for r in requests_since(sim, mark)] == [401]


def test_an_installation_github_does_not_know_is_a_credentials_error(
    sim: Simulator, world: SimulatedGitHub, service: ServiceProcess
) -> None:
    repo = world.new_repo()
    payload = world.push(repo, "main")
    payload["installation"]["id"] = 987654321  # uninstalled, or another App's
    status, answer, _ = deliver(service, "push", payload)
    assert status == 503, answer
    assert "GitHub knows no installation 987654321" in answer["error"]
    assert "installed" in answer["error"]
