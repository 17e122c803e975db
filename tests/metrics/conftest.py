"""The runtime tests' fixtures: a simulated GitHub with the App installed, one per module."""

from tests.runtime.conftest import app, sim

__all__ = ["app", "sim"]
