"""The README's Quickstart must be the commands CI really runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _test_command_in_readme() -> str:
    lines = (ROOT / "README.md").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Test command"))
    fence = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    return lines[fence + 1].strip()


def test_ci_runs_the_readme_test_command_verbatim():
    command = _test_command_in_readme()
    assert "pytest" in command
    ci_lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert command in ci_lines
