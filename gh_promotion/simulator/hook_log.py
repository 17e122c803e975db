"""The App's webhook delivery log, as GitHub keeps it: one entry per attempt.

GitHub records every delivery sent to a GitHub App's webhook URL and serves the
log to the App (JWT only) at ``GET /app/hook/deliveries``; a redelivery
(``POST /app/hook/deliveries/{id}/attempts``) is a new attempt with a new id,
the same ``guid`` (``X-GitHub-Delivery``) and ``redelivery: true``. Shapes as
documented at https://docs.github.com/en/rest/apps/webhooks ("hook-delivery-item"
in the list, "hook-delivery" with ``url``, ``request`` and ``response`` for one).

``status_code`` is 0 when the receiver did not answer (refused, timed out);
``status`` is GitHub's words for the outcome ("OK", "Invalid HTTP Response: 502",
"timed out", "failed to connect").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

from gh_promotion.simulator.model import iso, next_id


@dataclass(frozen=True)
class HookDelivery:
    """One attempt to deliver one event to the App's webhook URL."""

    id: int
    guid: str
    delivered_at: float  # epoch seconds
    redelivery: bool
    duration: float  # seconds
    status_code: int  # 0: no answer
    status: str
    event: str
    action: str | None
    installation_id: int | None
    repository_id: int | None
    url: str
    request_headers: dict[str, str]
    request_payload: dict[str, Any]
    response_headers: dict[str, str]
    response_body: str

    @property
    def failed(self) -> bool:
        """GitHub's "failure" filter: no answer, or a status outside 200-399."""
        return not 200 <= self.status_code < 400


def status_words(status_code: int, failure: str = "") -> str:
    """What GitHub's delivery log says of an attempt's outcome."""
    if status_code == 0:
        return failure or "failed to connect"
    if 200 <= status_code < 300:
        return "OK"
    return f"Invalid HTTP Response: {status_code}"


def new_attempt(**fields: Any) -> HookDelivery:
    """A logged attempt with a fresh id (process-wide, increasing, like GitHub's)."""
    return HookDelivery(id=next_id(), **fields)


class HookLog:
    """Every attempt, kept in the order made; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._attempts: list[HookDelivery] = []

    def add(self, attempt: HookDelivery) -> None:
        with self._lock:
            self._attempts.append(attempt)

    def newest_first(self) -> list[HookDelivery]:
        with self._lock:
            return sorted(self._attempts, key=lambda a: -a.id)

    def get(self, delivery_id: int) -> HookDelivery | None:
        with self._lock:
            return next((a for a in self._attempts if a.id == delivery_id), None)

    def age(self, seconds: float) -> None:
        """Move every attempt so far ``seconds`` into the past (tests of the look-back window)."""
        with self._lock:
            self._attempts = [
                replace(a, delivered_at=a.delivered_at - seconds) for a in self._attempts
            ]

    def clear(self) -> None:
        with self._lock:
            self._attempts.clear()


def item_json(attempt: HookDelivery) -> dict[str, Any]:
    """A "hook-delivery-item", as the list shows it."""
    return {
        "id": attempt.id,
        "guid": attempt.guid,
        "delivered_at": iso(attempt.delivered_at),
        "redelivery": attempt.redelivery,
        "duration": round(attempt.duration, 2),
        "status": attempt.status,
        "status_code": attempt.status_code,
        "event": attempt.event,
        "action": attempt.action,
        "installation_id": attempt.installation_id,
        "repository_id": attempt.repository_id,
    }


def delivery_json(attempt: HookDelivery) -> dict[str, Any]:
    """A "hook-delivery": the item, the URL, and what was sent and answered."""
    return {
        **item_json(attempt),
        "url": attempt.url,
        "request": {"headers": attempt.request_headers, "payload": attempt.request_payload},
        "response": {"headers": attempt.response_headers, "payload": attempt.response_body},
    }
