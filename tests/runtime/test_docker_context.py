""".dockerignore: the build context holds what the Dockerfile copies and nothing
else (no .venv, .git, secrets), and the package without its simulator. Docker
itself is not needed: its matching rules are applied here, and the build stage's
`pip install .` is run on the context."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from tests.runtime.packaged import SIMULATOR, assert_runs_without_simulator

ROOT = Path(__file__).resolve().parents[2]
NEVER_SENT = (
    ".venv/bin/python",
    ".venv/lib/python3.12/site-packages/flask/app.py",
    ".git/HEAD",
    ".env",
    "config.yaml",
    "app.pem",
    "tests/test_demo.py",
    "testkit/payloads.py",
    "testkit/octokit/LICENSE",
    "deploy/.build/gh_promotion/cli.py",
    "gh_promotion/__pycache__/cli.cpython-312.pyc",
    ".pytest_cache/v/cache/nodeids",
    "gh_promotion/simulator/__init__.py",
    "gh_promotion/simulator/server.py",
)


def _regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker compiles it (moby/patternmatcher)."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def _rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        cleaned = str(PurePosixPath(line.lstrip("!").strip())).lstrip("/")
        rules.append((keep, _regex(cleaned)))
    return rules


def excluded(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent
    folders decides; `!` lets it back in."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    verdict = False
    for keep, regex in _rules():
        if regex.match(path) or any(regex.match(parent) for parent in candidates[:-1]):
            verdict = not keep
    return verdict


def copy_sources() -> list[str]:
    """The context paths the Dockerfile's COPY instructions read (not `--from` ones)."""
    sources = []
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        words = shlex.split(line) if line.startswith("COPY ") else []
        if not words or any(w.startswith("--from") for w in words):
            continue
        sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


def _context_files(source: str) -> list[str]:
    path = ROOT / source
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return [p.relative_to(ROOT).as_posix() for p in files if "__pycache__" not in p.parts]


def test_the_dockerfile_copies_the_package_and_its_build_files():
    assert set(copy_sources()) == {"pyproject.toml", "setup.cfg", "README.md", "gh_promotion"}


def test_every_file_the_dockerfile_copies_is_sent_but_the_simulator():
    wanted = [name for source in copy_sources() for name in _context_files(source)]
    assert "gh_promotion/cli.py" in wanted
    assert "gh_promotion/runtime/demo.py" in wanted
    simulator = [name for name in wanted if name.startswith(SIMULATOR + "/")]
    assert simulator and all(excluded(name) for name in simulator)
    assert [name for name in wanted if excluded(name) and name not in simulator] == []


@pytest.mark.parametrize("path", NEVER_SENT)
def test_local_state_and_secrets_are_not_sent(path):
    assert excluded(path)


def test_the_build_stage_installs_from_the_context(tmp_path):
    """`pip install .` as the build stage runs it, on only the files sent."""
    source = tmp_path / "src"
    for name in (n for s in copy_sources() for n in _context_files(s) if not excluded(n)):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    built = subprocess.run(
        [*pip, "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "No matching distribution found for setuptools" in built.stderr:
        pytest.skip("the build backend (setuptools) cannot be installed: no package index")
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("gh_promotion-*.whl")
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    assert (installed / "gh_promotion" / "cli.py").is_file()
    assert_runs_without_simulator(installed)


def test_the_matcher_follows_dockers_rules():
    """The matcher above can say no: a file outside the allowed list is excluded,
    one inside is not, and a later rule overrides an earlier one."""
    assert excluded("bench/latency.py")
    assert not excluded("gh_promotion/core/decide.py")
    assert excluded("gh_promotion/core/__pycache__/decide.cpython-312.pyc")
    assert _regex("**/__pycache__").match("a/b/__pycache__")
    assert not _regex("*.py").match("a/b.py")
