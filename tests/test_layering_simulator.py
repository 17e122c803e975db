"""Who may import the simulator, and what it may import (docs/simulator.md).

The simulator is a standalone strict GitHub: it imports nothing of the product,
so users can run it on its own and the Lambda zip and container image can leave
it out. The product imports it in one place, the demo (``gh-promotion demo``
alone loads that module). Helpers shared by the tests and the benchmarks live in
``testkit/``; the product imports none of the three, the benchmarks and the
testkit import nothing from ``tests/``.

Imports are read from the source with ``ast`` (including those inside
functions), so a lazy import is caught as well as a top-level one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.runtime.helpers import clean_env

ROOT = Path(__file__).resolve().parents[1]
SIMULATOR = "gh_promotion.simulator"
DEMO = "gh_promotion.runtime.demo"
NOT_PRODUCT = ("tests", "bench", "testkit")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """Every module (or module attribute) ``path`` imports, as an absolute dotted name:
    ``from a.b import c`` gives ``a.b.c``; relative imports are resolved."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def modules(root: Path, folder: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((root / folder).rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield module_name(path, root), path


def violations(root: Path) -> list[str]:
    """Every import that breaks one of the rules in this module's docstring."""
    found = []

    def check(folder: str, broken: Callable[[str, str], str | None]) -> None:
        for module, path in modules(root, folder):
            for line, name in imported_names(path, root):
                reason = broken(module, name)
                if reason:
                    found.append(f"{path.relative_to(root)}:{line}: {name} ({reason})")

    def product(module: str, name: str) -> str | None:
        if within(module, SIMULATOR):
            if within(name, "gh_promotion") and not within(name, SIMULATOR):
                return "the simulator imports nothing of the product"
        elif within(name, SIMULATOR) and module != DEMO:
            return f"only {DEMO} imports the simulator"
        if any(within(name, other) for other in NOT_PRODUCT):
            return "the product imports no test or bench code"
        return None

    def bench(module: str, name: str) -> str | None:
        return "shared helpers live in testkit/, not tests/" if within(name, "tests") else None

    def testkit(module: str, name: str) -> str | None:
        if within(name, "tests") or within(name, "bench"):
            return "the testkit imports neither tests/ nor bench/"
        return None

    check("gh_promotion", product)
    check("bench", bench)
    check("testkit", testkit)
    return found


def test_the_import_directions_hold():
    assert violations(ROOT) == []


def test_the_package_ships_the_product_alone():
    """testkit/, tests/ and bench/ sit beside gh_promotion/ but stay out of the wheel."""
    setuptools = pytest.importorskip("setuptools")
    tomllib = pytest.importorskip("tomllib")
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    packages = setuptools.find_packages(str(ROOT), include=find["find"]["include"])
    assert "gh_promotion.simulator" in packages
    assert [name for name in packages if not within(name, "gh_promotion")] == []


def test_importing_the_simulator_loads_no_product_module():
    script = (
        "import sys, gh_promotion.simulator\n"
        "print(sorted(m for m in sys.modules if m.startswith('gh_promotion.')"
        f" and not m.startswith('{SIMULATOR}')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_the_rules_see_each_wrong_direction(tmp_path):
    """The check itself can fail: each wrong import is reported, lazy or relative."""
    files = {
        "gh_promotion/__init__.py": "",
        "gh_promotion/simulator/__init__.py": "from .world import World\n",
        "gh_promotion/simulator/world.py": (
            "from gh_promotion.simulator.model import Repo\n"
            "from ..config import model\n"
            "def later():\n    from gh_promotion import log\n"
        ),
        "gh_promotion/cli.py": "def demo():\n    from gh_promotion.simulator import Simulator\n",
        "gh_promotion/runtime/__init__.py": "",
        "gh_promotion/runtime/demo.py": "from gh_promotion.simulator import Simulator\n",
        "gh_promotion/core/x.py": "from gh_promotion import simulator\nimport tests.payloads\n",
        "bench/world.py": "from tests.simulated_app import SimulatedGitHub\nimport testkit\n",
        "testkit/payloads.py": "from bench import world\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = sorted(finding.split(" (")[0] for finding in violations(tmp_path))
    assert found == [
        "bench/world.py:1: tests.simulated_app.SimulatedGitHub",
        "gh_promotion/cli.py:2: gh_promotion.simulator.Simulator",
        "gh_promotion/core/x.py:1: gh_promotion.simulator",
        "gh_promotion/core/x.py:2: tests.payloads",
        "gh_promotion/simulator/world.py:2: gh_promotion.config.model",
        "gh_promotion/simulator/world.py:4: gh_promotion.log",
        "testkit/payloads.py:1: bench.world",
    ]
