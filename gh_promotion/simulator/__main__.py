"""`python -m gh_promotion.simulator`: run a simulator in its own process until interrupted.

For benchmarks and manual poking: prints one JSON line with the API URL, a personal token
and, with `--repo`, the repository it created; everything else goes through `/_sim/...`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading

from gh_promotion.simulator.server import Simulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gh_promotion.simulator")
    parser.add_argument("--port", type=int, default=0, help="loopback port (0: a free one)")
    parser.add_argument("--repo", help="create this owner/name repository")
    parser.add_argument("--promotion-path", default="main,staging,canary,production")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Simulator(port=args.port) as sim:
        info = {"api_url": sim.api_url, "token": sim.create_personal_token("octocat")}
        if args.repo:
            path = args.promotion_path
            branches = tuple(path.split(","))[:1]
            sim.create_repository(
                args.repo, custom_properties={"gitops-promotion-path": path}, branches=branches
            )
            info["repository"] = args.repo
        print(json.dumps(info), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
