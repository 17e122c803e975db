"""A fresh clone stands on its own: nothing in the code, tests or bench reads a
path outside the checkout, and the tests pass from a copy with nothing beside it.

CI clones the repository next to other folders, so a fixture or a default that
quietly reaches outside (``../shared/…``, ``/work/…``) passes CI and fails for
every user; only these tests can show it.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED_DIRS = ("gh_promotion", "tests", "bench", "testkit")
SCANNED_FILES = ("pyproject.toml", "setup.cfg", "tox.ini", ".ci/run")
TEXT_SUFFIXES = {".sh", ".ini", ".cfg", ".toml", ".yaml", ".yml"}

# Names that only ever pointed at the data beside the checkout.
FORBIDDEN_TEXT = ("shared/octokit", "../shared", "OCTOKIT_PAYLOADS")
# Absolute paths where data, not the system, lives. `/tmp` (a working directory)
# and `/proc` (the machine's own description) are not data.
DATA_ROOTS = ("/work", "/home", "/Users", "/mnt", "/srv", "/opt", "/data", "/root", "/shared")
SYSTEM_PATHS = ("/proc/", "/sys/", "/dev/", "/tmp")
PATH_CALLS = {"Path", "PurePath", "PosixPath", "join", "open"}

# A small but representative run: the payload fixtures, the simulator, the core
# and the HTTP intake.
SUBSET = (
    "tests/simulator/test_webhooks.py",
    "tests/core/test_decide.py",
    "tests/runtime/test_intake.py",
)


def _scanned_paths(root: Path) -> Iterator[Path]:
    for folder in SCANNED_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py" or path.suffix in TEXT_SUFFIXES:
                yield path
    for name in SCANNED_FILES:
        if (root / name).is_file():
            yield root / name


def _is_data_path(text: str) -> bool:
    return any(text == r or text.startswith(r + "/") for r in DATA_ROOTS)


def _climbs(text: str) -> bool:
    return ".." in re.split(r"[/\\]", text)


def _levels_up(node: ast.AST) -> int | None:
    """How many folders above this file's own `node` points, if it is built
    from ``__file__`` (``Path(__file__).resolve().parents[2]`` → 3)."""
    if isinstance(node, ast.Name):
        return 0 if node.id == "__file__" else None
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "Path" and node.args:
            return _levels_up(node.args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr in {"resolve", "absolute"}:
            return _levels_up(node.func.value)
        return None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _levels_up(node.value)
        return None if inner is None else inner + 1
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "parents"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
    ):
        inner = _levels_up(node.value.value)
        return None if inner is None else inner + node.slice.value + 1
    return None


def _path_operands(node: ast.AST) -> list[ast.AST]:
    """The operands of a path being built: ``a / b`` and ``Path(a, b)``-like calls."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in PATH_CALLS:
            return list(node.args)
    return []


def _python_findings(path: Path, depth: int) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and _is_data_path(str(node.value)):
            yield node.lineno, f"absolute data path {node.value!r}"
        for operand in _path_operands(node):
            if not (isinstance(operand, ast.Constant) and isinstance(operand.value, str)):
                continue
            value = operand.value
            if _climbs(value):
                yield node.lineno, f"path climbing out with {value!r}"
            if value.startswith("/") and not value.startswith(SYSTEM_PATHS):
                yield node.lineno, f"absolute path {value!r}"
        levels = _levels_up(node)
        if levels is not None and levels > depth:
            yield node.lineno, f"__file__ {levels} folders up, above the checkout"


def findings(root: Path) -> list[str]:
    """Every place under `root` that names a path outside the checkout."""
    found = []
    for path in _scanned_paths(root):
        if path.resolve() == Path(__file__).resolve():
            continue  # this file spells the forbidden names out
        relative = path.relative_to(root)
        text = path.read_text()
        for word in FORBIDDEN_TEXT:
            for match in re.finditer(re.escape(word), text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{relative}:{line}: names {word!r}")
        if path.suffix == ".py":
            for line, what in _python_findings(path, len(relative.parts)):
                found.append(f"{relative}:{line}: {what}")
    return found


def test_nothing_names_a_path_outside_the_checkout():
    assert findings(ROOT) == []


def test_the_rule_sees_each_way_out(tmp_path):
    """The scan itself can fail: each way of reaching outside is reported."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "bad.py").write_text(
        "from pathlib import Path\n"
        "A = Path(__file__).resolve().parents[2] / 'shared' / 'octokit-payloads'\n"
        "B = Path('/work/shared/octokit-payloads')\n"
        "C = Path(__file__).parent / '..' / '..' / 'data'\n"
        "D = Path(__file__).parent.parent.parent\n"
        "E = Path('/srv/payloads')\n"
        "OK = (Path(__file__).parents[1], '/healthz', '/repos/o/r', 'main/../staging')\n"
    )
    lines = sorted(int(f.split(":")[1]) for f in findings(tmp_path))
    assert set(lines) == {2, 3, 4, 5, 6}


def _checkout_files() -> list[str]:
    """The files of a fresh clone: tracked ones, plus new ones not yet committed
    (but never ignored ones such as .venv)."""
    command = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    try:
        listing = subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"not a git checkout: {error}")
    return [name for name in listing.stdout.decode().split("\0") if name]


def _copy_checkout(destination: Path) -> None:
    for name in _checkout_files():
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is absent
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _clean_env(copy: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env.update(PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    return env


@pytest.mark.slow
def test_the_tests_pass_from_a_copy_with_nothing_beside_it(tmp_path):
    copy = tmp_path / "clone"  # its parent holds nothing else
    _copy_checkout(copy)
    env = _clean_env(copy)
    where = subprocess.run(
        [sys.executable, "-c", "import gh_promotion, tests, testkit; print(gh_promotion.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert Path(where.stdout.strip()).is_relative_to(copy), where.stdout + where.stderr
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUBSET],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) > 0, run.stdout[-2000:]
