"""Shared by the runtime tests: plain HTTP, a clean environment, a service process.

Everything talks real HTTP over loopback with the standard library, so what
the tests see is what GitHub's sender would see.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gh_promotion.config.loader import load_config
from gh_promotion.config.model import Config
from gh_promotion.config.options import OPTIONS

REPO_ROOT = Path(__file__).resolve().parents[2]


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 15,
) -> tuple[int, dict[str, Any], Mapping[str, str]]:
    """Status, decoded JSON body (``{}`` if not JSON) and headers, for any status."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _json(response.read()), response.headers
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read()), error.headers


def _json(raw: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(raw)
    except ValueError:
        return {}
    return decoded if isinstance(decoded, dict) else {"value": decoded}


def clean_env(**extra: str) -> dict[str, str]:
    """The parent environment minus anything that would configure gh-promotion."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "AWS_", "GH_PROMOTION")) and key not in CONFIG_VARIABLES
    }
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra)
    return env


def app_env(api_url: str, app: Any, **extra: str) -> dict[str, str]:
    """:func:`clean_env` for `gh-promotion service` as a simulator App on ``api_url``."""
    from testkit.deliveries import SECRET

    return clean_env(
        GITHUB_AUTH_MODE="app",
        GITHUB_APP_ID=str(app.app_id),
        GITHUB_APP_PRIVATE_KEY=app.private_key_pem,
        GITHUB_WEBHOOK_SECRET=SECRET,
        GITHUB_API_URL=api_url,
        **extra,
    )


CONFIG_VARIABLES = frozenset(option.env for option in OPTIONS if option.env)


def config_from_env(**environ: str) -> Config:
    """A config resolved the way the Lambda handler resolves it: from environment variables."""
    return load_config(environ=environ, config_path="/nonexistent/config.yaml", dotenv_path=None)


class ServiceProcess:
    """``gh-promotion service`` in a subprocess on 127.0.0.1 and a free port."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        command = [sys.executable, "-m", "gh_promotion", "service", "-H", "127.0.0.1", "-p", "0"]
        self.process = subprocess.Popen(
            [*command, *args],
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._listening = threading.Event()
        self.base_url = ""
        threading.Thread(
            target=self._read, args=(self.process.stdout, self.stdout), daemon=True
        ).start()
        threading.Thread(
            target=self._read, args=(self.process.stderr, self.stderr), daemon=True
        ).start()

    def _read(self, stream: Any, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)
            if "listening on http://" in line:
                self.base_url = line.split("listening on ", 1)[1].strip()
                self._listening.set()

    def wait_listening(self, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"service did not start: {''.join(self.stderr)}")
        return self.base_url

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT`` without the webhook path."""
        scheme, rest = self.base_url.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log_records(self) -> list[dict[str, Any]]:
        """The JSON log lines the service wrote (the CLI logs to stdout)."""
        records = []
        for line in self.stdout:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        return records
