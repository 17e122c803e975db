"""Authenticated access to GitHub, one connection per installation, one budget per delivery.

Three ways to authenticate (``github.authMode``):

- ``token``: a personal or fine-grained token from ``GITHUB_TOKEN``;
- ``app``: the App's id and private key from the config (``GITHUB_APP_ID``,
  ``GITHUB_APP_PRIVATE_KEY``), for running outside AWS;
- ``ssm``: the same credentials read once from AWS SSM (``github.ssmKey``).

With an App, the installation token is exchanged on first use and renewed
before it expires or when GitHub revokes it (:mod:`gh_promotion.gateway.tokens`);
the connection (pool, token, rate-limit hold) is cached per installation for the
life of the process.

Each delivery gets its own :class:`~gh_promotion.gateway.requester.Requester`
with a time budget (``github.timeBudget``, 8 s by default: GitHub drops a
webhook after 10 s) that bounds every request, retry and wait it makes.
Commands run outside webhooks pass a longer ``budget``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from gh_promotion.config.model import Config, GitHubConfig
from gh_promotion.core.errors import BadDelivery
from gh_promotion.gateway.credentials import app_credentials, check_credentials

if TYPE_CHECKING:  # the requester's modules import requests: only when a delivery needs GitHub
    from gh_promotion.gateway.requester import Connection, Requester

_connections: dict[tuple[GitHubConfig, int | None], Connection] = {}
_lock = threading.Lock()


def requester_for(
    config: Config, installation_id: int | None, budget: float | None = None
) -> Requester:
    """A requester for this installation (or the token), spending at most ``budget`` seconds.

    ``budget`` defaults to ``github.timeBudget``; its clock starts now.
    """
    from gh_promotion.gateway.budget import Budget
    from gh_promotion.gateway.requester import Requester

    github = config.github
    if github.auth_mode != "token" and installation_id is None:
        raise BadDelivery("payload has no installation.id, which GitHub App authentication needs")
    key = (github, installation_id if github.auth_mode != "token" else None)
    with _lock:
        connection = _connections.get(key)
        if connection is None:
            connection = _connections[key] = _new_connection(github, key[1])
    seconds = github.time_budget if budget is None else budget
    return Requester(connection, Budget(seconds))


def forget_clients() -> None:
    """Drop cached connections, tokens and rate-limit holds (tests that restart GitHub)."""
    with _lock:
        for connection in _connections.values():
            connection.http.close()
        _connections.clear()


def _new_connection(github: GitHubConfig, installation_id: int | None) -> Connection:
    """The pool, token source and hold of one installation (``None``: the fixed token)."""
    from gh_promotion.gateway.http import Http
    from gh_promotion.gateway.ratelimit import Hold
    from gh_promotion.gateway.requester import Connection
    from gh_promotion.gateway.tokens import FixedToken, InstallationTokens

    http = Http(github.api_url, "token" if installation_id is None else str(installation_id))
    if installation_id is None:
        check_credentials(github)  # at start already; a configuration error if skipped
        return Connection(http, FixedToken(str(github.token)), Hold("the token"))
    hold = Hold(f"installation {installation_id}")
    # PyGithub's AppAuth only signs the App's JWT; the token exchange itself goes
    # through our requester, so it too stays inside the delivery's budget.
    tokens = InstallationTokens(http, hold, installation_id, app_jwt(github))
    return Connection(http, tokens, hold)


# One JWT serves a minute of requests: signing one costs ~45 ms (PyGithub loads
# the key each time), which would make a sweep of 500 requests spend 20 s
# signing. GitHub accepts a JWT for up to 10 minutes; PyGithub's last 5.
JWT_REUSE_SECONDS = 60.0


@lru_cache(maxsize=4)
def app_jwt(github: GitHubConfig) -> Callable[[], str]:
    """The App's JWT, for the App's own endpoints and the token exchange: signed
    with PyGithub from credentials checked at start (or, were they not, a
    configuration error now), and reused for a minute."""
    from github import Auth

    credentials = app_credentials(github)
    signer = Auth.AppAuth(int(credentials.app_id), str(credentials.private_key))
    signed: list[tuple[str, float]] = []

    def current() -> str:
        if not signed or time.monotonic() - signed[-1][1] > JWT_REUSE_SECONDS:
            signed[:] = [(signer.token, time.monotonic())]
        return signed[-1][0]

    return current
