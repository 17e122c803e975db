"""What a GitHub App needs to act as itself: its id, its key, its webhook secret."""

from __future__ import annotations

from typing import NamedTuple

from gh_promotion.config.model import Secret


class AppCredentials(NamedTuple):
    """A GitHub App's credentials, from SSM (`github.ssmKey`) or the config."""

    app_id: str
    private_key: Secret
    webhook_secret: Secret = Secret("")
