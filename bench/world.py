"""A simulated GitHub with the App installed, and the promotion situations benchmarks replay.

Benchmarks drive the same strict simulator the tests use (never a mock of
GitHub) and build payloads from GitHub's own examples (``testkit/payloads.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gh_promotion.config.model import Config
from gh_promotion.simulator import Simulator
from testkit.simulated_app import (  # noqa: F401  (re-exported for the bench modules)
    PROPS,
    SimulatedGitHub,
    open_promotion,
    parent_of,
    webhook_pull,
)


@dataclass
class GitHub(SimulatedGitHub):
    """The simulator, the App and its installation, for one benchmark run."""

    @classmethod
    def start(cls) -> GitHub:
        return cls.install(Simulator().start())

    def stop(self) -> None:
        self.sim.stop()

    def config(self, *, auth_mode: str = "app", rollback: bool = False) -> Config:
        return super().config(auth_mode=auth_mode, rollback=rollback)

    def app_env(self) -> dict[str, str]:
        """What a process needs to act as the App on this simulator."""
        return {
            "GITHUB_AUTH_MODE": "app",
            "GITHUB_API_URL": self.sim.api_url,
            "GITHUB_APP_ID": str(self.app.app_id),
            "GITHUB_APP_PRIVATE_KEY": self.app.private_key_pem,
        }
