"""``gh-promotion demo``: watch a commit travel main → staging → canary → production.

Everything runs here, offline: the simulator plays GitHub (a repository backed
by real git, webhooks signed like GitHub's), the real webhook service runs on
a free loopback port as a GitHub App, and this module plays a developer (one
push to main) and CI (a green ``ci`` status on the head of every promotion
pull request). Exit status 0 only when production holds the pushed commit.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from gh_promotion.config.model import Config, GitHubConfig, Secret, ServiceConfig
from gh_promotion.simulator.server import SimRepository, Simulator

OWNER, REPO = "demo", "app"
STAGES = ("main", "staging", "canary", "production")
TIME_LIMIT_SECONDS = 15.0
POLL_SECONDS = 0.02


def run_demo(keep: bool = False, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    started = time.monotonic()
    with Simulator() as sim, _service(sim) as service_url:
        repo = _demo_repository(sim)
        sim.set_webhook(service_url, _SECRET)
        show = Progress(out)
        show.line(f"GitHub (simulated): {sim.api_url}   gh-promotion service: {service_url}")
        head = repo.push("main", message="A change to promote", files={"app.txt": "v2\n"})
        show.line(f"pushed {head[:7]} to main; playing CI: a green 'ci' status on each promotion")
        arrived = _play_ci_until_production(repo, head, show)
        sim.wait_for_webhooks(timeout=5)
        show.line("")
        for row in _summary(repo, head):
            show.line(row)
        elapsed = time.monotonic() - started
        verdict = "production holds" if arrived else "production does NOT hold"
        show.line(f"\n{verdict} {head[:7]} after {elapsed:.1f} s")
        if keep:
            _keep_running(sim, service_url, show)
        return 0 if arrived else 1


_SECRET = secrets.token_hex(16)


def _demo_repository(sim: Simulator) -> SimRepository:
    app = sim.create_app(slug="gh-promotion")
    sim.install_app(app, OWNER)
    sim._demo_app = app  # type: ignore[attr-defined]  # read by _service's config
    properties = {"gitops-promotion-path": ",".join(STAGES)}
    return sim.create_repository(f"{OWNER}/{REPO}", properties, branches=("main",), history=1)


@contextmanager
def _service(sim: Simulator) -> Iterator[str]:
    """The real webhook service on a free loopback port, in a thread of this process."""
    from gh_promotion import log
    from gh_promotion.runtime.service import GracefulServer, build_server
    from gh_promotion.runtime.webapp import create_app

    log.configure(verbosity=0, stream=sys.stderr)
    app_credentials = _LazyApp(sim)
    config = dataclasses.replace(
        Config(),
        github=GitHubConfig(
            auth_mode="app",
            api_url=sim.api_url,
            webhook_secret=Secret(_SECRET),
            app_id=app_credentials.app_id,
            private_key=app_credentials.private_key,
        ),
        service=ServiceConfig(addr="127.0.0.1", port=0, path="/webhook"),
    )
    server = build_server(create_app(config), config)
    loop = GracefulServer(server, grace_seconds=2)
    thread = threading.Thread(target=loop.run, name="demo-service", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/webhook"
    finally:
        loop.request_stop()
        thread.join(timeout=5)


class _LazyApp:
    """The demo App's credentials (created before the repository is)."""

    def __init__(self, sim: Simulator) -> None:
        app = sim.create_app(slug="gh-promotion")
        sim.install_app(app, OWNER)
        self.app_id = str(app.app_id)
        self.private_key = Secret(app.private_key_pem)
