"""7. The service under slow clients and under deliveries that wait on GitHub (issue 11).

(a) Slow clients: ``bench.trickle`` (its own process) holds N connections that
send request headers one byte a second and reconnect when closed; meanwhile
this process probes ``GET /healthz``, a signed ping and a promotion delivery in
turn, each on a new connection (as a load balancer and GitHub connect),
10 probes a second. (b) Waiting deliveries: K promotion deliveries at once
while every GitHub request is held by the simulator, probing healthz and pings
meanwhile.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.deliveries import SECRET, signed
from bench.processes import base_env
from bench.report import Section, Table
from bench.serving import Server, service
from bench.stats import median, ms, percentile
from bench.world import GitHub, open_promotion
from gh_promotion.runtime.service import DELIVERY_THREADS, MOST_DELIVERY_THREADS

PROBE_TIMEOUT = 5.0
PROBE_PAUSE = 0.1
GITHUB_WAIT = 3.0  # seconds the simulator holds every request in (b)


@dataclass
class Probes:
    """Latencies (s) per probe kind, and the probes that got no answer in time."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, seconds: float | None) -> None:
        if seconds is None:
            self.failures[kind] = self.failures.get(kind, 0) + 1
        else:
            self.latencies.setdefault(kind, []).append(seconds)

    def answered(self, kind: str) -> int:
        return len(self.latencies.get(kind, []))

    def p99(self, kind: str) -> float:
        return percentile(self.latencies.get(kind, []), 0.99)


Probe = Callable[[], bool]  # True when answered as expected


def request(
    url: str, method: str, body: bytes = b"", headers: dict | None = None, timeout: float = 0
) -> int:
    """One request on a fresh connection; its status."""
    target = urlsplit(url)
    connection = http.client.HTTPConnection(
        target.hostname, target.port, timeout=timeout or PROBE_TIMEOUT
    )
    try:
        connection.request(method, target.path or "/", body=body or None, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def health_probe(server: Server) -> Probe:
    root = server.url.split("/", 3)
    healthz = "/".join(root[:3]) + "/healthz"
    return lambda: request(healthz, "GET") == 200


def ping_probe(server: Server) -> Probe:
    headers, body = signed("ping", {"zen": "Keep it logically awesome.", "hook_id": 1})
    return lambda: request(server.url, "POST", body, headers) == 200


def promotion_probe(server: Server, github: GitHub) -> Probe:
    """A push to ``main`` whose promotion request is open: 2 GitHub requests."""
    repo = github.new_repo()
    open_promotion(repo)

    def deliver() -> bool:
        headers, body = signed("push", github.push(repo, "main"))
        return request(server.url, "POST", body, headers) == 200

    return deliver


def probe_until(stop: threading.Event, probes: dict[str, Probe]) -> Probes:
    found = Probes()
    for kind in itertools.cycle(probes):
        if stop.is_set():
            break
        started = time.perf_counter()
        try:
            ok = probes[kind]()
        except OSError:
            ok = False
        found.add(kind, time.perf_counter() - started if ok else None)
        stop.wait(PROBE_PAUSE)
    return found


def probe_for(seconds: float, probes: dict[str, Probe]) -> Probes:
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    try:
        return probe_until(stop, probes)
    finally:
        timer.cancel()


@dataclass(frozen=True)
class Trickled:
    clients: int
    seconds: float
    probes: Probes
    tally: dict


def under_slow_clients(server: Server, probes: dict[str, Probe], clients: int, seconds: float):
    trickler = subprocess.Popen(
        [sys.executable, "-m", "bench.trickle", server.url, str(clients), str(seconds)],
        env=base_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(min(3.0, seconds / 4))  # every client connected (they are staggered over 1 s)
    found = probe_for(seconds - min(3.0, seconds / 4) - 0.5, probes)
    out, _ = trickler.communicate(timeout=seconds + 60)
    return Trickled(clients, seconds, found, json.loads(out))


@dataclass(frozen=True)
class Waiting:
    in_flight: int
    probes: Probes
    delivery_seconds: list[float]
    delivery_statuses: dict[int, int]


def under_waiting_deliveries(server: Server, github: GitHub, count: int) -> Waiting:
    """``count`` promotions at once, each of whose GitHub requests takes GITHUB_WAIT."""
    repos = [github.new_repo() for _ in range(count)]
    for repo in repos:
        open_promotion(repo)
    deliveries = [signed("push", github.push(repo, "main")) for repo in repos]

    def deliver(delivery: tuple[dict, bytes]) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            status = request(server.url, "POST", delivery[1], delivery[0], timeout=120)
        except OSError:
            status = 0
        return status, time.perf_counter() - started

    github.sim.set_latency(GITHUB_WAIT)
    try:
        with ThreadPoolExecutor(count) as pool:
            answers = pool.map(deliver, deliveries)
            time.sleep(0.5)  # every delivery is in, waiting on GitHub
            probes = {"healthz": health_probe(server), "ping": ping_probe(server)}
            found = probe_for(GITHUB_WAIT, probes)
            done = list(answers)
    finally:
        github.sim.set_latency(0)
    statuses: dict[int, int] = {}
    for status, _ in done:
        statuses[status] = statuses.get(status, 0) + 1
    return Waiting(count, found, [seconds for _, seconds in done], statuses)


def run(quick: bool = False) -> Section:
    clients, seconds = (500, 8.0) if quick else (500, 60.0)
    github = GitHub.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
            env = base_env(**github.app_env())
            server = service(["--github-webhook-secret", SECRET], env, Path(tmp))
            try:
                probes = {
                    "healthz": health_probe(server),
                    "ping": ping_probe(server),
                    "promotion delivery": promotion_probe(server, github),
                }
                for warm_up in probes.values():  # the first delivery exchanges the App's token
                    warm_up()
                quiet = probe_for(2.0 if quick else 5.0, probes)
                slow = under_slow_clients(server, probes, clients, seconds)
                waiting = [under_waiting_deliveries(server, github, k) for k in (8, 32)]
                peak_kib = server.peak_rss_kib()
            finally:
                server.stop()
    finally:
        github.stop()
    return build_section(quiet, slow, waiting, peak_kib)


def _row(table: Table, situation: str, probes: Probes) -> None:
    kinds = probes.latencies.keys() | probes.failures.keys()
    for kind in sorted(kinds, key=("healthz", "ping", "promotion delivery").index):
        values = probes.latencies.get(kind, [])
        table.add(
            situation,
            kind,
            probes.answered(kind),
            probes.failures.get(kind, 0),
            ms(median(values)),
            ms(probes.p99(kind)),
        )


def build_section(quiet: Probes, slow: Trickled, waiting: list[Waiting], peak_kib: int) -> Section:
    section = Section(
        "Slow clients and deliveries waiting on GitHub",
        "`gh-promotion service` with its defaults (App auth against the simulator). Probes "
        "go one at a time, each on a new connection, 10 a second: `GET /healthz`, a signed "
        "ping, and (with slow clients) a push whose promotion request is open (2 GitHub "
        f"requests). Slow clients: `python -m bench.trickle URL {slow.clients} "
        f"{slow.seconds:.0f}` in its own process, each client sending "
        "`POST / HTTP/1.1\\r\\nHost: x\\r\\nX-Pad: ` then one byte a second and "
        "reconnecting when closed. Waiting deliveries: K promotions sent at once while the "
        f"simulator holds every GitHub request {GITHUB_WAIT:.0f} s.",
    )
    table = Table(["Situation", "probe", "answered", "not answered", "p50", "p99"])
    _row(table, "no other load", quiet)
    _row(table, f"{slow.clients} slow clients, {slow.seconds:.0f} s", slow.probes)
    for case in waiting:
        _row(table, f"{case.in_flight} deliveries waiting on GitHub", case.probes)
    section.tables.append(table)
    deliveries = Table(["Deliveries sent at once", "answers", "fastest", "slowest"])
    for case in waiting:
        answers = ", ".join(f"{n}× {code}" for code, n in sorted(case.delivery_statuses.items()))
        deliveries.add(
            case.in_flight,
            answers,
            ms(min(case.delivery_seconds)),
            ms(max(case.delivery_seconds)),
        )
    deliveries.caption = "The waiting deliveries themselves:"
    section.tables.append(deliveries)
    tally = slow.tally
    trickle = Table(["slow clients", "peak connected", "closed by the server", "longest held"])
    trickle.add(
        tally["clients"],
        tally["peak_connected"],
        tally["closed_by_server"],
        f"{tally['longest_held']:.1f} s",
    )
    trickle.caption = "What the slow clients saw (each reconnects when closed):"
    section.tables.append(trickle)
    _goals(section, slow, waiting)
    section.notes += [
        f"Peak RSS of the service after all of it: {peak_kib / 1024:.1f} MiB.",
        "The machine has two cores shared by the service, the trickling process, the "
        "simulator and the probes; figures from a shared machine are noisy.",
    ]
    return section


def _goals(section: Section, slow: Trickled, waiting: list[Waiting]) -> None:
    probes = slow.probes
    missed = sum(probes.failures.values())
    section.goal(
        f"{slow.clients} slow clients: every probe answered",
        f"{missed} not answered",
        missed == 0,
    )
    for kind in ("healthz", "promotion delivery"):
        p99 = probes.p99(kind)
        section.goal(f"{slow.clients} slow clients: {kind} p99 < 100 ms", ms(p99), p99 < 0.1)
    held = slow.tally["longest_held"]
    section.goal(
        "A request not complete within the deadline (10 s) is closed",
        f"longest trickling connection: {held:.1f} s",
        held < 12,
    )
    for case in waiting:
        missed = sum(case.probes.failures.values())
        worst = max(case.probes.p99(kind) for kind in ("healthz", "ping"))
        section.goal(
            f"{case.in_flight} deliveries waiting: healthz and ping all answered, p99 < 100 ms",
            f"{missed} not answered, p99 {ms(worst)}",
            missed == 0 and worst < 0.1,
        )
    widest = waiting[-1]
    slowest = max(widest.delivery_seconds)
    section.goal(
        f"{widest.in_flight} waiting deliveries run at once (delivery threads: "
        f"{DELIVERY_THREADS}, one more per waiting delivery up to {MOST_DELIVERY_THREADS}): "
        "the slowest answered within GitHub's 10 s",
        ms(slowest),
        slowest < 10 and math.isfinite(slowest),
    )
