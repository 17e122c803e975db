"""A moto server on loopback for tests that need AWS (SSM, S3).

One server per test session, on a free port. boto3 reaches it through
``AWS_ENDPOINT_URL`` with dummy credentials and a region: set in this process's
environment only for the test that asks for ``moto_server`` (so no other test
is pointed at it by accident), and handed to subprocesses through :attr:`env`.
"""

from __future__ import annotations

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
def moto_server_process() -> Iterator[MotoServer]:
    """The session's server; use :func:`moto_server`, which also points boto3 at it."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield MotoServer(f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture
def moto_server(
    moto_server_process: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MotoServer]:
    """The moto server, with this process's boto3 pointed at it for one test."""
    from gh_promotion.aws.reports import forget_cached_client
    from gh_promotion.aws.ssm import forget_cached_credentials

    for key, value in moto_server_process.env.items():
        monkeypatch.setenv(key, value)
    forget_cached_client()
    forget_cached_credentials()
    yield moto_server_process
    forget_cached_client()
    forget_cached_credentials()
