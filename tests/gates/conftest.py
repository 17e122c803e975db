"""A simulated GitHub with gh-promotion installed, and gh-promotion reading the simulator's clock.

The clock is injected where every runtime injects it (``runtime.wiring.GitHubApp``),
so the code under test is the product's own; the simulator writes every timestamp
(branch activity, issues) from the same clock, and a test moves both forward
with ``github.advance(seconds)`` instead of sleeping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

from gh_promotion import core
from gh_promotion.config.model import Config, FreezeWindow, RollbackConfig
from gh_promotion.core import Delivery, Result
from gh_promotion.runtime.wiring import GitHubApp
from gh_promotion.simulator import SimRepository, Simulator
from testkit import payloads
from testkit.simulated_app import PROPS, SimulatedGitHub

STAGES = ("main", "staging", "canary", "production")


@dataclass
class GatedGitHub(SimulatedGitHub):
    def now(self) -> datetime:
        return datetime.fromtimestamp(self.sim.clock.now(), timezone.utc)

    def advance(self, seconds: float) -> None:
        self.sim.advance_clock(seconds)

    def deliver(self, event: str, payload: dict, config: Config) -> Result:
        delivery = Delivery(event, str(uuid.uuid4()), payload)
        return core.handle(delivery, config, GitHubApp(config, clock=self.now))

    def gated(self, rollback: RollbackConfig | None = None, **promotion: Any) -> Config:
        """A config with these ``promotion`` fields (``rollback``: a RollbackConfig)."""
        config = self.config(**promotion)
        if rollback is None:
            return config
        return config._replace(promotion=config.promotion._replace(rollback=rollback))

    def staged_repo(self) -> SimRepository:
        """Every stage of the path at the same commit."""
        repo = self.new_repo()
        for stage in ("canary", "production"):
            repo.create_branch(stage, repo.branch_sha("main"))
        return repo

    def request(self, repo: SimRepository, source: str, target: str) -> dict[str, Any]:
        """A new commit in ``source`` and its open promotion request to ``target``."""
        repo.push(source, message=f"to promote into {target}")
        number = repo.open_pull_request(source, target, title=f"Promote {source} to {target}")
        return repo.pull_request(number)

    def approve(
        self, repo: SimRepository, pull: dict, config: Config, properties: dict | None = None
    ) -> Result:
        """The approval of the request's current head, as GitHub delivers it."""
        pull = repo.pull_request(pull["number"])
        payload = payloads.review(
            repo.full_name,
            payloads.from_api_pull(repo.full_name, pull),
            properties=PROPS | (properties or {}),
            installation_id=self.installation_id,
        )
        return self.deliver("pull_request_review", payload, config)

    def requests_since(self, mark: int) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.sim.requests[mark:] if r.token_kind != "jwt"]


@pytest.fixture(scope="module")
def github() -> Iterator[GatedGitHub]:
    with Simulator() as sim:
        yield GatedGitHub.install(sim)


def absolute(start: datetime, end: datetime, **fields: Any) -> FreezeWindow:
    return FreezeWindow(start=start.timestamp(), end=end.timestamp(), **fields)


HOLD = RollbackConfig(True, "rollback-", ("canary",), hold=True)
