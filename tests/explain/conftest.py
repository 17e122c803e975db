"""The core tests' simulated GitHub with gh-promotion installed, and helpers for a
promotion request waiting on a target with rules."""

from __future__ import annotations

from tests.core.conftest import GitHub, github, new_repo  # noqa: F401  (fixtures)
