"""A simulated GitHub with the App installed, and the promotion situations benchmarks replay.

Benchmarks drive the same strict simulator the tests use (never a mock of
GitHub) and build payloads from GitHub's own examples (``tests/payloads.py``).
"""

from __future__ import annotations

import itertools
import subprocess
from dataclasses import dataclass
from typing import Any

from gh_promotion.config.model import Config
from gh_promotion.simulator import SimRepository, Simulator
from tests import payloads
from tests.simulated_app import CASCADE_ROLLBACK, app_config

OWNER = "octo"
PATH = "main,staging,canary,production"
PROPS = {"gitops-promotion-path": PATH}
_names = itertools.count(1)


@dataclass
class GitHub:
    """The simulator, the App and its installation on ``OWNER``."""

    sim: Simulator
    app: Any
    installation_id: int

    @classmethod
    def start(cls) -> GitHub:
        sim = Simulator().start()
        app = sim.create_app(slug="gh-promotion")
        return cls(sim, app, sim.install_app(app, OWNER))

    def stop(self) -> None:
        self.sim.stop()

    def config(self, *, auth_mode: str = "app", rollback: bool = False) -> Config:
        extra = {"rollback": CASCADE_ROLLBACK} if rollback else {}
        return app_config(self.sim, self.app, auth_mode=auth_mode, **extra)

    def app_env(self) -> dict[str, str]:
        """What a process needs to act as the App on this simulator."""
        return {
            "GITHUB_AUTH_MODE": "app",
            "GITHUB_API_URL": self.sim.api_url,
            "GITHUB_APP_ID": str(self.app.app_id),
            "GITHUB_APP_PRIVATE_KEY": self.app.private_key_pem,
        }

    def new_repo(self, history: int = 2, staging: bool = True) -> SimRepository:
        repo = self.sim.create_repository(
            f"{OWNER}/bench{next(_names)}", custom_properties=dict(PROPS), history=history
        )
        if staging:
            repo.create_branch("staging", repo.branch_sha("main"))
        return repo

    def calls(self) -> list[tuple[str, str]]:
        """Requests made with a repository token (the App's token exchange excluded)."""
        return [(r.method, r.path) for r in self.sim.requests if r.token_kind != "jwt"]

    # -- payloads, as GitHub sends them for this installation --------------------------

    def push(self, repo: SimRepository, branch: str) -> dict[str, Any]:
        sha = repo.branch_sha(branch) or "0" * 40
        return payloads.push(
            repo.full_name, branch, sha, properties=PROPS, installation_id=self.installation_id
        )

    def review(self, repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
        return payloads.review(
            repo.full_name,
            webhook_pull(repo, pull),
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def run(self, event: str, repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
        """A green check_suite or workflow_run naming the pull request."""
        build = getattr(payloads, event)
        return build(
            repo.full_name,
            pull["head"]["sha"],
            head_branch=pull["head"]["ref"],
            pulls=[webhook_pull(repo, pull)],
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def status(self, repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
        sha = pull["head"]["sha"]
        return payloads.status(
            repo.full_name,
            sha,
            branches={pull["head"]["ref"]: sha},
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def deployment(self, repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
        return payloads.deployment_status(
            repo.full_name,
            pull["head"]["ref"],
            pull["head"]["sha"],
            properties=PROPS,
            installation_id=self.installation_id,
        )


def webhook_pull(repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
    return payloads.from_api_pull(repo.full_name, pull)


def open_promotion(repo: SimRepository) -> dict[str, Any]:
    """main one commit ahead of staging with the promotion request open (as GitHub shows it)."""
    repo.push("main", message="to promote")
    number = repo.open_pull_request("main", "staging", title="Promote main to staging")
    return repo.pull_request(number)


def parent_of(repo: SimRepository, sha: str) -> str:
    command = ["git", "--git-dir", repo.git_dir, "rev-parse", f"{sha}^"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
