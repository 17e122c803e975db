"""5. Delivery latency per path: arrival to answer, through the service, no injected latency.

One keep-alive connection sends the deliveries one at a time to
``gh-promotion service`` (App auth against the simulator); each is timed from
sending the request to reading the whole answer. Each delivery gets a fresh
situation made directly in the simulator (untimed): a new commit and, for the
fast-forward signals, an open promotion request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.deliveries import Client
from bench.report import Section, Table
from bench.stats import median, ms, percentile
from bench.world import GitHub, open_promotion
from gh_promotion.simulator import SimRepository

Next = Callable[[GitHub, SimRepository], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Path:
    name: str
    expect: str
    next_delivery: Next
    promotion: bool = True


def _ping(github: GitHub, repo: SimRepository) -> tuple[str, dict]:
    return "ping", {"zen": "Anything added dilutes everything else.", "hook_id": 1}


def _skipped(github: GitHub, repo: SimRepository) -> tuple[str, dict]:
    return "push", {**github.push(repo, "main"), "ref": "refs/heads/feature/x"}


def _push_opening(github: GitHub, repo: SimRepository) -> tuple[str, dict]:
    for pull in repo.pull_requests():
        repo.close_pull_request(pull["number"])
    repo.push("main", message="to promote")
    return "push", github.push(repo, "main")


def _push_open(github: GitHub, repo: SimRepository) -> tuple[str, dict]:
    if not repo.pull_requests():
        open_promotion(repo)
    repo.push("main", message="more")
    return "push", github.push(repo, "main")


def _signal(kind: str) -> Next:
    def make(github: GitHub, repo: SimRepository) -> tuple[str, dict]:
        return github.signal(kind, repo, open_promotion(repo))

    return make


PATHS = [
    Path("ping", "pong", _ping, promotion=False),
    Path("push to a non-stage branch (skipped)", "skipped", _skipped, promotion=False),
    Path("push opening a promotion request", "pending", _push_opening),
    Path("push, request already open", "pending", _push_open),
    Path("pull_request_review approved → fast-forward", "promoted", _signal("pull_request_review")),
    Path("check_suite success → fast-forward", "promoted", _signal("check_suite")),
    Path("workflow_run success → fast-forward", "promoted", _signal("workflow_run")),
    Path("status success → fast-forward", "promoted", _signal("status")),
    Path("deployment_status success → fast-forward", "promoted", _signal("deployment_status")),
]


def run(github: GitHub, service_url: str, quick: bool = False) -> Section:
    count = 20 if quick else 100
    client = Client(service_url)
    measured: dict[str, list[float]] = {}
    requests_per: dict[str, float] = {}
    try:
        for path in PATHS:
            repo = github.new_repo()
            client.deliver(*path.next_delivery(github, repo))  # untimed warm-up: token, caches
            samples = []
            before = len(github.sim.requests)
            for _ in range(count):
                event, payload = path.next_delivery(github, repo)
                elapsed, status, answer = client.deliver(event, payload)
                if status != 200 or answer.get("status") != path.expect:
                    raise RuntimeError(f"{path.name}: {status} {answer}")
                samples.append(elapsed)
            measured[path.name] = samples
            requests_per[path.name] = (len(github.sim.requests) - before) / count
    finally:
        client.close()
    return build_section(measured, requests_per, count)


def build_section(
    measured: dict[str, list[float]], requests_per: dict[str, float], count: int
) -> Section:
    section = Section(
        "Delivery latency per path",
        f"{count} signed deliveries per path, one at a time over one keep-alive connection to "
        "`gh-promotion service` (App auth, check-run feedback) against the simulator with no "
        "injected latency: the product's own overhead plus the simulator's answers.",
    )
    table = Table(["Path", "outcome", "GitHub requests", "median", "p99"])
    for path in PATHS:
        samples = measured[path.name]
        table.add(
            path.name,
            path.expect,
            f"{requests_per[path.name]:.0f}",
            ms(median(samples)),
            ms(percentile(samples, 0.99)),
        )
    section.tables.append(table)
    promotions = [p for p in PATHS if p.promotion]
    worst = max(promotions, key=lambda p: median(measured[p.name]))
    worst_median = median(measured[worst.name])
    section.goal(
        "< 100 ms median for a promotion (every promotion path)",
        f"slowest median: {ms(worst_median)} ({worst.name})",
        worst_median < 0.1,
    )
    section.notes.append(
        "PyGithub's default pauses (0.25 s before requests, 1 s between writes) are switched "
        "off by the gateway (`gh_promotion/gateway/client.py`); with them a two-write "
        "promotion could not answer under ~1.25 s."
    )
    return section
