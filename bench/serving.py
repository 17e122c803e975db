"""Servers the benchmarks measure, each in its own process on 127.0.0.1 and a free port.

- ``gh-promotion service`` as users run it;
- the ceiling: a bare Flask app that answers 200, under the very same waitress
  server the service builds (``gh_promotion.runtime.service.build_server``).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench.processes import REPO_ROOT

LISTENING = "listening on http://"


class Server:
    """A server process; ``url`` once it says where it listens."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, *args],
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.url = ""
        self.output: list[str] = []
        self._ready = threading.Event()
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()
        deadline = time.monotonic() + 30
        while not self._ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + "".join(self.output[-40:]))

    def _read(self, stream) -> None:
        for line in stream:
            if len(self.output) < 100_000:
                self.output.append(line)
            if LISTENING in line and not self._ready.is_set():
                self.url = "http://" + line.split(LISTENING, 1)[1].strip()
                self._ready.set()

    def peak_rss_kib(self) -> int:
        """``VmHWM``: the most resident memory the process has used so far."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def service(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> Server:
    command = ["-m", "gh_promotion", "service", "-H", "127.0.0.1", "-p", "0", *args]
    return Server(command, env, cwd)


def bare_flask(env: Mapping[str, str], cwd: Path) -> Server:
    return Server(["-m", "bench.bare_app"], env, cwd)


__all__ = ["REPO_ROOT", "Server", "bare_flask", "service"]
