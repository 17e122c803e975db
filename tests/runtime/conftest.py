"""Fixtures for the runtime tests: a moto server, and a simulated GitHub with the App installed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from gh_promotion.simulator import SimApp, SimRepository, Simulator
from testkit.deliveries import SECRET
from tests.moto_server import moto_server, moto_server_process

__all__ = ["app", "moto_server", "moto_server_process", "new_repository", "sim"]

OWNER = "octo"
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


def new_repository(sim: Simulator, stages: str = "main,staging") -> SimRepository:
    """A repository whose branches are the stages of ``stages``, all at one commit."""
    return sim.create_repository(
        f"{OWNER}/runtime-e2e-{next(_names)}",
        custom_properties={"gitops-promotion-path": stages},
        branches=tuple(stages.split(",")),
        history=2,
    )
