"""The GitHub App's webhook delivery log: list it, read one delivery, redeliver one.

All three endpoints (https://docs.github.com/en/rest/apps/webhooks) take the
App's JWT only — no installation token, no personal token — so this module
signs its own (PyGithub's ``AppAuth`` signs; the request goes through our
requester, with its retries and rate-limit handling). The list is newest first
and paginated by a cursor: the next page is the ``Link`` header's
``rel="next"`` URL, followed as given.

Each request, with its retries and waits, may take ``budget`` seconds
(``reconcile.timeBudget``). Data is returned as GitHub sent it: the core reads it.
The JWT is the one :func:`~gh_promotion.gateway.client.app_jwt` reuses for a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gh_promotion.config.model import GitHubConfig
from gh_promotion.core.errors import CredentialsRejected
from gh_promotion.gateway.budget import Budget
from gh_promotion.gateway.client import app_jwt
from gh_promotion.gateway.github import link
from gh_promotion.gateway.http import Http, Response
from gh_promotion.gateway.ratelimit import Hold
from gh_promotion.gateway.requester import Unauthorized, send

DELIVERIES = "/app/hook/deliveries"
MOST_PER_PAGE = 100


class AppDeliveries:
    """The App's delivery log, one connection for one run; ``close()`` when done."""

    def __init__(self, github: GitHubConfig, budget: float) -> None:
        self._app_jwt = app_jwt(github)
        self._http = Http(github.api_url)
        self._hold = Hold("the App")
        self._budget = budget

    def pages(self, per_page: int = MOST_PER_PAGE) -> Iterator[list[Any]]:
        """Each page of the log, newest attempt first; stop iterating to stop reading."""
        url: str | None = DELIVERIES
        params: dict[str, Any] | None = {"per_page": min(per_page, MOST_PER_PAGE)}
        while url:
            response = self._send("GET", url, params)
            yield response.data if isinstance(response.data, list) else []
            url, params = link(response.headers, "next"), None

    def delivery(self, delivery_id: int) -> dict[str, Any]:
        """One attempt with its request (headers and payload) and the answer it got."""
        data = self._send("GET", f"{DELIVERIES}/{delivery_id}").data
        return data if isinstance(data, dict) else {}

    def redeliver(self, delivery_id: int) -> None:
        """Ask GitHub to send this attempt's payload again (202: it will, shortly)."""
        self._send("POST", f"{DELIVERIES}/{delivery_id}/attempts")

    def close(self) -> None:
        self._http.close()

    def _send(self, verb: str, url: str, params: dict[str, Any] | None = None) -> Response:
        try:
            return send(
                self._http,
                self._hold,
                Budget(self._budget),
                verb,
                url,
                f"Bearer {self._app_jwt()}",
                params=params,
            )
        except Unauthorized as refused:
            raise CredentialsRejected(
                f"GitHub rejected the App's JWT ({refused.message}) reading its webhook"
                " deliveries: check the App id (github.appId) and that the private key is"
                " one of the App's current keys"
            ) from None
