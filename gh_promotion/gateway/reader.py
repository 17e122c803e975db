"""A read-only way into one repository, for commands run outside a webhook (``explain``).

A delivery is handed its installation id by the payload; a command is handed only
``OWNER/REPO``. With App authentication the installation is found with the App's
JWT (``GET /repos/{o}/{r}/installation``), then the repository is read with that
installation's token, through the same gateway and requester as a delivery (its
retries, rate-limit handling and token renewal), with a longer time budget. The
gateway is opened as a dry run, so even a mistaken write would only be recorded.
"""

from __future__ import annotations

from urllib.parse import quote

from gh_promotion.config.model import Config
from gh_promotion.core.errors import NotFound
from gh_promotion.gateway.budget import Budget
from gh_promotion.gateway.client import app_jwt, requester_for
from gh_promotion.gateway.github import Clock, RepositoryGateway, system_clock
from gh_promotion.gateway.http import Http
from gh_promotion.gateway.ratelimit import Hold
from gh_promotion.gateway.requester import Requester, send


class UnknownRepository(Exception):
    """GitHub knows no such repository, or not for these credentials."""


def repository_requester(config: Config, owner: str, name: str, budget: float) -> Requester:
    """A requester for the repository as the configured credentials reach it
    (``budget`` seconds for every request, retry and wait)."""
    installation = None
    if config.github.auth_mode != "token":
        installation = installation_of(config, owner, name, budget)
    return requester_for(config, installation, budget)


def read_only(
    requester: Requester, owner: str, name: str, clock: Clock = system_clock
) -> RepositoryGateway:
    """The gateway as a dry run: a write would only be recorded, never sent."""
    return RepositoryGateway(
        requester, owner, name, record=lambda write: None, dry_run=True, clock=clock
    )


def installation_of(config: Config, owner: str, name: str, budget: float) -> int:
    """The App's installation on the repository, asked with the App's JWT."""
    github = config.github
    http = Http(github.api_url)
    url = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}/installation"
    try:
        jwt = app_jwt(config.github)()
        response = send(http, Hold("the App"), Budget(budget), "GET", url, f"Bearer {jwt}")
    except NotFound:
        raise UnknownRepository(
            f"the App is not installed on {owner}/{name}, or there is no such repository"
        ) from None
    finally:
        http.close()
    return int(response.data["id"])
