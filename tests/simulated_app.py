"""gh-promotion configured as a GitHub App installed on a simulated GitHub."""

from __future__ import annotations

from typing import Any

from gh_promotion.config.model import Config, GitHubConfig, RollbackConfig, Secret

CASCADE_ROLLBACK = RollbackConfig(True, "rollback-", ("canary",))


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
