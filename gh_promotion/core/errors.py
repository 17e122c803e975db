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
