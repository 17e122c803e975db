"""A simulated GitHub, the App installed on it and ``gh-promotion service`` as the App's
webhook receiver, shared by the redelivery and schedule tests (fixtures, imported)."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator

import pytest

from gh_promotion.config.model import Config
from gh_promotion.simulator import SimApp, SimRepository, Simulator
from testkit.deliveries import SECRET
from testkit.simulated_app import CASCADE_ROLLBACK, app_config
from tests.runtime.helpers import ServiceProcess, app_env

OWNER = "octo"
STAGES = ("main", "staging", "canary", "production")
PATH = {"gitops-promotion-path": ",".join(STAGES)}
_names = itertools.count(1)


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as running:
        yield running


@pytest.fixture(scope="module")
def app(sim: Simulator) -> SimApp:
    github_app = sim.create_app(slug="gh-promotion", webhook_secret=SECRET)
    sim.install_app(github_app, OWNER)
    return github_app


@pytest.fixture(autouse=True)
def clean_simulator(sim: Simulator) -> Iterator[None]:
    yield
    sim.set_webhook(None)
    sim.wait_for_webhooks(timeout=30)
    sim.clear_faults()
    sim.clear_deliveries()
    sim.clear_requests()


@pytest.fixture(scope="module")
def service(sim: Simulator, app: SimApp, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """``gh-promotion service`` as the App, rollbacks on (cascading to canary)."""
    env = app_env(
        sim.api_url, app, PROMOTION_ROLLBACK="true", PROMOTION_ROLLBACK_CASCADE_STAGES="canary"
    )
    running = ServiceProcess([], env, tmp_path_factory.mktemp("service"))
    try:
        running.wait_listening()
        yield running
    finally:
        running.kill()


def config_for(sim: Simulator, app: SimApp, **promotion: object) -> Config:
    """How the reconcile run authenticates: as the App, rollbacks as the service has them."""
    return app_config(sim, app, webhook_secret=SECRET, rollback=CASCADE_ROLLBACK, **promotion)


def new_repo(sim: Simulator, prefix: str = "app") -> SimRepository:
    """A repository on the four-stage path, every stage at the same third commit."""
    return sim.create_repository(
        f"{OWNER}/{prefix}-{next(_names)}", custom_properties=dict(PATH), branches=STAGES, history=3
    )


def nobody_listening() -> str:
    """A loopback URL whose port nothing listens on: deliveries get no answer (status 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def unanswered_pushes(sim: Simulator, count: int, repo: SimRepository | None = None) -> list[str]:
    """``count`` pushes to main that nobody answers; their GUIDs, oldest first."""
    repo = repo or new_repo(sim)
    sim.wait_for_webhooks(timeout=30)  # what was sent before goes where it was sent
    sim.set_webhook(nobody_listening(), SECRET)
    for number in range(count):
        repo.push("main", message=f"change {number}")
    sim.wait_for_webhooks(timeout=30)
    sim.set_webhook(None)
    return [d.delivery_id for d in sim.deliveries if d.event == "push"][-count:]


def posted_redeliveries(sim: Simulator) -> list[str]:
    """The paths of the redelivery requests GitHub received."""
    return [r.path for r in sim.requests if r.method == "POST" and r.path.endswith("/attempts")]
