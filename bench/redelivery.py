"""``python -m bench.redelivery [N]``: GitHub requests and time of one redelivery run.

N deliveries nobody answered (the simulator's webhook points at a closed
loopback port), then ``redeliver_failed`` over them, as a dry run and for real.
Not part of ``python -m bench``'s report: it prints its own lines. The machine
is shared, so the seconds are noisy; the request counts are exact.
"""

from __future__ import annotations

import socket
import sys
import time
from collections import Counter

from gh_promotion.runtime.redeliver import redeliver_failed
from gh_promotion.simulator import Simulator
from testkit.simulated_app import app_config


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/"


def kind(path: str) -> str:
    if path == "/app/hook/deliveries":
        return "GET list page"
    return "POST redeliver" if path.endswith("/attempts") else "GET one delivery"


def main(count: int) -> None:
    with Simulator() as sim:
        app = sim.create_app()
        sim.install_app(app, "octo")
        repo = sim.create_repository(
            "octo/app", {"gitops-promotion-path": "main,staging"}, ("main", "staging")
        )
        sim.set_webhook(closed_port())
        for number in range(count):
            repo.push("main", message=f"change {number}")
        sim.wait_for_webhooks(timeout=300)
        sim.set_webhook(None)
        config = app_config(sim, app)
        for dry_run in (True, False):
            sim.clear_requests()
            started = time.perf_counter()
            results = redeliver_failed(config, (), dry_run=dry_run)
            seconds = time.perf_counter() - started
            requests = Counter(kind(r.path) for r in sim.requests)
            print(
                f"dry_run={dry_run}: {len(results)} deliveries, {sum(requests.values())}"
                f" requests {dict(requests)}, {seconds:.2f} s"
            )
        sim.wait_for_webhooks(timeout=300)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 250)
