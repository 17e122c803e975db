"""A moto server on loopback for tests that need AWS (SSM, S3).

One server per test session, on a free port. boto3 reaches it through
``AWS_ENDPOINT_URL`` with dummy credentials and a region, set in this process's
environment for the session and handed to subprocesses through :attr:`env`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class MotoServer:
    endpoint_url: str

    @property
    def env(self) -> dict[str, str]:
        """The variables that point boto3 at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_REGION": "eu-west-1",
        }

    def client(self, service: str) -> object:
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint_url, region_name="eu-west-1")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    running = MotoServer(f"http://{host}:{port}")
    saved = {key: os.environ.get(key) for key in running.env}
    os.environ.update(running.env)
    try:
        yield running
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.stop()
