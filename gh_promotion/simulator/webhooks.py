"""GitHub's webhook sender: signed POSTs, one at a time, in the order changes happened.

Signature as documented at
https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
(`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import uuid
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPSConnection
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SentDelivery:
    """One delivery as the sender recorded it.

    `status` is the receiver's HTTP status, None when no webhook is configured or it did not
    answer.
    """

    event: str
    delivery_id: str
    payload: dict[str, Any]
    status: int | None
    body: bytes = b""
    headers: dict[str, str] | None = None


def signature(secret: str, body: bytes) -> str:
    """`X-Hub-Signature-256`: what receivers should check."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def legacy_signature(secret: str, body: bytes) -> str:
    """`X-Hub-Signature` (SHA-1), which GitHub still sends alongside for old receivers."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


class WebhookSender:
    """A background thread that POSTs queued events to the configured URL."""

    def __init__(self, timeout: float = 10.0) -> None:
        self._queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._log: list[SentDelivery] = []
        self._url: str | None = None
        self._secret = ""
        self._timeout = timeout
        self._thread = threading.Thread(target=self._run, name="gh-sim-webhooks", daemon=True)
        self._thread.start()

    def configure(self, url: str | None, secret: str) -> None:
        with self._lock:
            self._url, self._secret = url, secret

    def enqueue(self, event: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self._pending += 1
        self._queue.put((event, payload))

    @property
    def deliveries(self) -> list[SentDelivery]:
        with self._lock:
            return list(self._log)

    def clear(self) -> None:
        with self._lock:
            self._log.clear()

    def wait(self, timeout: float) -> bool:
        """Block until every queued event was delivered; False when `timeout` ran out."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            event, payload = item
            try:
                record = self._deliver(event, payload)
            except Exception:  # a broken receiver must not kill the sender
                record = SentDelivery(event, str(uuid.uuid4()), payload, None)
            with self._idle:
                self._log.append(record)
                self._pending -= 1
                self._idle.notify_all()

    def _deliver(self, event: str, payload: dict[str, Any]) -> SentDelivery:
        with self._lock:
            url, secret = self._url, self._secret
        delivery_id = str(uuid.uuid4())
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/sim",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery_id,
            "X-GitHub-Hook-ID": "1",
        }
        if secret:  # GitHub signs only when the webhook has a secret
            headers["X-Hub-Signature"] = legacy_signature(secret, body)
            headers["X-Hub-Signature-256"] = signature(secret, body)
        if url is None:
            return SentDelivery(event, delivery_id, payload, None, body, headers)
        return SentDelivery(
            event, delivery_id, payload, self._post(url, body, headers), body, headers
        )

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int | None:
        """POST with http.client, which keeps header names exactly as GitHub spells them."""
        target = urlsplit(url)
        factory = HTTPSConnection if target.scheme == "https" else HTTPConnection
        connection = factory(target.netloc, timeout=self._timeout)
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return None
        finally:
            connection.close()
