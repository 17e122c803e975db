"""Which GitHub the core talks to: the one place the gateway is chosen and given credentials.

The core states what it needs (:class:`gh_promotion.core.ports.GitHub`) and is
handed it with each delivery; this module supplies it: the REST gateway
(:mod:`gh_promotion.gateway.github`), over the per-installation connection of
:mod:`gh_promotion.gateway.client` (pooled and cached for the life of the
process), and the App's id from the App's credentials (read once per process
from SSM in ``ssm`` mode, :mod:`gh_promotion.aws.ssm`).

Nothing here imports the gateway until a delivery needs GitHub: a ping or a
skipped delivery loads neither requests, PyGithub nor boto3 (cold start).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

from gh_promotion import core
from gh_promotion.config.model import Config
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.result import Result

if TYPE_CHECKING:
    from gh_promotion.core.ports import Record, Repository


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


class GitHubApp:
    """GitHub as the configuration says to reach it (``github.*``): implements the core's port.

    ``clock`` is the time the gates of docs/gates.md read (soak, freeze windows):
    the system's, or — in a test — the simulator's, so GitHub's timestamps and
    gh-promotion's now agree without sleeping.
    """

    def __init__(self, config: Config, clock: Callable[[], datetime] = system_clock) -> None:
        self._config = config
        self._clock = clock

    def repository(
        self, owner: str, name: str, installation_id: int | None, record: Record
    ) -> Repository:
        from gh_promotion.gateway.client import requester_for
        from gh_promotion.gateway.github import RepositoryGateway

        requester = requester_for(self._config, installation_id)
        dry_run = self._config.promotion.dry_run
        return RepositoryGateway(
            requester, owner, name, record=record, dry_run=dry_run, clock=self._clock
        )

    def own_app_id(self) -> str | None:
        github = self._config.github
        if github.auth_mode == "token":
            return None
        from gh_promotion.gateway.credentials import app_credentials

        return str(app_credentials(github).app_id)


@lru_cache(maxsize=8)
def github_for(config: Config) -> GitHubApp:
    """The way to GitHub for this configuration, made once per process (a runtime has one)."""
    return GitHubApp(config)


def handle(delivery: Delivery, config: Config) -> Result:
    """``core.handle`` wired to the configured GitHub: what every runtime runs per delivery."""
    return core.handle(delivery, config, github_for(config))
