"""8. The reconcile sweep: GitHub requests per repository, and wall time over a fleet.

The sweep runs in-process (``runtime.sweep.sweep_repositories``, what
``gh-promotion reconcile`` runs) against the simulator, as the App. Requests
are counted from the simulator's request log, per repository (the App's JWT
reads and token exchange are per sweep, not per repository, and left out).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bench.report import Section, Table
from gh_promotion.config.model import Config
from gh_promotion.runtime.sweep import sweep_repositories
from gh_promotion.simulator import SimRepository, Simulator
from testkit.simulated_app import PROPS, app_config

FLEET = 50
OWNER = "fleet"


def _repo(sim: Simulator, name: str) -> SimRepository:
    repo = sim.create_repository(f"{OWNER}/{name}", custom_properties=dict(PROPS), history=2)
    for stage in ("staging", "canary", "production"):
        repo.create_branch(stage, repo.branch_sha("main"))
    return repo


def _counted(
    sim: Simulator, repo: SimRepository, sweep: Callable[[], object]
) -> tuple[int, int, int]:
    """(requests, of which writes, of which answered 304) about ``repo`` during ``sweep``."""
    sim.clear_requests()
    sweep()
    prefix = f"/repos/{repo.full_name}"
    mine = [r for r in sim.requests if r.path == prefix or r.path.startswith(prefix + "/")]
    writes = sum(1 for r in mine if r.method != "GET")
    return len(mine), writes, sum(1 for r in mine if r.status == 304)


def _per_repository(sim: Simulator, config: Config) -> tuple[Table, dict[str, int]]:
    table = Table(["Repository state", "Sweep", "Requests", "Writes", "304"])
    counts: dict[str, int] = {}

    def row(label: str, how: str, repo: SimRepository, names: list[str]) -> None:
        total, writes, unchanged = _counted(
            sim, repo, lambda: sweep_repositories(config, names, dry_run=False)
        )
        counts[label + " / " + how] = total
        table.add(label, how, total, writes, unchanged)

    level = _repo(sim, "level")
    row("level, no open request", "--repo (reads the repository)", level, [level.full_name])
    row("level, no open request", "again (conditional)", level, [level.full_name])
    waiting = _repo(sim, "waiting")
    waiting.push("main", "waits for a signal")
    waiting.open_pull_request("main", "staging")
    row("one open request, no signal", "--repo", waiting, [waiting.full_name])
    row("one open request, no signal", "again (conditional)", waiting, [waiting.full_name])
    ready = _repo(sim, "ready")
    head = ready.push("main", "its status webhook was lost")
    ready.open_pull_request("main", "staging")
    ready.set_status(head, "success", context="ci")
    row(
        "one open request, missed status",
        "--repo (promotes, opens the next)",
        ready,
        [ready.full_name],
    )
    row("after that sweep", "again", ready, [ready.full_name])
    return table, counts


def _fleet_times(sim: Simulator, config: Config, runs: int) -> tuple[list[float], list[float]]:
    for n in range(FLEET):
        repo = _repo(sim, f"svc{n:02}")
        if n % 10 == 0:
            repo.push("main", "waiting")
            repo.open_pull_request("main", "staging")
    first, again = [], []
    for _ in range(runs):
        from gh_promotion.gateway import snapshot

        snapshot.REMEMBERED = snapshot.Remembered()  # a fresh process: nothing remembered
        started = time.perf_counter()
        sweep_repositories(config, [], dry_run=False)
        first.append(time.perf_counter() - started)
        started = time.perf_counter()
        sweep_repositories(config, [], dry_run=False)
        again.append(time.perf_counter() - started)
    return first, again


def run(quick: bool = False) -> Section:
    with Simulator() as sim:
        app = sim.create_app(slug="gh-promotion")
        sim.install_app(app, OWNER)
        config = app_config(sim, app)
        table, counts = _per_repository(sim, config)
        fleet = Simulator().start()
        try:
            fleet_app = fleet.create_app(slug="gh-promotion")
            fleet.install_app(fleet_app, OWNER)
            first, again = _fleet_times(fleet, app_config(fleet, fleet_app), 1 if quick else 3)
            fleet_requests = len(fleet.requests)
        finally:
            fleet.stop()
    return build_section(table, counts, first, again, fleet_requests, 1 if quick else 3)


def build_section(
    table: Table,
    counts: dict[str, int],
    first: list[float],
    again: list[float],
    fleet_requests: int,
    runs: int,
) -> Section:
    section = Section(
        "Reconcile sweep",
        "GitHub requests per repository of `gh-promotion reconcile` (the sweep, in-process, "
        "as the App, on the four-stage path), counted from the simulator's request log; then "
        f"the wall time of sweeping {FLEET} repositories of one installation (one in ten with "
        "an open promotion request), a fresh process's first sweep and the sweep right after.",
    )
    section.tables.append(table)
    times = Table(["Sweep of the fleet", "median", "runs"])
    times.add("first (nothing remembered)", f"{statistics.median(first):.2f} s", runs)
    times.add("again (conditional reads)", f"{statistics.median(again):.2f} s", runs)
    section.tables.append(times)
    level = counts["level, no open request / --repo (reads the repository)"]
    waiting = counts["one open request, no signal / --repo"]
    settled = counts["after that sweep / again"]
    section.goal("A level repository without an open request: ≤ 3 requests", str(level), level <= 3)
    section.goal(
        "Each open promotion request: ≤ 5 more reads", str(waiting - level), waiting - level <= 5
    )
    section.goal(
        f"{FLEET} repositories swept in under 10 s on the simulator",
        f"{statistics.median(first):.2f} s",
        statistics.median(first) < 10,
    )
    section.notes.append(
        "Listed from the installation (no `--repo`), a repository's object comes with the "
        "list, so a level one costs 2 requests; the fleet's sweeps made "
        f"{fleet_requests} requests in all over {runs} × 2 sweeps."
    )
    section.notes.append(f"The sweep after a promoting one made {settled} requests and no write.")
    return section
