"""The benchmarks still run: ``python -m bench --quick`` on its two fast sections.

The full benchmark takes minutes and is not part of the test run; this keeps
its machinery (simulator scenarios, request counting, the Lambda handler in
process, the report) from silently rotting as the product changes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.runtime.helpers import REPO_ROOT, clean_env


def test_the_quick_benchmark_writes_a_report(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "1", "6", "--output", str(report)],
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = report.read_text()
    assert "## 1. GitHub API requests per event type" in text
    assert "## 6. Per-invocation overhead of the Lambda HTTP path" in text
    assert "| push, promotion request opened | pending |" in text
