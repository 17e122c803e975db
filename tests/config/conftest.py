"""Every config test runs in its own empty working directory.

So a stray ``.env`` or ``config.yaml`` in the checkout can never leak in, and
tests that write those files cannot disturb each other.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path
