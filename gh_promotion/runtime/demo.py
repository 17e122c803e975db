"""``gh-promotion demo``: watch a commit travel main → staging → canary → production.

Everything runs here, offline: the simulator plays GitHub (a repository backed
by real git, webhooks signed like GitHub's), the real webhook service runs on
a free loopback port as a GitHub App, and this module plays a developer (one
push to main) and CI (a green ``ci`` status on the head of every promotion
pull request). Exit status 0 only when production holds the pushed commit.

The simulated repositories live in a ``gh-sim-*`` folder of the temporary
directory (``$TMPDIR``), removed on exit, on Ctrl-C and on SIGTERM alike.

This is the one product module that imports :mod:`gh_promotion.simulator`, and
only ``gh-promotion demo`` imports this module: the simulator is a standalone
GitHub that imports nothing of the product, so the Lambda zip and the container
image leave it out; there ``gh-promotion demo`` says so and exits 2.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import secrets
import shlex
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from gh_promotion import log
from gh_promotion.config.model import Config, GitHubConfig, Secret, ServiceConfig
from gh_promotion.gateway.credentials import configured_secrets
from gh_promotion.runtime.service import GracefulServer, build_server
from gh_promotion.runtime.webapp import create_app
from gh_promotion.simulator import SimApp, SimRepository, Simulator

OWNER, REPO = "demo", "app"
STAGES = ("main", "staging", "canary", "production")
TIME_LIMIT_SECONDS = 15.0
POLL_SECONDS = 0.02
CI_CONTEXT = "ci"


def run_demo(keep: bool = False, verbosity: int = 0, out: TextIO | None = None) -> int:
    """Run the demo; 0 when production ends up holding the pushed commit."""
    with _sigterm_as_ctrl_c():
        return _run(keep, verbosity, out or sys.stdout)


@contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so every `with` below removes what it made
    (Python's default for SIGTERM is to die on the spot, leaving the repositories)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _run(keep: bool, verbosity: int, out: TextIO) -> int:
    started = time.monotonic()
    show = Progress(out)
    with Simulator() as sim:
        app = sim.create_app(slug="gh-promotion")
        sim.install_app(app, OWNER)
        properties = {"gitops-promotion-path": ",".join(STAGES)}
        repo = sim.create_repository(f"{OWNER}/{REPO}", properties, branches=("main",), history=1)
        secret = secrets.token_hex(16)
        with _service(sim, app, secret, verbosity) as service_url:
            sim.set_webhook(service_url, secret)
            show.line(f"GitHub (simulated) {sim.api_url}  ·  gh-promotion service {service_url}")
            head = repo.push("main", message="A change to promote", files={"app.txt": "v2\n"})
            show.line(f"pushed {head[:7]} to main; playing CI: a green '{CI_CONTEXT}' status")
            arrived = _play_ci(repo, head, show)
            sim.wait_for_webhooks(timeout=5)
            for row in summary(repo, head):
                show.line(row)
            verdict = "holds" if arrived else "does NOT hold"
            elapsed = time.monotonic() - started
            show.line(f"\nproduction {verdict} {head[:7]} after {elapsed:.1f} s")
            if keep:
                _keep_running(sim, service_url, secret, repo, show)
    return 0 if arrived else 1


@contextmanager
def _service(sim: Simulator, app: SimApp, secret: str, verbosity: int) -> Iterator[str]:
    """The real webhook service on a free loopback port, in a thread of this process."""
    config = Config()._replace(
        github=GitHubConfig(
            auth_mode="app",
            api_url=sim.api_url,
            webhook_secret=Secret(secret),
            app_id=str(app.app_id),
            private_key=Secret(app.private_key_pem),
        ),
        service=ServiceConfig(addr="127.0.0.1", port=0, path="/webhook"),
    )
    # The config's secrets, as every runtime redacts them (the simulator's key is inline).
    log.configure(verbosity=verbosity, stream=sys.stderr, secrets=configured_secrets(config.github))
    server = build_server(create_app(config), config)
    # The demo's own lines tell the story; the service's access and delivery lines would bury them.
    if verbosity == 0:
        for name in ("gh_promotion.access", "gh_promotion.delivery"):
            logging.getLogger(name).setLevel(logging.WARNING)
    loop = GracefulServer(server, grace_seconds=2)
    thread = threading.Thread(target=loop.run, name="demo-service", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/webhook"
    finally:
        loop.request_stop()
        thread.join(timeout=5)


def _play_ci(repo: SimRepository, head: str, show: Progress) -> bool:
    """Mark each promotion request's head green until production holds ``head``."""
    deadline = time.monotonic() + TIME_LIMIT_SECONDS
    greened: set[int] = set()
    step_started = time.monotonic()
    for source, target in itertools.pairwise(STAGES):
        show.live(f"  {source} → {target}: waiting for the promotion request")
        while repo.branch_sha(target) != head:
            if time.monotonic() > deadline:
                show.done(f"  {source} → {target}: ✗ timed out")
                return False
            for pull in repo.pull_requests(state="open"):
                if pull["head"]["sha"] == head and pull["number"] not in greened:
                    greened.add(pull["number"])
                    show.live(f"  {source} → {target}: #{pull['number']} opened, CI green")
                    repo.set_status(head, state="success", context=CI_CONTEXT)
            time.sleep(POLL_SECONDS)
        took = time.monotonic() - step_started
        show.done(f"  {source} → {target}: ✓ fast-forwarded to {head[:7]} ({took:.2f} s)")
        step_started = time.monotonic()
    return True


def summary(repo: SimRepository, head: str) -> list[str]:
    """Branches, pull requests and the feedback written on the pushed commit."""
    rows = ["", "branch        sha", "------------  -------"]
    rows += [f"{stage:<12}  {(repo.branch_sha(stage) or '-')[:7]}" for stage in STAGES]
    rows += ["", "pull request                   state"]
    for pull in sorted(repo.pull_requests(state="all"), key=lambda p: p["number"]):
        arrow = f"#{pull['number']} {pull['head']['ref']} → {pull['base']['ref']}"
        state = "merged" if pull.get("merged_at") else pull["state"]
        rows.append(f"{arrow:<30} {state}")
    rows += ["", f"on {head[:7]}: check runs"]
    for run in repo.check_runs(head):
        rows.append(f"  {run['name']:<22} {run['conclusion']:<8} {run['output']['title']}")
    return rows


def _keep_running(
    sim: Simulator, service_url: str, secret: str, repo: SimRepository, show: Progress
) -> None:
    show.line(
        "\nStill running (Ctrl-C or SIGTERM stops it and removes the repositories). Try:\n"
        f"  curl -s {sim.api_url}/_sim/requests | head\n"
        f"  curl -s -H 'Authorization: token {sim.create_personal_token()}' "
        f"'{sim.api_url}/repos/{repo.full_name}/pulls?state=all'\n"
        f"  repositories (git): {sim.world.root}\n"
        f"  webhook endpoint: {service_url}\n"
        f"  webhook secret: {secret}\n"
        "a signed ping, by hand:\n"
        f"  {signed_ping_command(service_url, secret)}\n"
        "the signature of any other body (file body.json):\n"
        f"  {signing_command(secret)} < body.json"
    )
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        show.line("stopped")


def signed_ping_command(url: str, secret: str) -> str:
    """A curl command that delivers a ping signed as GitHub signs it."""
    body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}, separators=(",", ":"))
    signature = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    words = ["curl", "-s", "--noproxy", "*", "-H", "Content-Type: application/json"]
    words += ["-H", "X-GitHub-Event: ping", "-H", "X-GitHub-Delivery: by-hand-1"]
    words += ["-H", f"X-Hub-Signature-256: sha256={signature}", "--data-binary", body, url]
    return shlex.join(words)


def signing_command(secret: str) -> str:
    """A command printing the X-Hub-Signature-256 value of the body on its stdin."""
    script = (
        'import hashlib, hmac, sys; print("sha256=" + hmac.new('
        f"{json.dumps(secret)}.encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())"
    )
    return shlex.join(["python3", "-c", script])


class Progress:
    """A live line per stage on a terminal; plain lines elsewhere (CI logs, pipes)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._tty = out.isatty()

    def line(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()

    def live(self, text: str) -> None:
        if self._tty:
            self._out.write("\r\033[K" + text)
            self._out.flush()

    def done(self, text: str) -> None:
        if self._tty:
            self._out.write("\r\033[K")
        self.line(text)
