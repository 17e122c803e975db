"""Fixtures for the runtime tests."""

from tests.moto_server import moto_server, moto_server_process

__all__ = ["moto_server", "moto_server_process"]
