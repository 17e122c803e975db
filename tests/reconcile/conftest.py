"""A simulated GitHub with the App installed and no webhook sent anywhere: every event the
sweep must recover is one whose delivery was lost."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from gh_promotion.config.model import Config
from gh_promotion.core.result import Result
from gh_promotion.gateway.client import forget_clients
from gh_promotion.runtime.sweep import sweep_repositories
from gh_promotion.simulator import SimRepository, Simulator
from testkit.simulated_app import OWNER, PROPS, SimulatedGitHub

_names = itertools.count(1)


@dataclass
class Sweeper(SimulatedGitHub):
    def sweep(self, *repos: SimRepository, config: Config | None = None, **kw: Any) -> list[Result]:
        return sweep_repositories(
            config or self.config(), [r.full_name for r in repos], dry_run=kw.get("dry_run", False)
        )

    def new_repo(self, history: int = 2, staging: bool = True, **props: Any) -> SimRepository:
        repo = self.sim.create_repository(
            f"{OWNER}/swept{next(_names)}", custom_properties={**PROPS, **props}, history=history
        )
        if staging:
            repo.create_branch("staging", repo.branch_sha("main"))
        return repo

    def repo_calls(self, repo: SimRepository) -> list[tuple[str, str]]:
        """Requests about ``repo`` (the token exchange and App-wide lists left out)."""
        prefix = f"/repos/{repo.full_name}"
        return [(r.method, r.path) for r in self.sim.requests if r.path.startswith(prefix)]

    def writes(self) -> list[tuple[str, str]]:
        """Writes to repositories (the App's token exchange is not one)."""
        return [
            (r.method, r.path)
            for r in self.sim.requests
            if r.method != "GET" and r.token_kind != "jwt"
        ]


@pytest.fixture(scope="module")
def github() -> Iterator[Sweeper]:
    with Simulator() as sim:
        yield Sweeper.install(sim)
    forget_clients()


@pytest.fixture(autouse=True)
def _no_webhooks(github: Sweeper) -> None:
    github.sim.set_webhook(None)
    github.sim.clear_requests()


def by_step(results: list[Result]) -> dict[tuple[str, str], Result]:
    return {(r.source, r.target): r for r in results}
