"""Run gh-promotion as the Lambda zip and the container image hold it: the package
without its simulator, beside its dependencies, nothing else on the path.

The test environment's own install cannot show it: an editable install's import
hook finds ``gh_promotion.simulator`` in the checkout whatever folder
``gh_promotion`` itself came from. So the interpreter runs with ``-S`` (no
``site``, hence no ``.pth`` hooks), and the dependencies' folders come after the
package's on ``PYTHONPATH``, as they sit side by side in the zip.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.runtime.helpers import REPO_ROOT, clean_env

SIMULATOR = "gh_promotion/simulator"


def copy_without_simulator(destination: Path) -> Path:
    """``gh_promotion`` from the checkout, minus its simulator, in ``destination``."""
    shutil.copytree(
        REPO_ROOT / "gh_promotion",
        destination / "gh_promotion",
        ignore=shutil.ignore_patterns("simulator", "__pycache__"),
    )
    return destination


def run_python(folder: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -S *args`` with ``folder`` first on the path, then the dependencies."""
    dependencies = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    env = clean_env(PYTHONPATH=":".join([str(folder), *dependencies]), PYTHONNOUSERSITE="1")
    return subprocess.run(
        [sys.executable, "-S", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_runs_without_simulator(folder: Path) -> None:
    """The handler, the CLI and the service import from ``folder``, which lacks the
    simulator; ``gh-promotion demo`` there is one line and exit 2, not a traceback."""
    assert not (folder / SIMULATOR).exists()
    script = (
        "import importlib.util, gh_promotion.aws_lambda, gh_promotion.cli, "
        "gh_promotion.runtime.service, gh_promotion.runtime.webapp\n"
        "assert importlib.util.find_spec('gh_promotion.simulator') is None\n"
        "print(gh_promotion.aws_lambda.__file__)"
    )
    imported = run_python(folder, "-c", script)
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).is_relative_to(folder)

    demo = run_python(folder, "-m", "gh_promotion", "demo")
    assert demo.returncode == 2, demo.stdout + demo.stderr
    assert demo.stderr.splitlines() == [
        "gh-promotion: error: the demo needs the simulator (gh_promotion.simulator), which the "
        "Lambda zip and the container image leave out; run it from a pip install of the source"
    ]
    assert demo.stdout == ""
