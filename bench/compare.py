"""``python -m bench.compare REV [REV ...]``: skipped-delivery throughput of this checkout
against earlier commits, measured side by side.

Section 3 compares the service with a bare Flask ceiling in one run; figures
from runs made at different times on a shared machine are not comparable
(the same commit measured an hour apart moves by a third). This runs the
service of each commit (``git archive`` into a temporary directory), this
checkout's, and the ceiling, in alternating rounds against the same simulator
and load, and prints one line per round and a summary of the best round of each.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import throughput
from bench.deliveries import SECRET
from bench.processes import REPO_ROOT, base_env
from bench.serving import Server, bare_flask, service
from bench.stats import ms, percentile
from bench.world import GitHub


def archive(revision: str, into: Path) -> Path:
    """The tree of ``revision`` unpacked in ``into``: a service to run from PYTHONPATH."""
    tree = into / revision
    tree.mkdir()
    packed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", revision], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=packed.stdout, check=True)
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("revisions", nargs="*", help="earlier commits to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    github = GitHub.start()
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        work = Path(tmp)
        app_env = github.app_env()
        servers: dict[str, Server] = {"ceiling (bare Flask)": bare_flask(base_env(), work)}
        secret = ["--github-webhook-secret", SECRET]
        servers["this checkout"] = service(secret, base_env(**app_env), work)
        for revision in args.revisions:
            tree = archive(revision, work)
            env = base_env(**app_env, PYTHONPATH=str(tree))
            servers[revision] = service(secret, env, work)
        try:
            best = run_rounds(github, servers, args.rounds, args.seconds)
        finally:
            for server in servers.values():
                server.stop()
    ceiling = best["ceiling (bare Flask)"][0]
    print("best round of each:")
    for name, (rate, p99) in best.items():
        print(f"  {name:24} {rate:6.0f}/s  {rate / ceiling:4.0%} of the ceiling  p99 {p99}")
    return 0


def run_rounds(
    github: GitHub, servers: dict[str, Server], rounds: int, seconds: float
) -> dict[str, tuple[float, str]]:
    requests = throughput.skipped_requests(github)
    best: dict[str, tuple[float, str]] = {}
    for round_number in range(1, rounds + 1):
        for name, server in servers.items():
            load = throughput.generate(name, server.url, requests, seconds, server)
            p99 = ms(percentile(load.latencies, 0.99))
            print(f"round {round_number}: {name:24} {load.rate:6.0f}/s  p99 {p99}", flush=True)
            if load.rate > best.get(name, (0.0, ""))[0]:
                best[name] = (load.rate, p99)
    return best


if __name__ == "__main__":
    sys.exit(main())
