"""Authenticated PyGithub clients, made once per installation and reused.

Three ways to authenticate (``github.authMode``):

- ``token``: a personal or fine-grained token from ``GITHUB_TOKEN``;
- ``app``: the App's id and private key from the config (``GITHUB_APP_ID``,
  ``GITHUB_APP_PRIVATE_KEY``), for running outside AWS;
- ``ssm``: the same credentials read once from AWS SSM (``github.ssmKey``).

With an App, PyGithub's ``AppInstallationAuth`` exchanges a JWT for an
installation token and renews it shortly before it expires; the client (and
so the token) is cached per installation for the life of the process.

Throttling and retries are chosen for a webhook handler, whose every delivery
must be answered within GitHub's 10-second timeout: PyGithub's default pauses
(0.25 s before every request, 1 s between writes) are off — a delivery makes at
most a handful of requests, and secondary rate limits are met by retrying with
the server's ``Retry-After`` instead — and retries are few and short.
"""

from __future__ import annotations

import threading
from typing import Any

from gh_promotion.config.model import Config, GitHubConfig
from gh_promotion.core.errors import BadDelivery
from gh_promotion.gateway.credentials import app_credentials, check_credentials

__all__ = ["app_credentials", "forget_clients", "requester_for"]

REQUEST_TIMEOUT_SECONDS = 4
RETRIES = 3
BACKOFF_SECONDS = 0.25
MAX_RETRY_AFTER_SECONDS = 2.0

_clients: dict[tuple[GitHubConfig, int | None], Any] = {}
_lock = threading.Lock()


def requester_for(config: Config, installation_id: int | None) -> Any:
    """PyGithub's requester for this installation (or the token), cached."""
    github = config.github
    key = (github, installation_id if github.auth_mode != "token" else None)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = _new_client(github, installation_id)
    return client.requester


def forget_clients() -> None:
    """Drop cached clients (tests that restart their GitHub use this)."""
    with _lock:
        _clients.clear()


def _new_client(github: GitHubConfig, installation_id: int | None) -> Any:
    from github import Github

    return Github(
        auth=_auth(github, installation_id),
        base_url=github.api_url.rstrip("/"),
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry=_retry(),
        seconds_between_requests=None,
        seconds_between_writes=None,
        per_page=100,
        lazy=True,
    )


def _auth(github: GitHubConfig, installation_id: int | None) -> Any:
    """Credentials were checked at start (:func:`check_credentials`); were they not
    (a test, or SSM forgotten since), the same check raises a configuration error."""
    from github import Auth

    if github.auth_mode == "token":
        check_credentials(github)
        return Auth.Token(str(github.token))
    if installation_id is None:
        raise BadDelivery("payload has no installation.id, which GitHub App authentication needs")
    credentials = app_credentials(github)
    app = Auth.AppAuth(int(credentials.app_id), str(credentials.private_key))
    return app.get_installation_auth(installation_id)


def _retry() -> Any:
    """PyGithub's retry, also for PATCH (a ref update to a given sha is idempotent)."""
    from github import GithubRetry

    class WebhookRetry(GithubRetry):
        def parse_retry_after(self, retry_after: str) -> float:
            return min(super().parse_retry_after(retry_after), MAX_RETRY_AFTER_SECONDS)

    return WebhookRetry(
        total=RETRIES,
        backoff_factor=BACKOFF_SECONDS,
        allowed_methods={"GET", "POST", "PATCH", "PUT", "DELETE"},
    )
