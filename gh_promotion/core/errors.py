"""Errors that cross the boundary between the core and the runtimes.

A runtime maps them to HTTP statuses (or exit codes) and nothing else: a
:class:`BadDelivery` is the sender's fault (4xx, retrying will not help), a
:class:`GitHubUnavailable` is GitHub's (5xx, so GitHub marks the delivery failed
and it can be redelivered).
"""

from __future__ import annotations


class BadDelivery(Exception):
    """The delivery cannot be handled as sent: malformed or missing fields."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class UnsupportedEvent(BadDelivery):
    """An event name GitHub never sends (documented but unused events are skipped)."""

    def __init__(self, event: str) -> None:
        super().__init__(f"unknown event type: {event}", status=400)
        self.event = event


class GitHubUnavailable(Exception):
    """GitHub kept failing (5xx, rate limits, timeouts) after our retries."""


class CredentialsRejected(GitHubUnavailable):
    """GitHub is up but refuses our credentials even after a fresh token.

    Not GitHub's fault and not the sender's: the App id, its private key, the
    installation or the token must be fixed before a redelivery can succeed.
    A :class:`GitHubUnavailable` so the core treats it as any failed request
    (nothing changed, or a partial rollback reported); runtimes answer it with
    its own status and message instead of "GitHub unavailable".
    """
