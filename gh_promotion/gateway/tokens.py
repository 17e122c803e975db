"""The token a request carries: a fixed one, or an App installation's, exchanged and renewed.

An installation token lives an hour. It is exchanged for the App's JWT
(``POST /app/installations/{id}/access_tokens``) on first use, renewed a minute
before it expires, and forgotten when GitHub answers 401 to it (it was
revoked), so the next request exchanges a new one. One exchange at a time per
installation: concurrent first deliveries wait for it (within their budget)
instead of each exchanging its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from gh_promotion.core.errors import CredentialsRejected, GitHubUnavailable, NotFound
from gh_promotion.gateway.budget import Budget
from gh_promotion.gateway.http import Http
from gh_promotion.gateway.ratelimit import Hold
from gh_promotion.gateway.requester import Unauthorized, send

RENEW_BEFORE_EXPIRY_SECONDS = 60.0


class FixedToken:
    """A personal or fine-grained token (``github.authMode: token``)."""

    renewable = False

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self, budget: Budget) -> str:
        return self._token

    def forget(self, token: str) -> None:
        """Nothing to renew: GitHub's 401 is reported as it is."""


class InstallationTokens:
    """An App installation's token, exchanged for the App's JWT when needed."""

    renewable = True

    def __init__(
        self, http: Http, hold: Hold, installation_id: int, app_jwt: Callable[[], str]
    ) -> None:
        self._http = http
        self._hold = hold
        self._installation_id = installation_id
        self._app_jwt = app_jwt
        self._lock = threading.Lock()
        self._token = ""
        self._expires = 0.0

    def token(self, budget: Budget) -> str:
        if not self._lock.acquire(timeout=budget.remaining()):
            raise GitHubUnavailable(
                f"the token exchange for installation {self._installation_id} outlasted"
                f" the {budget.seconds:g} s time budget"
            )
        try:
            if not self._token or time.time() >= self._expires - RENEW_BEFORE_EXPIRY_SECONDS:
                self._token, self._expires = self._exchange(budget)
            return self._token
        finally:
            self._lock.release()

    def forget(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = ""

    def _exchange(self, budget: Budget) -> tuple[str, float]:
        installation = self._installation_id
        url = f"/app/installations/{installation}/access_tokens"
        try:
            response = send(
                self._http, self._hold, budget, "POST", url, f"Bearer {self._app_jwt()}"
            )
        except Unauthorized as refused:
            raise CredentialsRejected(
                f"GitHub rejected the App's credentials ({refused.message}) when exchanging a token"
                f" for installation {installation}: check the App id (github.appId) and that the"
                " private key is one of the App's current keys"
            ) from None
        except NotFound:
            raise CredentialsRejected(
                f"GitHub knows no installation {installation} of this App: check that the App is"
                " installed on the repository's owner (a reinstall has a new installation id)"
                " and that github.appId is this App's"
            ) from None
        data = response.data or {}
        expires = datetime.fromisoformat(str(data["expires_at"]).replace("Z", "+00:00"))
        return str(data["token"]), expires.timestamp()
