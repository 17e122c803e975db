"""A simulated GitHub with the App installed, shared by a test module."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from gh_promotion.config.model import Config
from gh_promotion.core import Delivery, Result
from gh_promotion.runtime.wiring import handle
from gh_promotion.simulator import Simulator
from testkit.simulated_app import OWNER, SimulatedGitHub

_names = itertools.count(1)


@dataclass
class GitHub(SimulatedGitHub):
    def deliver(self, event: str, payload: dict, config: Config | None = None) -> Result:
        if "installation" in payload:
            payload["installation"]["id"] = self.installation_id
        return handle(Delivery(event, str(uuid.uuid4()), payload), config or self.config())

    def writes(self) -> list[tuple[str, str]]:
        return [call for call in self.calls() if call[0] != "GET"]


@pytest.fixture(scope="module")
def github():
    with Simulator() as sim:
        yield GitHub.install(sim)


@pytest.fixture
def new_repo(github):
    """Make a fresh repository: ``new_repo(path="main,staging", history=3)``."""

    def make(path: str | list[str] | None = None, history: int = 2, **properties: Any):
        props = dict(properties)
        if path is not None:
            props["gitops-promotion-path"] = path
        name = f"{OWNER}/app{next(_names)}"
        repo = github.sim.create_repository(
            name, custom_properties=props, branches=("main",), history=history
        )
        return repo

    return make
