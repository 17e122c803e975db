"""Fresh Python processes, timed from spawn to exit.

Peak memory is not taken from ``wait4``/``getrusage(RUSAGE_CHILDREN)``: on Linux a
child's ``ru_maxrss`` keeps the high-water mark of the address space it was
forked from (measured here: 44 MiB for ``python -c "import json, hmac"`` forked
from the benchmark process). The probes read their own ``VmHWM`` instead, which
``exec`` resets.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass(frozen=True)
class Run:
    started: float  # time.monotonic() just before the spawn (system-wide clock)
    wall: float  # seconds from spawn to exit
    returncode: int
    stdout: str
    stderr: str


def run_python(args: Sequence[str], env: Mapping[str, str], cwd: Path, stdin: bytes = b"") -> Run:
    """Run ``python ARGS`` and time it; output is captured through files, not pipes,
    so reading it never delays the child."""
    out_path, err_path = cwd / "stdout.txt", cwd / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [PYTHON, *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=dict(env),
            cwd=cwd,
        )
        process.wait()
        wall = time.monotonic() - started
    return Run(
        started,
        wall,
        process.returncode,
        out_path.read_text(errors="replace"),
        err_path.read_text(errors="replace"),
    )


def base_env(**extra: str) -> dict[str, str]:
    """This environment minus anything that configures gh-promotion or AWS."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "AWS_", "GH_PROMOTION", "PROMOTION_", "PYTHON"))
    }
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra)
    return env


@dataclass(frozen=True)
class ImportTime:
    name: str
    depth: int  # 0: imported by the script itself
    self_seconds: float
    cumulative_seconds: float


def import_times(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[ImportTime]:
    """Every import of a run with its own and cumulative time (``python -X importtime``)."""
    run = run_python(["-X", "importtime", *args], env, cwd)
    entries = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        entries.append(ImportTime(name.strip(), depth, int(own) / 1e6, int(cumulative) / 1e6))
    return entries
