"""GET /metrics of the real service after real deliveries from the simulator.

The counters are checked against what the other side saw: the deliveries the
simulator sent and the answers it got back, and the GitHub requests each
delivery's log line counted — not against numbers written down here.
"""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from gh_promotion.simulator import SimApp, Simulator
from testkit.deliveries import SECRET
from tests.metrics.scrape import scrape, status_of, values
from tests.runtime.conftest import new_repository
from tests.runtime.helpers import ServiceProcess, app_env, http

REMAINING = 1234  # what the simulator's answers say is left of the rate limit
PREFIX = "gh_promotion_"


@pytest.fixture(autouse=True)
def clean_simulator(sim: Simulator) -> Iterator[None]:
    sim.clear_deliveries()
    yield
    sim.set_rate_limit_remaining(4999)  # the simulator's default
    sim.set_webhook(None)
    sim.clear_faults()
    sim.wait_for_webhooks(timeout=30)
    sim.clear_deliveries()


def start(sim: Simulator, app: SimApp, tmp_path: Path, **env: str) -> ServiceProcess:
    service = ServiceProcess([], app_env(sim.api_url, app, **env), tmp_path)
    service.wait_listening()
    return service


def answered(service: ServiceProcess) -> Counter:
    """(event, status) of every delivery as its log line tells its answer."""
    seen: Counter = Counter()
    for line in delivery_lines(service):
        ok = line["http_status"] == 200 and line["status"] != "error"
        seen[(line["event"], line["status"] if ok else f"{line['http_status'] // 100}xx")] += 1
    return seen


def delivery_lines(service: ServiceProcess) -> list[dict]:
    return [r for r in service.log_records() if "http_status" in r and "github_requests" in r]


def test_metrics_count_what_the_deliveries_did(sim: Simulator, app: SimApp, tmp_path: Path) -> None:
    service = start(sim, app, tmp_path)
    try:
        sim.set_webhook(service.base_url, SECRET)
        sim.set_rate_limit_remaining(REMAINING)
        repo = new_repository(sim)
        repo.push("main", "feature: metrics")
        sim.wait_for_webhooks(timeout=30)
        (pull,) = repo.pull_requests()
        # The fast-forward meets a secondary rate limit once and is retried at once.
        sim.inject_fault(
            "PATCH", r".*/git/refs/heads/staging", 403, rate_limit="secondary", retry_after=0
        )
        repo.approve(pull["number"])
        sim.wait_for_webhooks(timeout=30)
        assert repo.branch_sha("staging") == pull["head"]["sha"]
        unsigned = http("POST", service.base_url, b"{}", {"X-GitHub-Event": "push"})
        assert 400 <= unsigned[0] < 500

        samples = scrape(service.root + "/metrics")
        text_repo = repo.full_name
    finally:
        service.stop()
        service.kill()

    # Each delivery the simulator sent has its log line; the refusal before intake has none.
    assert sorted(d.event for d in sim.deliveries) == sorted(
        line["event"] for line in delivery_lines(service)
    )
    expected = answered(service) + Counter({("push", "4xx"): 1})
    recorded = Counter(
        {
            (dict(labels)["event"], dict(labels)["status"]): int(value)
            for (name, labels), value in samples.items()
            if name == PREFIX + "deliveries_total"
        }
    )
    assert recorded == expected
    assert ("pull_request_review", "promoted") in recorded

    delivery_count = sum(values(samples, PREFIX + "delivery_duration_seconds_count"))
    assert delivery_count == sum(expected.values())

    assert values(samples, PREFIX + "promotions_total", stage="staging", outcome="promoted") == [1]
    assert values(samples, PREFIX + "promotion_lead_time_seconds_count", stage="staging") == [1]

    logged = sum(line["github_requests"] for line in delivery_lines(service))
    requests = values(samples, PREFIX + "github_requests_total")
    assert sum(requests) == logged > 0
    ref = "/repos/{owner}/{repo}/git/refs/{ref}"
    assert values(
        samples, PREFIX + "github_requests_total", method="PATCH", endpoint=ref, code="403"
    ) == [1]
    assert values(
        samples, PREFIX + "github_requests_total", method="PATCH", endpoint=ref, code="200"
    ) == [1]
    endpoints = {
        dict(labels)["endpoint"]
        for (name, labels) in samples
        if name == PREFIX + "github_requests_total"
    }
    assert all("{owner}/{repo}" in e or e.startswith("/app") for e in endpoints), endpoints

    (remaining,) = [
        (dict(ls), v)
        for (n, ls), v in samples.items()
        if n == PREFIX + "github_rate_limit_remaining"
    ]
    assert remaining[0]["installation"].isdigit()
    assert remaining[1] == REMAINING
    # Repositories are no label unless metrics.perRepository is on.
    assert not any(text_repo in str(labels) for (_, labels) in samples)


def test_per_repository_labels_delivery_and_promotion_metrics(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    service = start(sim, app, tmp_path, METRICS_PER_REPOSITORY="true")
    try:
        sim.set_webhook(service.base_url, SECRET)
        repo = new_repository(sim)
        repo.push("main", "feature: per repository")
        sim.wait_for_webhooks(timeout=30)
        samples = scrape(service.root + "/metrics")
    finally:
        service.stop()
        service.kill()
    assert values(
        samples,
        PREFIX + "deliveries_total",
        event="push",
        status="pending",
        repository=repo.full_name,
    ) == [1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_metrics_port_serves_metrics_apart_from_the_webhook(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    port = free_port()
    service = start(sim, app, tmp_path, METRICS_PORT=str(port))
    try:
        ping = http("POST", service.base_url, b"{}", {"X-GitHub-Event": "ping"})
        assert 400 <= ping[0] < 500  # unsigned: counted as a refusal
        samples = scrape(f"http://127.0.0.1:{port}/metrics")
        assert status_of(service.root + "/metrics") == 404
    finally:
        service.stop()
        service.kill()
    assert values(samples, PREFIX + "deliveries_total", event="ping", status="4xx") == [1]


def test_metrics_off_records_nothing_and_serves_no_route(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    service = start(sim, app, tmp_path, METRICS_ENABLED="false")
    try:
        assert status_of(service.root + "/metrics") == 404
        assert status_of(service.root + "/healthz") == 200
    finally:
        service.stop()
        service.kill()


def test_the_background_sweep_is_in_the_metrics(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    """service.reconcileInterval runs run_reconcile, which records each run."""
    import time

    repo = new_repository(sim)
    repo.push("main", "pushed while no webhook was configured")  # the sweep opens its request
    service = start(sim, app, tmp_path, SERVICE_RECONCILE_INTERVAL="1s")
    try:
        deadline = time.monotonic() + 60
        while True:
            health = http("GET", service.root + "/healthz")[1]["reconcile"]
            if health["runs"] >= 1 and not health["running"]:
                break
            assert time.monotonic() < deadline, health
            time.sleep(0.1)
        samples = scrape(service.root + "/metrics")
        after = http("GET", service.root + "/healthz")[1]["reconcile"]
    finally:
        service.stop()
        service.kill()
    (runs,) = values(samples, PREFIX + "reconcile_runs_total")
    assert health["runs"] <= runs <= after["runs"]
    (finished,) = values(samples, PREFIX + "reconcile_last_run_timestamp_seconds")
    assert time.time() - 60 < finished <= time.time()
    assert values(samples, PREFIX + "reconcile_outcomes_total", status="pending")
    assert [p["base"]["ref"] for p in repo.pull_requests()] == ["staging"]
