"""`gh-promotion demo` end to end, as a newcomer runs it."""

import json
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from gh_promotion.config.options import OPTIONS
from gh_promotion.intake import sign
from tests.runtime.helpers import clean_env, http
from tests.runtime.packaged import assert_runs_without_simulator, copy_without_simulator


def test_demo_moves_the_pushed_commit_all_the_way_to_production():
    run = subprocess.run(
        [sys.executable, "-m", "gh_promotion", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    pushed = next(line for line in lines if line.startswith("pushed ")).split()[1]
    branches = {
        parts[0]: parts[1]
        for parts in (line.split() for line in lines)
        if len(parts) == 2 and parts[0] in ("main", "staging", "canary", "production")
    }
    assert branches == dict.fromkeys(("main", "staging", "canary", "production"), pushed)
    merged = [line for line in lines if line.startswith("#") and line.endswith("merged")]
    assert len(merged) == 3
    assert f"production holds {pushed}" in run.stdout
    assert "Traceback" not in run.stderr


class Demo:
    """`gh-promotion demo` in a subprocess whose temporary directory is its own."""

    def __init__(self, tmpdir: Path, *args: str) -> None:
        tmpdir.mkdir()
        self.tmpdir = tmpdir
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.stderr_path = tmpdir.parent / "demo.stderr"
        with self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gh_promotion", "demo", *args],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env=clean_env(TMPDIR=str(tmpdir)),
            )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = 60) -> str:
        """The first stdout line from now on that starts with `prefix`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.seen)
                continue
            self.seen.append(line)
            if line.strip().startswith(prefix):
                return line.strip()
        raise AssertionError(f"no line starting {prefix!r} in:\n" + "\n".join(self.seen))

    def terminate(self) -> tuple[int, str]:
        """SIGTERM, then the exit status and stderr; `seen` gets the rest of stdout."""
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=30)
        self.reader.join(timeout=10)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return status, self.stderr_path.read_text()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_demo_help_lists_only_what_the_demo_uses():
    done = subprocess.run(
        [sys.executable, "-m", "gh_promotion", "demo", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "--keep" in done.stdout
    assert "--verbose" in done.stdout
    unused = [o.flag for o in OPTIONS if o.flag and o.flag != "verbose"]
    assert "github-auth-mode" in unused and "promotion-events" in unused
    assert [flag for flag in unused if f"--{flag}" in done.stdout] == []
    assert "--config" not in done.stdout


def _curl(command: str) -> tuple[str, dict[str, str], bytes]:
    """URL, headers and body of the printed curl command."""
    words = shlex.split(command)
    assert words[0] == "curl"
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    body = words[words.index("--data-binary") + 1].encode()
    return words[-1], headers, body


def _sign_with(command: str, body: bytes) -> str:
    """Runs the printed signing command (with this interpreter) on `body`."""
    words = shlex.split(command.removesuffix(" < body.json"))
    assert words[0] == "python3"
    done = subprocess.run(
        [sys.executable, *words[1:]], input=body, capture_output=True, timeout=30, check=True
    )
    return done.stdout.decode().strip()


def test_demo_keep_prints_a_signed_delivery_that_works_and_sigterm_cleans_up(tmp_path):
    demo = Demo(tmp_path / "tmp", "--keep")
    try:
        repositories = demo.wait_for("repositories (git):").split(": ", 1)[1]
        secret = demo.wait_for("webhook secret:").split(": ", 1)[1]
        demo.wait_for("a signed ping, by hand:")
        url, headers, body = _curl(demo.wait_for("curl "))
        demo.wait_for("the signature of any other body")
        signing = demo.wait_for("python3 ")

        assert Path(repositories).parent == tmp_path / "tmp"
        assert headers["X-Hub-Signature-256"] == sign(body, secret)
        status, result, _ = http("POST", url, body, headers)
        assert (status, result["status"]) == (200, "pong")

        other = json.dumps({"zen": "by hand", "hook_id": 2}).encode()
        signature = _sign_with(signing, other)
        assert signature == sign(other, secret)
        headers.update({"X-Hub-Signature-256": signature, "X-GitHub-Delivery": "by-hand-2"})
        assert http("POST", url, other, headers)[0] == 200
        assert http("POST", url, other + b" ", headers)[0] == 401  # the signature is checked

        status, stderr = demo.terminate()
    finally:
        demo.kill()
    assert status == 0, stderr
    assert demo.seen[-1] == "stopped"
    assert "Traceback" not in stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_demo_interrupted_by_sigterm_removes_its_repositories(tmp_path):
    demo = Demo(tmp_path / "tmp")
    try:
        demo.wait_for("pushed ")
        status, stderr = demo.terminate()
    finally:
        demo.kill()
    # Interrupted (130, as Ctrl-C) or, on a fast machine, already finished (0).
    assert status in (0, 130), stderr
    assert "Traceback" not in stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_without_the_simulator_the_demo_is_one_line_and_exit_2(tmp_path):
    """As in the Lambda zip and the container image, which leave the simulator out."""
    assert_runs_without_simulator(copy_without_simulator(tmp_path))
