"""CLI and logging tests: an empty working directory each, and logging put back.

The empty directory keeps a stray ``.env``/``config.yaml`` out; restoring the
root logger keeps one test's :func:`gh_promotion.log.configure` out of the next.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No option's environment variable from the outside; os.environ put back after.

    Put back in full because the CLI exports `.env` values into the process
    environment (so boto3 sees them too).
    """
    from gh_promotion.config.options import OPTIONS

    saved = dict(os.environ)
    for option in OPTIONS:
        if option.env:
            monkeypatch.delenv(option.env, raising=False)
    yield
    os.environ.clear()
    os.environ.update(saved)
