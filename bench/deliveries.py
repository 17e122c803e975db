"""Signed deliveries over HTTP, as GitHub's sender makes them."""

from __future__ import annotations

import base64
import http.client
import json
import time
from typing import Any
from urllib.parse import urlsplit

from testkit.deliveries import signed as signed_as_github

SECRET = "bench webhook secret"


def signed(event: str, payload: dict[str, Any], secret: str = SECRET) -> tuple[dict, bytes]:
    """Headers and body as GitHub's sender makes them, signed with the bench's secret."""
    return signed_as_github(event, payload, secret=secret)


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
