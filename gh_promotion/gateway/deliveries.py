"""The GitHub App's webhook delivery log: list it, read one delivery, redeliver one.

All three endpoints (https://docs.github.com/en/rest/apps/webhooks) take the
App's JWT only — no installation token, no personal token — so this module
signs its own (PyGithub's ``AppAuth`` signs; the request goes through our
requester, with its retries and rate-limit handling). The list is newest first
and paginated by a cursor: the next page is the ``Link`` header's
``rel="next"`` URL, followed as given.

Each request, with its retries and waits, may take ``budget`` seconds
(``reconcile.timeBudget``). Data is returned as GitHub sent it: the core reads it.

One JWT serves a minute of requests: signing one costs ~45 ms (PyGithub loads
the key each time), which would make a run of 500 requests spend 20 s signing.
GitHub accepts a JWT for up to 10 minutes; PyGithub's last 5.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from gh_promotion.config.model import GitHubConfig
from gh_promotion.core.errors import CredentialsRejected
from gh_promotion.gateway.budget import Budget
from gh_promotion.gateway.credentials import app_credentials
from gh_promotion.gateway.http import Http, Response
from gh_promotion.gateway.ratelimit import Hold
from gh_promotion.gateway.requester import Unauthorized, send

DELIVERIES = "/app/hook/deliveries"
MOST_PER_PAGE = 100
JWT_REUSE_SECONDS = 60.0
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class AppDeliveries:
    """The App's delivery log, one connection for one run; ``close()`` when done."""

    def __init__(self, github: GitHubConfig, budget: float) -> None:
        from github import Auth

        credentials = app_credentials(github)
        self._signer = Auth.AppAuth(int(credentials.app_id), str(credentials.private_key))
        self._http = Http(github.api_url)
        self._hold = Hold("the App")
        self._budget = budget
        self._jwt, self._signed_at = "", 0.0

    def pages(self, per_page: int = MOST_PER_PAGE) -> Iterator[list[Any]]:
        """Each page of the log, newest attempt first; stop iterating to stop reading."""
        url: str | None = DELIVERIES
        params: dict[str, Any] | None = {"per_page": min(per_page, MOST_PER_PAGE)}
        while url:
            response = self._send("GET", url, params)
            yield response.data if isinstance(response.data, list) else []
            url, params = next_page(response.headers.get("link", "")), None

    def delivery(self, delivery_id: int) -> dict[str, Any]:
        """One attempt with its request (headers and payload) and the answer it got."""
        data = self._send("GET", f"{DELIVERIES}/{delivery_id}").data
        return data if isinstance(data, dict) else {}

    def redeliver(self, delivery_id: int) -> None:
        """Ask GitHub to send this attempt's payload again (202: it will, shortly)."""
        self._send("POST", f"{DELIVERIES}/{delivery_id}/attempts")

    def close(self) -> None:
        self._http.close()

    def _app_jwt(self) -> str:
        if not self._jwt or time.monotonic() - self._signed_at > JWT_REUSE_SECONDS:
            self._jwt, self._signed_at = self._signer.token, time.monotonic()
        return self._jwt

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


def next_page(link: str) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, or None on the last page."""
    found = _NEXT.search(link)
    return found.group(1) if found else None
