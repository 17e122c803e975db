"""GitHub's rate limits, read as GitHub documents them, and what we remember of them.

https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
says, for a 403 or 429 that is a rate limit: wait ``retry-after`` seconds when
the header is there; else, when ``x-ratelimit-remaining`` is ``0`` (a primary
limit), wait until ``x-ratelimit-reset`` (epoch seconds); else (a secondary
limit) wait at least a minute.

A wait longer than the delivery's budget is not taken: the delivery is answered
502 with the time to redeliver after, and the installation is put on
:class:`Hold` so later deliveries fail the same way without asking GitHub
(asking again during a secondary limit prolongs it). A suspended installation
is held the same way, for a short while, so no delivery storms the token
exchange while a person decides.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from gh_promotion.core.errors import CredentialsRejected, GitHubUnavailable

SECONDARY_WAIT_SECONDS = 60.0  # GitHub: "wait for at least one minute"
SUSPENDED_RECHECK_SECONDS = 60.0
_PRIMARY_HINT = "api rate limit exceeded"
_SECONDARY_HINTS = ("secondary rate limit", "abuse detection", "please retry your request again")


class RateLimited(GitHubUnavailable):
    """GitHub asked us to wait longer than the delivery may: redeliver after ``until``."""

    def __init__(self, message: str, until: float) -> None:
        super().__init__(message)
        self.until = until


class InstallationSuspended(CredentialsRejected):
    """The installation was suspended by its owner: nothing can be done for it until unsuspended."""


class Limit(NamedTuple):
    """A rate-limit answer: which kind, and how long GitHub asks us to wait."""

    kind: str  # "primary" or "secondary"
    wait: float


def rate_limit(status: int, headers: Mapping[str, str], data: Any) -> Limit | None:
    """The rate limit a response announces, or None when it is not one.

    A 403 is a rate limit only by its headers or message (it is also GitHub's
    "forbidden"); a 429 always is.
    """
    if status not in (403, 429):
        return None
    message = str(data.get("message", "")).lower() if isinstance(data, Mapping) else ""
    remaining = headers.get("x-ratelimit-remaining")
    primary = remaining == "0" or message.startswith(_PRIMARY_HINT)
    secondary = any(hint in message for hint in _SECONDARY_HINTS)
    retry_after = _seconds(headers.get("retry-after"))
    if status == 403 and not (primary or secondary or retry_after is not None):
        return None
    kind = "primary" if primary and not secondary else "secondary"
    if retry_after is not None:
        return Limit(kind, retry_after)
    reset = _seconds(headers.get("x-ratelimit-reset"))
    if remaining == "0" and reset is not None:
        # +1: GitHub does not say when in that second the window resets.
        return Limit(kind, max(0.0, reset - time.time()) + 1)
    return Limit(kind, SECONDARY_WAIT_SECONDS)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def is_suspension(status: int, data: Any) -> bool:
    """GitHub's 403 for an installation its owner suspended (on the token exchange)."""
    message = data.get("message", "") if isinstance(data, Mapping) else ""
    return status == 403 and "installation has been suspended" in str(message).lower()


def clock(moment: float) -> str:
    return time.strftime("%H:%M:%S UTC", time.gmtime(moment))


class Hold:
    """An installation's "do not call GitHub before" mark, shared by its deliveries."""

    def __init__(self, who: str) -> None:
        self.who = who  # "installation 42" or "the token"
        self._lock = threading.Lock()
        self._until = 0.0
        self._error: GitHubUnavailable | None = None

    def check(self) -> None:
        """Raise the remembered error while the hold lasts: no request is made."""
        with self._lock:
            error, until = self._error, self._until
        if error is None or time.time() >= until:
            return
        if isinstance(error, RateLimited):
            raise RateLimited(str(error), error.until)
        raise type(error)(str(error))  # a fresh one: concurrent deliveries raise it at once

    def rate_limited(self, limit: Limit, what: str) -> RateLimited:
        until = time.time() + limit.wait
        message = (
            f"GitHub {limit.kind} rate limit for {self.who} until {clock(until)}"
            f" (on {what}); redeliver after that"
        )
        return self._remember(RateLimited(message, until), until)

    def suspended(self, what: str) -> InstallationSuspended:
        until = time.time() + SUSPENDED_RECHECK_SECONDS
        message = (
            f"GitHub says {self.who} is suspended (on {what}): its owner must unsuspend the"
            " App (organization or user settings, GitHub Apps), then redeliver;"
            f" no request is made for it before {clock(until)}"
        )
        return self._remember(InstallationSuspended(message), until)

    def _remember(self, error: Any, until: float) -> Any:
        with self._lock:
            if until > self._until:
                self._until, self._error = until, error
        return error
