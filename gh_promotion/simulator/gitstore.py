"""A bare git repository driven through plumbing: the simulator's source of truth for commits.

Commits, trees and ancestry are real git objects so that "is this a fast forward?" and
"how far ahead is it?" are answered by git itself, not by a model that could agree with
whatever the code under test expects. Commit facts are immutable, so they are cached:
a request costs at most a couple of subprocesses.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_FORMAT = "%H%x00%T%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x1e"
_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


class GitError(RuntimeError):
    """A git command failed; carries git's own stderr so the cause is visible."""


@dataclass(frozen=True)
class CommitInfo:
    """What GitHub shows about a commit, read once from git and never changed."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_time: int
    committer_name: str
    committer_email: str
    committer_time: int
    message: str


@dataclass(frozen=True)
class Person:
    """An author or committer identity written into commits."""

    name: str = "Sim User"
    email: str = "sim@users.noreply.github.com"


class GitStore:
    """One bare repository plus caches of the immutable facts read from it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._info: dict[str, CommitInfo] = {}
        self._known: set[str] = set()
        self._ancestry: dict[tuple[str, str], bool] = {}
        self._counts: dict[tuple[str, str], tuple[int, int]] = {}
        self._clock = int(time.time()) - 86_400
        self._run("init", "--quiet", "--bare", str(path), cwd=path.parent)

    def _run(self, *args: str, stdin: str | None = None, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd or self.path,
            input=stdin,
            capture_output=True,
            encoding="utf-8",
            env=_ENV,
            check=False,
        )
        if done.returncode != 0:
            raise GitError(f"git {' '.join(args[:3])} failed: {done.stderr.strip()}")
        return done.stdout

    def _tick(self) -> int:
        """Strictly increasing commit times keep `git log` order identical to push order.

        They start a day back so that thousands of bulk commits still end in the past.
        """
        self._clock = max(self._clock + 1, int(time.time()) - 86_400)
        return self._clock

    def commit(self, parent: str | None, message: str, files: dict[str, str], who: Person) -> str:
        """Write one commit on top of `parent` that adds or replaces `files`."""
        return self.commit_many(parent, [(message, files)], who)[-1]

    def commit_many(
        self, parent: str | None, changes: list[tuple[str, dict[str, str]]], who: Person
    ) -> list[str]:
        """Write a chain of commits with one `git fast-import` (thousands per second)."""
        if not changes:
            return []
        stream: list[str] = []
        for index, (message, files) in enumerate(changes, start=1):
            stream.append(self._fast_import_commit(index, message, files, who, parent, index == 1))
        with tempfile.NamedTemporaryFile("r", suffix=".marks", delete=False) as marks:
            marks_path = marks.name
        try:
            self._run(
                "fast-import",
                "--quiet",
                "--force",
                f"--export-marks={marks_path}",
                stdin="".join(stream),
            )
            shas = _read_marks(Path(marks_path), len(changes))
        finally:
            os.unlink(marks_path)
        self._remember_chain(parent, shas)
        return shas

    def _fast_import_commit(
        self,
        mark: int,
        message: str,
        files: dict[str, str],
        who: Person,
        parent: str | None,
        first: bool,
    ) -> str:
        data = message.encode()
        when = self._tick()
        lines = [
            "commit refs/sim/import",
            f"mark :{mark}",
            f"author {who.name} <{who.email}> {when} +0000",
            f"committer {who.name} <{who.email}> {when} +0000",
            f"data {len(data)}",
            message,
        ]
        if first and parent:
            lines.append(f"from {parent}")
        elif first:
            lines.append("deleteall")
        for name, content in files.items():
            body = content.encode()
            lines += [f"M 100644 inline {name}", f"data {len(body)}", content]
        return "\n".join(lines) + "\n\n"

    def _remember_chain(self, parent: str | None, shas: list[str]) -> None:
        """Cache what we just wrote (trees are read lazily, when a commit is shown)."""
        self._known.update(shas)
        for older, newer in zip([parent, *shas], shas, strict=False):
            if older is not None:
                self._ancestry[(older, newer)] = True

    def info(self, sha: str) -> CommitInfo:
        """The commit's metadata, from the cache or one `git log`."""
        if sha not in self._info:
            self._load(["--no-walk", sha])
        return self._info[sha]

    def log(self, head: str, skip: int, limit: int) -> list[CommitInfo]:
        """A page of history from `head`, newest first, like GitHub's commit list."""
        out = self._load([f"--skip={skip}", f"--max-count={limit}", head])
        return [self._info[sha] for sha in out]

    def range_commits(self, base: str, head: str) -> list[CommitInfo]:
        """Commits reachable from head but not from base, oldest first (compare/PR order)."""
        out = self._load(["--reverse", f"{base}..{head}"])
        return [self._info[sha] for sha in out]

    def _load(self, args: list[str]) -> list[str]:
        text = self._run("log", f"--format={_FORMAT}", *args, "--")
        shas = []
        for record in text.split("\x1e"):
            record = record.lstrip("\n")
            if not record:
                continue
            info = _parse(record)
            self._info[info.sha] = info
            self._known.add(info.sha)
            shas.append(info.sha)
        return shas

    def resolve(self, name: str) -> str | None:
        """A full commit sha for a sha or sha prefix, or None when git has no such commit."""
        if len(name) == 40 and (name in self._known or name in self._info):
            return name
        if not name or any(c not in "0123456789abcdef" for c in name.lower()):
            return None
        try:
            return self._run("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}").strip()
        except GitError:
            return None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when `ancestor` is reachable from `descendant` (or equal): a fast forward."""
        if ancestor == descendant:
            return True
        key = (ancestor, descendant)
        if key not in self._ancestry:
            done = subprocess.run(
                ["git", "merge-base", "--is-ancestor", ancestor, descendant],
                cwd=self.path,
                env=_ENV,
                capture_output=True,
                check=False,
            )
            self._ancestry[key] = done.returncode == 0
        return self._ancestry[key]

    def ahead_behind(self, base: str, head: str) -> tuple[int, int]:
        """(commits only in head, commits only in base): GitHub's ahead_by and behind_by."""
        key = (base, head)
        if key not in self._counts:
            left, right = self._run(
                "rev-list", "--left-right", "--count", f"{base}...{head}"
            ).split()
            self._counts[key] = (int(right), int(left))
        return self._counts[key]

    def count(self, head: str) -> int:
        """Number of commits reachable from head (for the `rel="last"` page of a commit list)."""
        key = ("", head)
        if key not in self._counts:
            self._counts[key] = (int(self._run("rev-list", "--count", head).strip()), 0)
        return self._counts[key][0]

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor, or None for unrelated histories."""
        try:
            return self._run("merge-base", a, b).strip() or None
        except GitError:
            return None

    def update_ref(self, branch: str, sha: str | None) -> None:
        """Mirror a branch into the bare repo so `git clone` of it shows GitHub's state."""
        if sha is None:
            self._run("update-ref", "-d", f"refs/heads/{branch}")
        else:
            self._run("update-ref", f"refs/heads/{branch}", sha)


def _read_marks(path: Path, expected: int) -> list[str]:
    marks: dict[int, str] = {}
    for line in path.read_text().splitlines():
        mark, sha = line.split()
        marks[int(mark[1:])] = sha
    return [marks[i] for i in range(1, expected + 1)]


def _parse(record: str) -> CommitInfo:
    sha, tree, parents, an, ae, at, cn, ce, ct, body = record.split("\x00", 9)
    return CommitInfo(
        sha=sha,
        tree=tree,
        parents=tuple(parents.split()),
        author_name=an,
        author_email=ae,
        author_time=int(at),
        committer_name=cn,
        committer_email=ce,
        committer_time=int(ct),
        message=body.rstrip("\n"),
    )
