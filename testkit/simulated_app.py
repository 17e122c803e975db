"""gh-promotion as a GitHub App installed on a simulated GitHub, with the payloads
GitHub would send it; shared by the core tests, the reliability suite and the
benchmarks."""

from __future__ import annotations

import itertools
import subprocess
from dataclasses import dataclass
from typing import Any

from gh_promotion.config.model import Config, GitHubConfig, RollbackConfig, Secret
from gh_promotion.simulator import SimRepository, Simulator
from testkit import payloads

OWNER = "octo"
PATH = "main,staging,canary,production"
PROPS = {"gitops-promotion-path": PATH}
CASCADE_ROLLBACK = RollbackConfig(True, "rollback-", ("canary",))
_names = itertools.count(1)


def app_config(
    sim: Any,
    app: Any,
    *,
    auth_mode: str = "app",
    webhook_secret: str = "",
    **promotion: Any,
) -> Config:
    """A config that authenticates to ``sim`` as ``app`` (or with a personal token,
    for ``auth_mode="token"``); ``promotion`` overrides fields of ``promotion``."""
    base = Config()
    github = GitHubConfig(
        auth_mode=auth_mode,
        api_url=sim.api_url,
        app_id=str(app.app_id),
        private_key=Secret(app.private_key_pem),
        token=Secret(sim.create_personal_token(login="octocat")),
        webhook_secret=Secret(webhook_secret),
    )
    return base._replace(github=github, promotion=base.promotion._replace(**promotion))


@dataclass
class SimulatedGitHub:
    """The simulator, the App and its installation on ``OWNER``."""

    sim: Simulator
    app: Any
    installation_id: int

    @classmethod
    def install(cls, sim: Simulator, **fields: Any) -> Any:
        app = sim.create_app(slug="gh-promotion")
        return cls(sim, app, sim.install_app(app, OWNER), **fields)

    def config(self, *, rollback: bool = False, **settings: Any) -> Config:
        if rollback:
            settings["rollback"] = CASCADE_ROLLBACK
        return app_config(self.sim, self.app, **settings)

    def new_repo(self, history: int = 2, staging: bool = True) -> SimRepository:
        """A repository on the four-stage path; staging at main unless told otherwise."""
        repo = self.sim.create_repository(
            f"{OWNER}/app{next(_names)}", custom_properties=dict(PROPS), history=history
        )
        if staging:
            repo.create_branch("staging", repo.branch_sha("main"))
        return repo

    def calls(self) -> list[tuple[str, str]]:
        """Requests made with a repository token (the App's token exchange excluded)."""
        return [(r.method, r.path) for r in self.sim.requests if r.token_kind != "jwt"]

    # -- payloads, as GitHub sends them to this installation ----------------------------

    def push(self, repo: SimRepository, branch: str, sha: str | None = None) -> dict[str, Any]:
        return payloads.push(
            repo.full_name,
            branch,
            sha or repo.branch_sha(branch) or "0" * 40,
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def review(self, repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
        return payloads.review(
            repo.full_name,
            webhook_pull(repo, pull),
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def ready(self, repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
        return payloads.pull_request(
            "ready_for_review",
            repo.full_name,
            webhook_pull(repo, pull),
            properties=PROPS,
            installation_id=self.installation_id,
        )

    def run(self, event: str, repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
        """A green check_suite or workflow_run naming the pull request."""
        return getattr(payloads, event)(
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

    def signal(self, kind: str, repo: SimRepository, pull: dict[str, Any]) -> tuple[str, dict]:
        """A success signal of ``kind`` (an event name) for the promotion request ``pull``."""
        if kind == "pull_request_review":
            return kind, self.review(repo, pull)
        if kind == "pull_request":
            return kind, self.ready(repo, pull)
        if kind == "status":
            return kind, self.status(repo, pull)
        if kind == "deployment_status":
            return kind, self.deployment(repo, pull)
        return kind, self.run(kind, repo, pull)


def webhook_pull(repo: SimRepository, pull: dict[str, Any]) -> dict[str, Any]:
    return payloads.from_api_pull(repo.full_name, pull)


def open_promotion(repo: SimRepository) -> dict[str, Any]:
    """main one commit ahead of staging, its promotion request open (as the API shows it)."""
    repo.push("main", message="to promote")
    number = repo.open_pull_request("main", "staging", title="Promote main to staging")
    return repo.pull_request(number)


def parent_of(repo: SimRepository, sha: str) -> str:
    """The first parent of ``sha``, asked of the simulated repository's real git."""
    command = ["git", "--git-dir", repo.git_dir, "rev-parse", f"{sha}^"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
