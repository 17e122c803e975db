"""The service's background reconcile (``service.reconcileInterval``): the loop itself,
and the service running it against the simulator, reported by ``/healthz``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gh_promotion.config.errors import ConfigError
from gh_promotion.config.model import Config, ServiceConfig
from gh_promotion.core.result import Result, Status
from gh_promotion.runtime.reconcile import ReconcileReport
from gh_promotion.runtime.reconcile_loop import ReconcileLoop
from gh_promotion.simulator import SimApp, Simulator
from testkit.deliveries import SECRET, signed
from testkit.payloads import example
from tests.reconcile.redelivery_world import (
    app,
    clean_simulator,
    new_repo,
    sim,
    unanswered_pushes,
)
from tests.runtime.helpers import ServiceProcess, app_env, clean_env, http

__all__ = ["app", "clean_simulator", "sim"]  # fixtures


def every(seconds: float) -> Config:
    return Config(service=ServiceConfig(reconcile_interval=seconds))


def report(*statuses: Status) -> ReconcileReport:
    now = time.time()
    return ReconcileReport(tuple(Result(s, "r") for s in statuses), now, now, ("a note",))


def wait_for(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("not reached in time")


# -- the loop ------------------------------------------------------------------------


def test_before_the_first_run_health_says_none_has_run() -> None:
    loop = ReconcileLoop(every(600), run=lambda config: report())
    assert loop.health() == {"interval_seconds": 600, "running": False, "runs": 0, "last": None}


def test_runs_never_overlap_and_the_last_ones_counts_are_reported() -> None:
    inside, most = [0], [0]
    lock = threading.Lock()

    def slow_run(config: Config) -> ReconcileReport:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.02)  # longer than the interval: the next run waits for this one
        with lock:
            inside[0] -= 1
        return report(Status.PROMOTED, Status.PENDING, Status.PENDING)

    loop = ReconcileLoop(every(0.001), run=slow_run)
    loop.start()
    wait_for(lambda: loop.health()["runs"] >= 5)
    loop.stop()
    assert loop.join(10)
    assert most == [1]
    last = loop.health()["last"]
    assert (last["outcomes"], last["needs_person"], last["notes"]) == (
        {"pending": 2, "promoted": 1},
        False,
        ["a note"],
    )
    assert last["started_at"] <= last["finished_at"]


def test_a_failed_run_is_reported_and_the_loop_goes_on() -> None:
    answers: list[Any] = [ConfigError("reconcile.repositories: a list is needed"), report()]

    def run(config: Config) -> ReconcileReport:
        answer = answers.pop(0) if answers else report(Status.FAILED)
        if isinstance(answer, Exception):
            raise answer
        return answer

    loop = ReconcileLoop(every(0.001), run=run)
    seen: list[dict] = []
    loop.start()
    wait_for(lambda: seen.append(loop.health()["last"] or {}) or loop.health()["runs"] >= 3)
    loop.stop()
    assert loop.join(10)
    errors = [last["error"] for last in seen if "error" in last]
    assert set(errors) <= {"reconcile.repositories: a list is needed"}
    assert loop.health()["last"]["needs_person"] is True


def test_stop_lets_the_run_in_flight_finish_and_starts_no_other() -> None:
    release, started = threading.Event(), threading.Event()

    def held_run(config: Config) -> ReconcileReport:
        started.set()
        release.wait(30)
        return report()

    loop = ReconcileLoop(every(0.001), run=held_run)
    loop.start()
    assert started.wait(30)
    loop.stop()
    assert loop.health()["running"] is True
    assert loop.join(0.05) is False  # still in its run
    release.set()
    assert loop.join(30) is True
    assert loop.health()["runs"] == 1


# -- the service ---------------------------------------------------------------------


def test_the_service_refuses_an_interval_it_could_never_sweep(tmp_path: Path) -> None:
    env = clean_env(
        GITHUB_AUTH_MODE="token",
        GITHUB_TOKEN="ghp_" + "t" * 36,
        GITHUB_WEBHOOK_SECRET=SECRET,
        SERVICE_RECONCILE_INTERVAL="10m",
    )
    refused = ServiceProcess([], env, tmp_path)
    assert refused.process.wait(30) == 2
    (line,) = wait_for(lambda: refused.stderr)
    assert line.startswith("gh-promotion: refusing to start: service.reconcileInterval:")
    assert "reconcile.repositories (RECONCILE_REPOSITORIES)" in line


def test_the_service_sweeps_every_interval_and_healthz_reports_it(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    """Waits for the sweep (gh_promotion/runtime/sweep.py) to be merged."""
    repo = new_repo(sim, "interval")
    repo.push("main", message="pushed while no webhook was configured")  # a missed push
    (lost,) = unanswered_pushes(sim, 1, new_repo(sim, "lost"))  # a push nobody answered
    env = app_env(sim.api_url, app, SERVICE_RECONCILE_INTERVAL="1s")
    service = ServiceProcess([], env, tmp_path)
    try:
        service.wait_listening()
        sim.set_webhook(service.base_url, SECRET)
        headers, body = signed("ping", example("ping/payload.json"))
        assert http("POST", service.base_url, body, headers)[0] == 200

        def recovered() -> bool:
            return any(a.guid == lost and a.status_code == 200 for a in sim.hook_deliveries)

        wait_for(recovered)  # a run redelivered it, and the service handled it
        runs = http("GET", f"{service.root}/healthz")[1]["reconcile"]["runs"]

        def later_run() -> dict | None:
            health = http("GET", f"{service.root}/healthz")[1]["reconcile"]
            return health if health["runs"] > runs and not health["running"] else None

        health = wait_for(later_run)
        assert health["interval_seconds"] == 1
        assert "error" not in health["last"], health["last"]
        assert "redelivered" not in health["last"]["outcomes"]  # once recovered, left alone
        assert [p["base"]["ref"] for p in repo.pull_requests()] == ["staging"]  # the sweep's
        assert service.stop() == 0
    finally:
        service.kill()
    assert "gh-promotion service stopped" in "".join(service.stderr)
