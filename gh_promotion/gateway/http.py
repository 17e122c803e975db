"""One HTTP exchange with GitHub's REST API: the only place a request is sent.

Plain ``requests`` rather than PyGithub's requester, because each request here
needs its own timeout (what is left of its delivery's budget, see
:mod:`gh_promotion.gateway.budget`) and no hidden retry or sleep: PyGithub
keeps one timeout per client, shared by every delivery of an installation, and
sleeps inside urllib3 for as long as GitHub asks. Retries are decided by
:mod:`gh_promotion.gateway.requester`, with the budget in hand.

Each request is logged at debug level: method, path, status and milliseconds —
never headers, which carry the token, nor bodies.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from gh_promotion import __version__
from gh_promotion.gateway.tally import count_request

logger = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
# Concurrent deliveries of one installation share a pool; requests' default of
# 10 connections would open and drop one per request beyond that.
POOL_CONNECTIONS = 32


class Response(NamedTuple):
    status: int
    headers: dict[str, str]  # names in lower case
    data: Any  # the decoded JSON body, or None


class Http:
    """A connection pool to one GitHub API root; requests may only go there."""

    def __init__(self, api_url: str) -> None:
        self.base = api_url.rstrip("/")
        self._origin = _origin(self.base)
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_maxsize=POOL_CONNECTIONS, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        # The environment's proxy and CA bundle still apply (GHES behind a proxy or
        # a private CA), but a ~/.netrc entry must not replace our Authorization.
        self._session.auth = _keep_authorization

    def send(
        self,
        verb: str,
        url: str,
        *,
        authorization: str,
        timeout: float,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        if_none_match: str = "",
    ) -> Response:
        """Send one request; ``url`` is a path under the API root or a URL GitHub gave us."""
        full = self.base + url if url.startswith("/") else url
        if _origin(full) != self._origin:
            raise ValueError(f"refusing to send GitHub credentials to {_origin(full)}")
        headers = {
            "Authorization": authorization,
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"gh-promotion/{__version__}",
        }
        if body is not None:
            headers["Content-Type"] = "application/json"
        if if_none_match:
            headers["If-None-Match"] = if_none_match
        payload = None if body is None else json.dumps(body)
        count_request()
        started = time.perf_counter()
        outcome: int | str = "no answer"
        try:
            answer = self._session.request(
                verb,
                full,
                params=params,
                data=payload,
                headers=headers,
                timeout=timeout,
                # A renamed repository's GET is redirected (301); requests drops the
                # token if the redirect leaves the host. A write is never re-sent.
                allow_redirects=verb == "GET",
            )
            outcome = answer.status_code
            return Response(answer.status_code, _lower(answer.headers), _json(answer))
        except requests.RequestException as error:
            outcome = type(error).__name__
            raise
        finally:
            _log(verb, full, outcome, started)

    def close(self) -> None:
        self._session.close()


def _keep_authorization(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _log(verb: str, url: str, outcome: int | str, started: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        path = urlsplit(url).path
        logger.debug(
            "GitHub %s %s → %s in %.1f ms",
            verb,
            path,
            outcome,
            elapsed,
            extra={"http_method": verb, "path": path, "http_status": outcome, "ms": elapsed},
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in headers.items()}


def _json(answer: requests.Response) -> Any:
    if not answer.content:
        return None
    try:
        return answer.json()
    except ValueError:
        return {"message": answer.text[:200]}
