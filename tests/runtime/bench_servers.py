"""Measure WSGI servers for ``gh-promotion service``: slow clients and SIGTERM.

    python -m tests.runtime.bench_servers [--gunicorn-path DIR]

1. Slow clients: K connections send their request headers one byte every
   100 ms (a slowloris, or just a bad network) while signed pings are sent one
   after another; each ping gets 5 s. Servers: ``gh-promotion service``
   (waitress, as configured here) and, when gunicorn is importable (it is not
   a dependency: ``pip install --target DIR gunicorn`` and pass
   ``--gunicorn-path DIR``), gunicorn with 2 sync workers and with 2 gthread
   workers of 8 threads.
2. SIGTERM: a delivery that needs ~1 s of GitHub calls (the simulator with
   latency) is in flight when SIGTERM arrives. Plain ``waitress.serve`` vs
   ``gh-promotion service``: was the delivery answered, what was the exit status?

Prints a table per scenario; numbers feed docs/runtimes.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from testkit.deliveries import SECRET, signed
from testkit.payloads import example
from tests.runtime.helpers import REPO_ROOT, app_env, clean_env, http

PINGS = 40
PING_TIMEOUT = 5.0
PLAIN_WAITRESS = (
    "import os, waitress\n"
    "from gh_promotion.config.loader import load_config\n"
    "from gh_promotion.runtime.webapp import create_app\n"
    "app = create_app(load_config(environ=os.environ, dotenv_path=None))\n"
    "print('listening on http://127.0.0.1:%s/' % os.environ['BENCH_PORT'], flush=True)\n"
    "waitress.serve(app, host='127.0.0.1', port=int(os.environ['BENCH_PORT']), threads=8)\n"
)


def wsgi_app() -> Any:
    """The app factory gunicorn loads (``tests.runtime.bench_servers:wsgi_app()``)."""
    from gh_promotion.config.loader import load_config
    from gh_promotion.runtime.webapp import create_app

    return create_app(load_config(environ=os.environ, dotenv_path=None))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, command: Sequence[str], env: dict[str, str], port: int) -> None:
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            list(command), env=env, cwd="/tmp", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{name} did not start")

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return None


def servers(env: dict[str, str], gunicorn_path: str | None) -> list[tuple[str, list[str], dict]]:
    service = [sys.executable, "-m", "gh_promotion", "service", "-H", "127.0.0.1", "-p"]
    choices = [("gh-promotion service (waitress)", service, env)]
    if gunicorn_path:
        genv = env | {"PYTHONPATH": f"{gunicorn_path}:{REPO_ROOT}"}
        gunicorn = [sys.executable, "-m", "gunicorn", "--chdir", str(REPO_ROOT), "-w", "2"]
        app = "tests.runtime.bench_servers:wsgi_app()"
        choices.append(("gunicorn sync, 2 workers", [*gunicorn, app, "-b"], genv))
        threaded = [*gunicorn, "-k", "gthread", "--threads", "8", app, "-b"]
        choices.append(("gunicorn gthread, 2x8", threaded, genv))
    return choices


def dribble(port: int, stop: threading.Event) -> None:
    try:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            for byte in b"POST / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: a\r\n" * 200:
                if stop.is_set():
                    return
                sock.sendall(bytes([byte]))
                time.sleep(0.1)
    except OSError:
        return


def slow_client_run(server: Server, slow: int) -> tuple[int, list[float]]:
    stop = threading.Event()
    for _ in range(slow):
        threading.Thread(target=dribble, args=(server.port, stop), daemon=True).start()
    time.sleep(0.5)
    latencies, ok = [], 0
    try:
        for number in range(PINGS):
            headers, body = signed("ping", example("ping/payload.json"), delivery_id=f"b{number}")
            started = time.monotonic()
            try:
                status = http("POST", server.url, body, headers, timeout=PING_TIMEOUT)[0]
            except OSError:
                status = 0
            latencies.append((time.monotonic() - started) * 1000)
            ok += status == 200
    finally:
        stop.set()
    return ok, latencies


def bench_slow_clients(gunicorn_path: str | None) -> None:
    env = clean_env(
        GITHUB_AUTH_MODE="token", GITHUB_TOKEN="ghp_" + "b" * 36, GITHUB_WEBHOOK_SECRET=SECRET
    )
    print(f"\n## {PINGS} signed pings, one at a time, {PING_TIMEOUT:.0f} s timeout each\n")
    print("| server | slow clients | answered | p50 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, command, server_env in servers(env, gunicorn_path):
        for slow in (0, 2, 8):
            port = free_port()
            suffix = [str(port)] if "gh_promotion" in command else [f"127.0.0.1:{port}"]
            server = Server(name, [*command, *suffix], server_env, port)
            try:
                ok, latencies = slow_client_run(server, slow)
            finally:
                server.stop()
            p50, worst = statistics.median(latencies), max(latencies)
            print(f"| {name} | {slow} | {ok}/{PINGS} | {p50:.1f} | {worst:.0f} |")


def deliver(url: str, headers: dict[str, str], body: bytes, answer: list[Any]) -> None:
    """POST one delivery; append its status, or the name of the connection error."""
    try:
        answer.append(http("POST", url, body, headers, timeout=20)[0])
    except OSError as error:
        answer.append(type(error).__name__)


def bench_sigterm() -> None:
    from gh_promotion.simulator import Simulator

    print("\n## SIGTERM 0.3 s into a delivery that needs ~1 s of GitHub calls\n")
    print("| server | delivery answered | exit status |")
    print("| --- | --- | --- |")
    with Simulator() as sim:
        app = sim.create_app()
        sim.install_app(app, "octo")
        env = app_env(sim.api_url, app)
        service = [sys.executable, "-m", "gh_promotion", "service", "-H", "127.0.0.1", "-p"]
        plain = [sys.executable, "-c", PLAIN_WAITRESS]
        for number, (name, command) in enumerate(
            [("waitress.serve", plain), ("gh-promotion service", service)]
        ):
            repo = sim.create_repository(f"octo/sigterm-{number}", branches=("main", "staging"))
            repo.set_custom_properties({"gitops-promotion-path": "main,staging"})
            repo.push("main")
            sim.wait_for_webhooks()
            payload = [d for d in sim.deliveries if d.event == "push"][-1].payload
            port = free_port()
            args = [*command, str(port)] if command is service else command
            server = Server(name, args, env | {"BENCH_PORT": str(port)}, port)
            sim.set_latency(0.2)
            headers, body = signed("push", payload)
            answer: list[Any] = []
            thread = threading.Thread(target=deliver, args=(server.url, headers, body, answer))
            thread.start()
            time.sleep(0.3)
            status = server.stop()
            thread.join()
            sim.set_latency(0)
            print(f"| {name} | {answer[0]} | {status} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gunicorn-path", help="a directory gunicorn was pip-installed into")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    bench_slow_clients(args.gunicorn_path)
    bench_sigterm()


if __name__ == "__main__":
    main()
