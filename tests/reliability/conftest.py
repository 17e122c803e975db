"""One simulated GitHub and one ``gh-promotion service`` for the whole reliability suite.

The service runs as users run it (a subprocess on 127.0.0.1 and a free port),
as the GitHub App against the simulator, at debug verbosity so that the secret
scan at the end reads every line the product can write. In-process log records
(the tests that call ``handle()`` directly) are kept too, for the same scan.
"""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gh_promotion.config.model import Config
from gh_promotion.core import Delivery, Result, handle
from gh_promotion.simulator import SimRepository, Simulator
from tests import payloads
from tests.runtime.helpers import ServiceProcess, clean_env, http, signed
from tests.simulated_app import CASCADE_ROLLBACK, app_config

OWNER = "octo"
PATH = "main,staging,canary,production"
PROPS = {"gitops-promotion-path": PATH}
SECRET = "reliability-webhook-secret-7f3a9c"
BODY_LIMIT = 256 * 1024
_names = itertools.count(1)


class Captured(logging.Handler):
    """Every record logged in this process during the suite, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class GitHub:
    sim: Simulator
    app: Any
    installation_id: int
    service: ServiceProcess | None = None
    personal_token: str = ""
    in_process_logs: list[str] = field(default_factory=list)

    def config(self, *, rollback: bool = False) -> Config:
        extra = {"rollback": CASCADE_ROLLBACK} if rollback else {}
        return app_config(self.sim, self.app, webhook_secret=SECRET, **extra)

    def new_repo(self, history: int = 2, staging: bool = True) -> SimRepository:
        repo = self.sim.create_repository(
            f"{OWNER}/rel{next(_names)}", custom_properties=dict(PROPS), history=history
        )
        if staging:
            repo.create_branch("staging", repo.branch_sha("main"))
        return repo

    # -- deliveries --------------------------------------------------------------------

    def handle(self, event: str, payload: dict, *, rollback: bool = False) -> Result:
        """The core directly, as every runtime calls it."""
        delivery = Delivery(event, str(uuid.uuid4()), payload)
        return handle(delivery, self.config(rollback=rollback))

    def post(self, event: str, payload: dict | bytes, **kw: Any) -> tuple[int, dict]:
        """A signed delivery to the service over HTTP: its status and JSON answer."""
        assert self.service is not None
        headers, body = signed(event, payload, secret=SECRET, **kw)
        status, answer, _ = http("POST", self.service.base_url, body, headers, timeout=60)
        return status, answer

    # -- payloads for this installation ------------------------------------------------

    def push(self, repo: SimRepository, branch: str, sha: str | None = None) -> dict:
        return payloads.push(
            repo.full_name,
            branch,
            sha or repo.branch_sha(branch),
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def review(self, repo: SimRepository, pull: dict) -> dict:
        return payloads.review(
            repo.full_name,
            webhook_pull(repo, pull),
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def ready(self, repo: SimRepository, pull: dict) -> dict:
        return payloads.pull_request(
            "ready_for_review",
            repo.full_name,
            webhook_pull(repo, pull),
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def run(self, event: str, repo: SimRepository, pull: dict) -> dict:
        return getattr(payloads, event)(
            repo.full_name,
            pull["head"]["sha"],
            head_branch=pull["head"]["ref"],
            pulls=[webhook_pull(repo, pull)],
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def status(self, repo: SimRepository, pull: dict) -> dict:
        sha = pull["head"]["sha"]
        return payloads.status(
            repo.full_name,
            sha,
            branches={pull["head"]["ref"]: sha},
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def deployment(self, repo: SimRepository, pull: dict) -> dict:
        return payloads.deployment_status(
            repo.full_name,
            pull["head"]["ref"],
            pull["head"]["sha"],
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def signal(self, kind: str, repo: SimRepository, pull: dict) -> tuple[str, dict]:
        """A success signal of ``kind`` for the promotion request ``pull``."""
        if kind == "pull_request_review":
            return kind, self.review(repo, pull)
        if kind == "pull_request":
            return kind, self.ready(repo, pull)
        if kind == "status":
            return kind, self.status(repo, pull)
        if kind == "deployment_status":
            return kind, self.deployment(repo, pull)
        return kind, self.run(kind, repo, pull)


SIGNALS = (
    "pull_request_review",
    "check_suite",
    "workflow_run",
    "status",
    "deployment_status",
    "pull_request",
)


def webhook_pull(repo: SimRepository, pull: dict) -> dict:
    return payloads.from_api_pull(repo.full_name, pull)


def open_promotion(repo: SimRepository) -> dict:
    """main one commit ahead of staging, its promotion request open (as the API shows it)."""
    repo.push("main", message="to promote")
    return repo.pull_request(repo.open_pull_request("main", "staging", title="Promote"))


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
        app = sim.create_app(slug="gh-promotion")
        world = GitHub(sim, app, sim.install_app(app, OWNER))
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
