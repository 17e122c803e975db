"""Signed deliveries over HTTP, as GitHub's sender makes them."""

from __future__ import annotations

import base64
import http.client
import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from gh_promotion.intake import sign

SECRET = "bench webhook secret"


def signed(
    event: str, payload: dict[str, Any], secret: str = SECRET
) -> tuple[dict[str, str], bytes]:
    body = json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/bench",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "1",
        "X-Hub-Signature-256": sign(body, secret),
    }
    return headers, body


def load_request(event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """One request in :mod:`bench.loadgen`'s spec format."""
    headers, body = signed(event, payload)
    return {"headers": headers, "body": base64.b64encode(body).decode()}


class Client:
    """One keep-alive connection that times each delivery from request to full answer."""

    def __init__(self, url: str) -> None:
        target = urlsplit(url)
        self.path = target.path or "/"
        self.connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)

    def deliver(self, event: str, payload: dict[str, Any]) -> tuple[float, int, dict[str, Any]]:
        headers, body = signed(event, payload)
        started = time.perf_counter()
        self.connection.request("POST", self.path, body=body, headers=headers)
        response = self.connection.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - started
        return elapsed, response.status, json.loads(raw or b"{}")

    def close(self) -> None:
        self.connection.close()
