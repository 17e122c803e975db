"""The reads of the sweep and ``explain``: a repository's facts, as few requests as they take.

Every list is paginated (100 a page) and nothing walks commit history. The
order of :meth:`SnapshotReader.signals` is chosen so that one read covers
several kinds (GitHub Actions workflow runs appear as check runs, the
combined status holds the latest status per context) and so that the reads
most likely to settle a step come first: the caller's ``enough`` stops them
as soon as the step is decided.

Per open promotion request, at most: check runs, combined status, reviews,
deployments and the latest status of the newest one — 5 reads.

Every read is conditional: the process remembers each answer's ``ETag``
(:class:`Remembered`, bounded) and sends it back as ``If-None-Match``; GitHub
answers 304 when nothing changed, which costs no rate limit. A sweep that
runs every few minutes in one process (the service, a warm Lambda) spends
its rate limit only on what changed.
"""

from __future__ import annotations

import calendar
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from gh_promotion.core.ports import Comparison, Merge, PullRequestInfo, Signal
from gh_promotion.gateway.github import link, pull_request_info

PER_PAGE = 100
MERGES_PER_PAGE = 30  # the latest merged requests into a stage: the head's is among them
ACTIONS_APP_SLUG = "github-actions"


def timestamp(value: Any) -> float | None:
    """GitHub's ``2026-12-03T11:42:31Z`` as epoch seconds; None when absent."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


class RateLimit:
    """The rate limit as GitHub's last answer told it (``x-ratelimit-*``)."""

    def __init__(self) -> None:
        self.remaining: int | None = None
        self.limit: int | None = None

    def note(self, headers: dict[str, str]) -> None:
        try:
            remaining = int(headers["x-ratelimit-remaining"])
            limit = int(headers["x-ratelimit-limit"])
        except (KeyError, ValueError):
            return
        self.remaining, self.limit = remaining, limit

    def percent_left(self) -> float | None:
        if self.remaining is None or not self.limit:
            return None
        return 100.0 * self.remaining / self.limit


class Remembered:
    """The last answer to each GET, by its ETag: what a 304 stands for. Bounded (LRU)."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple, tuple[str, dict[str, str], Any]] = OrderedDict()

    def get(self, key: tuple) -> tuple[str, dict[str, str], Any] | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def put(self, key: tuple, etag: str, headers: dict[str, str], data: Any) -> None:
        with self._lock:
            self._answers[key] = (etag, headers, data)
            self._answers.move_to_end(key)
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)


REMEMBERED = Remembered()


class SnapshotReader:
    """Reads one repository through one requester (its credentials and time budget)."""

    def __init__(
        self, requester: Any, owner: str, name: str, rate: RateLimit, scope: str = ""
    ) -> None:
        self._requester = requester
        self._scope = scope  # the API root the URLs are under (answers are remembered by URL)
        self.owner, self.name = owner, name
        self.rate = rate
        self._base = f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"

    # -- the repository ------------------------------------------------------------

    def repository(self) -> dict[str, Any]:
        """``GET /repos/{o}/{r}``: the object carries ``custom_properties``."""
        return self._get(self._base)[1]

    def branches(self) -> dict[str, str]:
        branches: dict[str, str] = {}
        for page in self._pages(f"{self._base}/branches", {"per_page": PER_PAGE}):
            branches.update((b["name"], b["commit"]["sha"]) for b in page)
        return branches

    def open_pulls(self) -> tuple[PullRequestInfo, ...]:
        params = {"state": "open", "per_page": PER_PAGE}
        pulls: list[PullRequestInfo] = []
        for page in self._pages(f"{self._base}/pulls", params):
            pulls.extend(pull_request_info(p) for p in page)
        return tuple(pulls)

    def compare(self, base: str, head: str) -> Comparison:
        """By sha, so the answer is about the commits the sweep saw."""
        _, data = self._get(f"{self._base}/compare/{quote(base)}...{quote(head)}")
        return Comparison(data["status"], data.get("ahead_by", 0), data.get("behind_by", 0))

    def merges_into(self, branch: str) -> tuple[Merge, ...]:
        """The latest merged pull requests into ``branch`` (one page, newest first)."""
        params = {
            "state": "closed",
            "base": branch,
            "sort": "updated",
            "direction": "desc",
            "per_page": MERGES_PER_PAGE,
        }
        _, data = self._get(f"{self._base}/pulls", params)
        return tuple(
            Merge(p["number"], p["head"]["ref"], p["base"]["ref"], p["head"]["sha"], merged)
            for p in data
            if (merged := timestamp(p.get("merged_at"))) is not None
        )

    # -- the signals on a head -------------------------------------------------------

    def signals(
        self, number: int, sha: str, enough: Callable[[tuple[Signal, ...]], bool]
    ) -> tuple[Signal, ...]:
        """Every signal on ``sha`` (promotion request ``number``), until ``enough`` says stop."""
        seen: tuple[Signal, ...] = ()
        for read in (
            lambda: self._check_runs(sha),
            lambda: self._statuses(sha),
            lambda: self._reviews(number),
            lambda: self._deployments(sha),
        ):
            seen += tuple(read())
            if enough(seen):
                break
        return seen

    def _check_runs(self, sha: str) -> Iterator[Signal]:
        url = f"{self._base}/commits/{sha}/check-runs"
        for page in self._pages(url, {"per_page": PER_PAGE}):
            for run in page.get("check_runs", []):
                app = run.get("app") or {}
                kind = "workflow_run" if app.get("slug") == ACTIONS_APP_SLUG else "check"
                yield Signal(
                    kind,
                    run["name"],
                    _check_state(run.get("status"), run.get("conclusion")),
                    run.get("head_sha") or sha,
                    timestamp(run.get("completed_at")) or timestamp(run.get("started_at")),
                    app.get("id"),
                    ((run.get("output") or {}).get("title") or ""),
                )

    def _statuses(self, sha: str) -> Iterator[Signal]:
        """The combined status: the latest status of each context."""
        url = f"{self._base}/commits/{sha}/status"
        for page in self._pages(url, {"per_page": PER_PAGE}):
            for status in page.get("statuses", []):
                yield Signal(
                    "status",
                    status["context"],
                    _status_state(status.get("state")),
                    sha,
                    timestamp(status.get("updated_at")) or timestamp(status.get("created_at")),
                    None,
                    status.get("description") or "",
                )

    def _reviews(self, number: int) -> Iterator[Signal]:
        """The latest review of each reviewer that approved or asked for changes."""
        latest: dict[str, dict[str, Any]] = {}
        for page in self._pages(f"{self._base}/pulls/{number}/reviews", {"per_page": PER_PAGE}):
            for review in page:
                if review.get("state") in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
                    latest[(review.get("user") or {}).get("login", "")] = review  # oldest first
        for login, review in latest.items():
            state = "success" if review["state"] == "APPROVED" else "failure"
            yield Signal(
                "review",
                login,
                state,
                review.get("commit_id") or "",
                timestamp(review.get("submitted_at")),
            )

    def _deployments(self, sha: str) -> Iterator[Signal]:
        """The newest deployment of ``sha`` and its latest status (two reads at most)."""
        _, deployments = self._get(f"{self._base}/deployments", {"sha": sha, "per_page": 1})
        if not deployments:
            return
        newest = deployments[0]
        url = f"{self._base}/deployments/{newest['id']}/statuses"
        _, statuses = self._get(url, {"per_page": 1})
        if statuses:
            status = statuses[0]
            yield Signal(
                "deployment",
                newest.get("environment") or "",
                _deployment_state(status.get("state")),
                sha,
                timestamp(status.get("created_at")),
            )

    # -- plumbing --------------------------------------------------------------------

    def _get(self, url: str, params: dict[str, Any] | None = None) -> tuple[dict[str, str], Any]:
        """A conditional GET: a 304 (no data) stands for the answer remembered with its ETag."""
        key = (self._scope, url, tuple(sorted((params or {}).items())))
        known = REMEMBERED.get(key)
        etag = known[0] if known else ""
        headers, data = self._requester.request("GET", url, params=params, if_none_match=etag)
        self.rate.note(headers)
        if known is not None and data is None:
            return known[1], known[2]
        if headers.get("etag"):
            REMEMBERED.put(key, headers["etag"], headers, data)
        return headers, data

    def _pages(self, url: str, params: dict[str, Any]) -> Iterator[Any]:
        headers, data = self._get(url, params)
        yield data
        while (following := link(headers, "next")) is not None:
            headers, data = self._get(following)
            yield data


def _check_state(status: Any, conclusion: Any) -> str:
    if status != "completed":
        return "pending"
    return "success" if conclusion == "success" else "failure"


def _status_state(state: Any) -> str:
    return state if state in ("success", "pending") else "failure"


def _deployment_state(state: Any) -> str:
    if state == "success":
        return "success"
    return "pending" if state in ("pending", "queued", "in_progress") else "failure"
