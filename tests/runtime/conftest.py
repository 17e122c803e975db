"""Fixtures for the runtime tests."""

from tests.moto_server import moto_server

__all__ = ["moto_server"]
