"""A small Lambda Runtime API, enough for awslambdaric to run invocations against.

Follows https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html:
``GET /2018-06-01/runtime/invocation/next`` hands out the next event (with the
``Lambda-Runtime-*`` headers), ``POST .../invocation/{id}/response`` and
``.../{id}/error`` report the outcome, ``POST .../init/error`` a failed start.
TCP_NODELAY is set on every connection: without it the runtime client's small
writes wait for delayed ACKs, ~40 ms per invoke.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/2018-06-01/runtime"


@dataclass(frozen=True)
class Outcome:
    request_id: str
    kind: str  # "response" or "error"
    body: Any


class FakeRuntimeApi:
    """Queue events with :meth:`invoke`; read what the function answered in :attr:`outcomes`."""

    def __init__(self) -> None:
        self._events: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self._outcomes: queue.Queue[Outcome] = queue.Queue()
        self.init_errors: list[Any] = []
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        """``host:port``, the value of ``AWS_LAMBDA_RUNTIME_API``."""
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> FakeRuntimeApi:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def invoke(self, request_id: str, event: Any) -> None:
        self._events.put((request_id, json.dumps(event).encode()))

    def outcome(self, timeout: float = 20) -> Outcome:
        return self._outcomes.get(timeout=timeout)

    def _next_event(self) -> tuple[str, bytes] | None:
        while not self._closing.is_set():
            try:
                return self._events.get(timeout=0.1)
            except queue.Empty:
                continue
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                if self.path != f"{PREFIX}/invocation/next":
                    return self._answer(404, b'{"errorMessage": "not found"}')
                item = api._next_event()
                if item is None:
                    return self._answer(500, b'{"errorMessage": "shutting down"}')
                request_id, body = item
                deadline = int((time.time() + 30) * 1000)
                self._answer(
                    200,
                    body,
                    {
                        "Lambda-Runtime-Aws-Request-Id": request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline),
                        "Lambda-Runtime-Invoked-Function-Arn": (
                            "arn:aws:lambda:eu-west-1:123456789012:function:gh-promotion"
                        ),
                        "Lambda-Runtime-Trace-Id": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700",
                    },
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                parts = self.path[len(PREFIX) :].strip("/").split("/")
                if parts == ["init", "error"]:
                    api.init_errors.append(body)
                elif len(parts) == 3 and parts[0] == "invocation":
                    api._outcomes.put(Outcome(parts[1], parts[2], body))
                else:
                    return self._answer(404, b'{"errorMessage": "not found"}')
                self._answer(202, b'{"status": "OK"}')

            def _answer(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler
