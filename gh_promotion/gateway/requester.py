"""Requests to GitHub within a time budget: retries, rate limits, a renewed token.

:func:`send` makes one request, retrying what GitHub documents as passing (5xx,
timeouts, lost connections, a rate limit with a short wait) while the budget
allows, and turns every answer into a value or one of our errors: 4xx
refusals into :class:`~gh_promotion.core.errors.GitHubRefusal`, GitHub
failing into :class:`~gh_promotion.core.errors.GitHubUnavailable`, a wait past
the budget into :class:`~gh_promotion.gateway.ratelimit.RateLimited`.

:class:`Requester` adds the credentials: a 401 on an installation token (GitHub
revoked it: a key rotation, an uninstall and reinstall) drops the token,
exchanges a new one once and retries once; a second 401 is a
:class:`~gh_promotion.core.errors.CredentialsRejected`.
"""

from __future__ import annotations

import itertools
import logging
import time
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit

import requests

from gh_promotion.core.errors import CredentialsRejected, GitHubUnavailable
from gh_promotion.gateway.budget import Budget
from gh_promotion.gateway.errors import classify, error_messages
from gh_promotion.gateway.http import Http, Response
from gh_promotion.gateway.ratelimit import Hold, is_suspension, rate_limit

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 4.0  # one request; the budget may cut it shorter
RETRIES = 3
BACKOFF_SECONDS = 0.25  # doubled on each retry of a 5xx, timeout or lost connection


class Unauthorized(Exception):
    """GitHub answered 401: these credentials are not (or no longer) valid."""

    def __init__(self, data: Any) -> None:
        self.message = "; ".join(error_messages(data)) or "Bad credentials"
        super().__init__(self.message)


class _Retry(Exception):
    """This attempt failed in a way worth retrying, after ``wait`` (None: the backoff)."""

    def __init__(self, failure: GitHubUnavailable, wait: float | None = None) -> None:
        self.failure = failure
        self.wait = wait


def send(
    http: Http,
    hold: Hold,
    budget: Budget,
    verb: str,
    url: str,
    authorization: str,
    *,
    params: dict[str, Any] | None = None,
    body: dict[str, Any] | None = None,
    if_none_match: str = "",
) -> Response:
    """One request, retried while it may pass and the budget allows; raises our errors.

    ``if_none_match``: a conditional GET; GitHub's 304 (nothing changed, and no
    rate limit spent) is returned as a response with no data.
    """
    what = f"{verb} {urlsplit(url).path}"
    hold.check()
    for attempt in itertools.count():
        try:
            return _attempt(
                http, hold, budget, what, verb, url, authorization, params, body, if_none_match
            )
        except _Retry as retry:
            wait = BACKOFF_SECONDS * 2**attempt if retry.wait is None else retry.wait
            if attempt >= RETRIES or not budget.allows(wait):
                raise retry.failure from None
            logger.info("%s; retrying in %.2f s", retry.failure, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


def _attempt(
    http: Http,
    hold: Hold,
    budget: Budget,
    what: str,
    verb: str,
    url: str,
    authorization: str,
    params: dict[str, Any] | None,
    body: dict[str, Any] | None,
    if_none_match: str = "",
) -> Response:
    timeout = budget.timeout(REQUEST_TIMEOUT_SECONDS, what)
    try:
        response = http.send(
            verb,
            url,
            authorization=authorization,
            timeout=timeout,
            params=params,
            body=body,
            if_none_match=if_none_match,
        )
    except requests.RequestException as error:
        raise _Retry(GitHubUnavailable(f"{what}: {type(error).__name__}")) from None
    status, data = response.status, response.data
    if status < 300 or (status == 304 and if_none_match):
        return response
    limit = rate_limit(status, response.headers, data)
    if limit is not None:
        if not budget.allows(limit.wait):
            raise hold.rate_limited(limit, what)
        raise _Retry(GitHubUnavailable(f"{what}: GitHub {limit.kind} rate limit"), limit.wait)
    if status >= 500:
        raise _Retry(GitHubUnavailable(f"{what}: GitHub answered {status}"))
    if status == 401:
        raise Unauthorized(data)
    if is_suspension(status, data):
        raise hold.suspended(what)
    raise classify(status, data)


class TokenSource(Protocol):
    renewable: bool  # False for a fixed token: a 401 cannot be cured by exchanging again

    def token(self, budget: Budget) -> str: ...

    def forget(self, token: str) -> None: ...


class Connection(NamedTuple):
    """What deliveries of one installation share: the pool, the token and the hold."""

    http: Http
    tokens: TokenSource
    hold: Hold


class Requester:
    """One delivery's (or one command's) access to GitHub for one installation."""

    def __init__(self, connection: Connection, budget: Budget) -> None:
        self._connection = connection
        self.budget = budget

    def request(
        self,
        verb: str,
        url: str,
        *,
        params: dict | None = None,
        body: dict | None = None,
        if_none_match: str = "",
    ) -> tuple[dict[str, str], Any]:
        """``(headers, data)`` of one request, made with a renewed token if GitHub revoked ours."""
        connection = self._connection
        what = f"{verb} {urlsplit(url).path}"
        connection.hold.check()  # a held installation makes no request, not even for a token
        token = connection.tokens.token(self.budget)
        try:
            response = self._send(verb, url, token, params, body, if_none_match)
        except Unauthorized as refused:
            if not connection.tokens.renewable:
                raise CredentialsRejected(
                    f"{what}: GitHub rejected the token ({refused.message}); check that"
                    " github.token (GITHUB_TOKEN) is valid, unexpired and may use this repository"
                ) from None
            logger.info(
                "GitHub rejected the token of %s: exchanging a new one", connection.hold.who
            )
            connection.tokens.forget(token)
            token = connection.tokens.token(self.budget)
            try:
                response = self._send(verb, url, token, params, body, if_none_match)
            except Unauthorized as again:
                raise CredentialsRejected(
                    f"{what}: GitHub rejected a fresh token of {connection.hold.who}"
                    f" ({again.message}); check the App id, its private key and that the App"
                    " is still installed"
                ) from None
        return response.headers, response.data

    def _send(
        self,
        verb: str,
        url: str,
        token: str,
        params: dict | None,
        body: dict | None,
        if_none_match: str = "",
    ) -> Response:
        connection = self._connection
        return send(
            connection.http,
            connection.hold,
            self.budget,
            verb,
            url,
            f"token {token}",
            params=params,
            body=body,
            if_none_match=if_none_match,
        )
