"""One simulated GitHub and one ``gh-promotion service`` for the whole reliability suite.

The service runs as users run it (a subprocess on 127.0.0.1 and a free port),
as the GitHub App against the simulator, at debug verbosity so that the secret
scan at the end reads every line the product can write. In-process log records
(the tests that call ``handle()`` directly) are kept too, for the same scan.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gh_promotion.config.model import Config
from gh_promotion.core import Delivery, Result
from gh_promotion.runtime.wiring import handle
from gh_promotion.simulator import Simulator
from testkit.deliveries import signed
from testkit.simulated_app import SimulatedGitHub, open_promotion  # noqa: F401  (re-exported)
from tests.runtime.helpers import ServiceProcess, clean_env, http

SECRET = "reliability-webhook-secret-7f3a9c"
BODY_LIMIT = 256 * 1024


class Captured(logging.Handler):
    """Every record logged in this process during the suite, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class GitHub(SimulatedGitHub):
    service: ServiceProcess | None = None
    personal_token: str = ""
    in_process_logs: list[str] = field(default_factory=list)

    def config(self, *, rollback: bool = False, **settings: Any) -> Config:
        return super().config(rollback=rollback, webhook_secret=SECRET, **settings)

    # -- deliveries --------------------------------------------------------------------

    def handle(self, event: str, payload: dict, *, rollback: bool = False) -> Result:
        """The core directly, wired to GitHub as every runtime calls it."""
        delivery = Delivery(event, str(uuid.uuid4()), payload)
        return handle(delivery, self.config(rollback=rollback))

    def post(self, event: str, payload: dict | bytes, **kw: Any) -> tuple[int, dict]:
        """A signed delivery to the service over HTTP: its status and JSON answer."""
        assert self.service is not None
        headers, body = signed(event, payload, secret=SECRET, **kw)
        status, answer, _ = http("POST", self.service.base_url, body, headers, timeout=60)
        return status, answer


SIGNALS = (
    "pull_request_review",
    "check_suite",
    "workflow_run",
    "status",
    "deployment_status",
    "pull_request",
)


@pytest.fixture(scope="session")
def captured_logs() -> Iterator[Captured]:
    handler = Captured()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.fixture(scope="session")
def github(tmp_path_factory: pytest.TempPathFactory, captured_logs: Captured) -> Iterator[GitHub]:
    with Simulator() as sim:
        world = GitHub.install(sim)
        app = world.app
        world.personal_token = sim.create_personal_token()
        world.in_process_logs = captured_logs.lines
        env = clean_env(
            GITHUB_APP_ID=str(app.app_id),
            GITHUB_APP_PRIVATE_KEY=app.private_key_pem,
            VERBOSE="2",
            PROMOTION_ROLLBACK="true",
            PROMOTION_ROLLBACK_CASCADE_STAGES="canary",
        )
        args = [
            "--github-webhook-secret",
            SECRET,
            "-A",
            "app",
            "--github-api-url",
            sim.api_url,
            "--max-body-bytes",
            str(BODY_LIMIT),
        ]
        world.service = ServiceProcess(args, env, Path(tmp_path_factory.mktemp("service")))
        try:
            world.service.wait_listening()
            yield world
        finally:
            world.service.kill()


def writes(requests: list) -> list:
    """Requests that could change something (the App's token exchange excluded)."""
    return [r for r in requests if r.method != "GET" and r.token_kind != "jwt"]


def is_feedback(request: Any) -> bool:
    return request.method == "POST" and (
        request.path.endswith("/check-runs") or "/statuses/" in request.path
    )
