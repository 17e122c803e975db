"""`gh-promotion demo` end to end, as a newcomer runs it."""

import subprocess
import sys


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
