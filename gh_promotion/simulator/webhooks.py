"""GitHub's webhook sender: signed POSTs, one at a time, in the order changes happened.

Signature as documented at
https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
(`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>`).

Every attempt sent to the webhook URL is also written to the App's delivery log
(:mod:`gh_promotion.simulator.hook_log`), and an attempt can be redelivered: the
same payload and `X-GitHub-Delivery` again, as a new attempt marked `redelivery`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass, replace
from http.client import HTTPConnection, HTTPSConnection
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from gh_promotion.simulator.hook_log import HookDelivery, HookLog, new_attempt, status_words


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
    redelivery: bool = False


class _Queued(NamedTuple):
    """An event waiting to be sent; `guid` and `redelivery` are set for a redelivery."""

    event: str
    payload: dict[str, Any]
    guid: str | None = None
    redelivery: bool = False


class _Answer(NamedTuple):
    """What the receiver did with one POST: status 0 when it did not answer."""

    status: int
    headers: dict[str, str]
    body: str
    failure: str = ""


def signature(secret: str, body: bytes) -> str:
    """`X-Hub-Signature-256`: what receivers should check."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def legacy_signature(secret: str, body: bytes) -> str:
    """`X-Hub-Signature` (SHA-1), which GitHub still sends alongside for old receivers."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


class WebhookSender:
    """A background thread that POSTs queued events to the configured URL."""

    def __init__(self, timeout: float = 10.0) -> None:
        self._queue: queue.Queue[_Queued | None] = queue.Queue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._log: list[SentDelivery] = []
        self.hook_log = HookLog()
        self._url: str | None = None
        self._secret = ""
        self._timeout = timeout
        self._thread = threading.Thread(target=self._run, name="gh-sim-webhooks", daemon=True)
        self._thread.start()

    def configure(self, url: str | None, secret: str) -> None:
        with self._lock:
            self._url, self._secret = url, secret

    def enqueue(self, event: str, payload: dict[str, Any]) -> None:
        self._put(_Queued(event, payload))

    def redeliver(self, attempt: HookDelivery) -> None:
        """Send `attempt`'s payload again, with its GUID, as GitHub's redelivery does."""
        self._put(_Queued(attempt.event, attempt.request_payload, attempt.guid, True))

    def _put(self, item: _Queued) -> None:
        with self._lock:
            self._pending += 1
        self._queue.put(item)

    @property
    def deliveries(self) -> list[SentDelivery]:
        with self._lock:
            return list(self._log)

    def clear(self) -> None:
        """Forget what was sent so far, the App's delivery log included."""
        with self._lock:
            self._log.clear()
        self.hook_log.clear()

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
            try:
                record = self._deliver(item)
            except Exception:  # a broken receiver must not kill the sender
                guid = item.guid or str(uuid.uuid4())
                record = SentDelivery(
                    item.event, guid, item.payload, None, b"", None, item.redelivery
                )
            with self._idle:
                self._log.append(record)
                self._pending -= 1
                self._idle.notify_all()

    def _deliver(self, item: _Queued) -> SentDelivery:
        with self._lock:
            url, secret = self._url, self._secret
        event, payload = item.event, item.payload
        delivery_id = item.guid or str(uuid.uuid4())
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
        sent = SentDelivery(event, delivery_id, payload, None, body, headers, item.redelivery)
        if url is None:
            return sent
        started = time.time()
        answer = self._post(url, body, headers)
        self.hook_log.add(_attempt(item, sent, url, started, answer))
        return replace(sent, status=answer.status or None)

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> _Answer:
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
            text = response.read().decode("utf-8", "replace")
            return _Answer(response.status, dict(response.getheaders()), text)
        except TimeoutError:
            return _Answer(0, {}, "", "timed out")
        except OSError:
            return _Answer(0, {}, "", "failed to connect")
        finally:
            connection.close()


def _attempt(
    item: _Queued, sent: SentDelivery, url: str, started: float, answer: _Answer
) -> HookDelivery:
    """The delivery log's entry for one POST to the webhook URL."""
    action = item.payload.get("action")
    return new_attempt(
        guid=sent.delivery_id,
        delivered_at=started,
        redelivery=item.redelivery,
        duration=time.time() - started,
        status_code=answer.status,
        status=status_words(answer.status, answer.failure),
        event=item.event,
        action=action if isinstance(action, str) else None,
        installation_id=_id_of(item.payload, "installation"),
        repository_id=_id_of(item.payload, "repository"),
        url=url,
        request_headers=dict(sent.headers or {}),
        request_payload=item.payload,
        response_headers=answer.headers,
        response_body=answer.body,
    )


def _id_of(payload: dict[str, Any], key: str) -> int | None:
    """`payload[key]["id"]`: the installation or repository a delivery is about."""
    value = payload.get(key)
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None
