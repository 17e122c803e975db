"""9. What metrics cost on the webhook path: skipped deliveries with metrics on and off.

Two `gh-promotion service` processes, identical but for ``METRICS_ENABLED``,
take the same skipped-delivery load (section 3 (a)) in turns — off, on, off,
on — so drift on a shared machine falls on both; each figure is the better of
its two rounds. A scrape of ``/metrics`` after the load shows the counters
moved (so "on" really recorded every delivery).
"""

from __future__ import annotations

import tempfile
import time
import urllib.request
from pathlib import Path

from bench.deliveries import SECRET
from bench.processes import base_env
from bench.report import Section, Table
from bench.serving import Server, service
from bench.stats import median, ms, percentile
from bench.throughput import CONCURRENCY, Load, generate, skipped_requests
from bench.world import GitHub

ROUNDS = 2
RECORDINGS = 20000


def recording_seconds() -> float:
    """What recording one skipped delivery costs, in process: the metrics' own share."""
    from gh_promotion.config.model import Config
    from gh_promotion.core.delivery import Delivery
    from gh_promotion.core.result import Result, Status
    from gh_promotion.metrics import record
    from gh_promotion.metrics.deliveries import record_delivery
    from gh_promotion.metrics.prometheus import PrometheusSink

    config, delivery = Config(), Delivery("push", "bench", {"repository": {"full_name": "o/r"}})
    result = Result(Status.SKIPPED, "feature/x is not a stage", event="push")
    previous = record.install(PrometheusSink())
    try:
        started = time.perf_counter()
        for _ in range(RECORDINGS):
            record_delivery(delivery, 200, result, 0.001, config)
        return (time.perf_counter() - started) / RECORDINGS
    finally:
        record.install(previous)


def run(quick: bool = False) -> Section:
    duration = 2.0 if quick else 8.0
    github = GitHub.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-metrics-") as tmp:
            servers = {
                label: service(
                    ["--github-webhook-secret", SECRET],
                    base_env(**github.app_env(), METRICS_ENABLED=enabled),
                    Path(tmp),
                )
                for label, enabled in (("metrics off", "false"), ("metrics on", "true"))
            }
            try:
                skipped = skipped_requests(github)
                rounds: dict[str, list[Load]] = {label: [] for label in servers}
                for _ in range(ROUNDS):
                    for label, server in servers.items():
                        rounds[label].append(generate(label, server.url, skipped, duration, server))
                counted = delivered_count(servers["metrics on"])
            finally:
                for server in servers.values():
                    server.stop()
    finally:
        github.stop()
    best = {label: max(loads, key=lambda load: load.rate) for label, loads in rounds.items()}
    sent = sum(load.deliveries for load in rounds["metrics on"])
    return build_section(best, counted, sent, duration, recording_seconds())


def delivered_count(server: Server) -> float:
    root = server.url.split("://", 1)[1].split("/", 1)[0]
    with urllib.request.urlopen(f"http://{root}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("gh_promotion_deliveries_total{")
    )


def build_section(
    best: dict[str, Load], counted: float, sent: int, duration: float, recording: float
) -> Section:
    section = Section(
        "Metrics on the webhook path",
        f"Skipped deliveries (section 3 (a)) on {CONCURRENCY} keep-alive connections, "
        f"{duration:.0f} s a round, {ROUNDS} rounds each, alternating between two services "
        "that differ only in `metrics.enabled`; the better round of each is shown.",
    )
    table = Table(["Service", "deliveries/s", "p50", "p99", "server CPU"])
    for label, load in best.items():
        table.add(
            label,
            f"{load.rate:.0f}",
            ms(median(load.latencies)),
            ms(percentile(load.latencies, 0.99)),
            f"{load.server_cpu:.0%}",
        )
    section.tables.append(table)
    off, on = best["metrics off"], best["metrics on"]
    share = on.rate / off.rate
    section.goal(
        "metrics on keeps ≥ 90 % of the skipped-delivery throughput", f"{share:.0%}", share >= 0.9
    )
    p99_on, p99_off = percentile(on.latencies, 0.99), percentile(off.latencies, 0.99)
    section.goal(
        "metrics on: skipped deliveries' p99 within 25 % of metrics off",
        f"{ms(p99_on)} against {ms(p99_off)}",
        p99_on <= 1.25 * p99_off,
    )
    section.goal(
        "/metrics counted every delivery sent to the service with metrics on",
        f"{counted:.0f} counted, {sent} sent",
        int(counted) == sent,
    )
    per_delivery = off.server_cpu / off.rate  # server CPU seconds per skipped delivery
    section.goal(
        "recording a delivery costs < 2 % of a skipped delivery's server CPU",
        f"{recording * 1e6:.1f} µs of {per_delivery * 1e6:.0f} µs ({recording / per_delivery:.1%})",
        recording < 0.02 * per_delivery,
    )
    section.notes.append(
        "Two cores shared by both services, the load generator and the simulator: compare "
        "the two rows with each other, not with other machines."
    )
    return section
