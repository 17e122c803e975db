"""Fixtures: one simulator per test module, a fresh repository per test, PyGithub clients."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from github import Auth, Github

from gh_promotion.simulator import SimRepository, Simulator

_names = itertools.count(1)


def client(sim: Simulator, auth: Auth.Auth | None) -> Github:
    """PyGithub without its client-side throttling (it sleeps between writes by default)."""
    return Github(
        base_url=sim.api_url,
        auth=auth,
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=0,
    )


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def token(sim: Simulator) -> str:
    return sim.create_personal_token("octocat")


@pytest.fixture(scope="module")
def gh(sim: Simulator, token: str) -> Github:
    return client(sim, Auth.Token(token))


@pytest.fixture
def repo(sim: Simulator) -> SimRepository:
    """A new repository `octo/app-N` with main and staging at the same 3-commit history."""
    return sim.create_repository(
        f"octo/app-{next(_names)}",
        custom_properties={"gitops-promotion-path": "main,staging"},
        branches=("main", "staging"),
    )


def api(sim: Simulator, token: str | None, method: str, path: str, **kwargs) -> requests.Response:
    """A raw call, for endpoints or headers PyGithub does not expose."""
    headers = {"Authorization": f"token {token}"} if token else {}
    headers.update(kwargs.pop("headers", {}))
    session = requests.Session()
    session.trust_env = False
    return session.request(method, sim.api_url + path, headers=headers, timeout=10, **kwargs)


class Receiver:
    """A real loopback HTTP server recording webhook deliveries (headers and raw body)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                received.append((dict(self.headers), self.rfile.read(length)))
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"
        self.thread = threading.Thread(
            target=lambda: self.server.serve_forever(poll_interval=0.05), daemon=True
        )
        self.thread.start()

    def payloads(self) -> list[tuple[str, dict]]:
        return [(h["X-GitHub-Event"], json.loads(b)) for h, b in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.close()
