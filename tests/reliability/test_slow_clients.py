"""Hostile load on the real service: hundreds of slow clients, and deliveries stuck on GitHub.

Short, bounded versions of bench section 7 (``python -m bench --only 7``): they
check that every health check, ping and delivery is *answered*; the latency
goals (p99 under 100 ms) live in the benchmark, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from testkit.deliveries import signed
from tests.reliability.conftest import SECRET, GitHub, open_promotion
from tests.runtime.helpers import REPO_ROOT, clean_env, http

SLOW_CLIENTS = 500
PROBE_TIMEOUT = 3.0  # generous for a health check; far below what a blocked service takes
GITHUB_WAIT = 2.0  # seconds the simulator holds each GitHub request


def healthz(github: GitHub) -> int:
    assert github.service is not None
    return http("GET", f"{github.service.root}/healthz", timeout=PROBE_TIMEOUT)[0]


def ping(github: GitHub) -> int:
    assert github.service is not None
    headers, body = signed("ping", {"zen": "Approachable is better.", "hook_id": 7}, secret=SECRET)
    return http("POST", github.service.base_url, body, headers, timeout=PROBE_TIMEOUT)[0]


def probe(github: GitHub, seconds: float) -> list[int]:
    """Health checks and pings one after another for ``seconds``; their statuses (0: no answer)."""
    statuses = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for check in (healthz, ping):
            try:
                statuses.append(check(github))
            except OSError:
                statuses.append(0)
        time.sleep(0.05)
    return statuses


def test_five_hundred_slow_clients_leave_health_pings_and_deliveries_answered(
    github: GitHub,
) -> None:
    assert github.service is not None
    repo = github.new_repo()
    open_promotion(repo)
    trickle = subprocess.Popen(
        [sys.executable, "-m", "bench.trickle", github.service.base_url, str(SLOW_CLIENTS), "6"],
        cwd=REPO_ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2)  # the clients connect over the first second, then trickle
        statuses = probe(github, 2.5)
        delivered, answer = github.post("push", github.push(repo, "main"))
    finally:
        out, _ = trickle.communicate(timeout=60)
    tally = json.loads(out)
    assert tally["peak_connected"] >= SLOW_CLIENTS * 0.9, tally
    assert statuses and set(statuses) == {200}, statuses
    assert (delivered, answer["status"]) == (200, "pending")


@pytest.mark.parametrize("in_flight", [8, 32])
def test_health_and_pings_are_answered_while_deliveries_wait_on_github(
    github: GitHub, in_flight: int
) -> None:
    """Before, 8 deliveries waiting on GitHub held all 8 worker threads and /healthz queued."""
    repos = [github.new_repo() for _ in range(in_flight)]
    for repo in repos:
        open_promotion(repo)
    pushes = [("push", github.push(repo, "main")) for repo in repos]
    started = threading.Event()

    def deliver(delivery: tuple[str, dict]) -> tuple[int, dict]:
        started.set()
        return github.post(*delivery)

    github.sim.set_latency(GITHUB_WAIT)
    try:
        with ThreadPoolExecutor(in_flight) as pool:
            answers = pool.map(deliver, pushes)
            started.wait(5)
            time.sleep(0.5)  # every delivery is in and waiting on GitHub
            waiting = len(github.sim.requests)
            statuses = probe(github, GITHUB_WAIT)
            results = list(answers)
    finally:
        github.sim.set_latency(0)
    assert waiting > 0, "the deliveries were not yet waiting on GitHub"
    assert statuses and set(statuses) == {200}, statuses
    assert [(status, answer["status"]) for status, answer in results] == [
        (200, "pending")
    ] * in_flight
