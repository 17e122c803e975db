"""``gh-promotion report lead-time OWNER/REPO``: the requests it takes, and the output.

Reads closed pull requests newest-updated first (a request's ``updated_at``
is never before its merge), 100 a page, and stops at the first page that
reaches past ``--since`` or after :data:`MOST_PAGES` pages: the cost is
bounded by the window, never by the repository's age. With App auth one more
request finds the repository's installation. The report goes to stdout (text,
or JSON with ``--json``); logs and errors go to stderr.
"""

from __future__ import annotations

import json
import re
import sys
import time
from typing import Any

from gh_promotion.config.model import Config
from gh_promotion.metrics.lead_time import (
    lead_times,
    parse_since,
    path_order,
    promotions_from,
    render_text,
)

REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
PER_PAGE = 100
MOST_PAGES = 20  # 2,000 closed pull requests in the window at most
BUDGET_SECONDS = 60.0
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def report_lead_time(config: Config, repository: str, since_text: str, as_json: bool) -> int:
    if not REPOSITORY.match(repository):
        return _fail(f"{repository!r} is not OWNER/REPO", EXIT_BAD_INPUT)
    try:
        window = parse_since(since_text)
    except ValueError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    from gh_promotion.core.errors import GitHubRefusal
    from gh_promotion.errors import PromotionError
    from gh_promotion.gateway.reader import UnknownRepository

    since = time.time() - window
    try:
        pulls, requests, truncated = closed_pulls(config, repository, since)
    except PromotionError as exc:
        return _fail(exc.answer(), EXIT_BAD_INPUT if exc.status < 500 else EXIT_FAILED)
    except GitHubRefusal as refusal:  # not found, no access: one line, no traceback
        return _fail(f"GitHub refused reading {repository}'s pull requests: {refusal.message}")
    except UnknownRepository as unknown:  # the App's installation lookup found none
        return _fail(f"GitHub refused reading {repository}'s pull requests: {unknown}")
    promotions = promotions_from(pulls, since)
    stages = lead_times(promotions)
    order = path_order(promotions)
    if as_json:
        report = {
            "repository": repository,
            "since": since_text,
            "first_stage": order[0] if order else None,
            "promotions": len(promotions),
            "github_requests": requests,
            "truncated": truncated,
            "stages": [stage.to_dict() for stage in stages],
        }
        print(json.dumps(report))
    else:
        sys.stdout.write(render_text(repository, since_text, stages, order[0] if order else ""))
        if truncated:
            print(f"(only the {MOST_PAGES * PER_PAGE} most recently updated pull requests read)")
    return EXIT_OK


def closed_pulls(
    config: Config, repository: str, since: float
) -> tuple[list[dict[str, Any]], int, bool]:
    """Closed pull requests updated since ``since``, the requests made, whether it stopped short."""

    from gh_promotion.gateway.tally import counting_requests

    with counting_requests() as requests:
        pulls, truncated = _read(config, repository, since)
    return pulls, requests(), truncated


def _read(config: Config, repository: str, since: float) -> tuple[list[dict[str, Any]], bool]:
    from gh_promotion.gateway.reader import repository_requester
    from gh_promotion.metrics.deliveries import parse_time

    owner, name = repository.split("/")
    requester = repository_requester(config, owner, name, BUDGET_SECONDS)
    url: str | None = f"/repos/{owner}/{name}/pulls"
    params: dict[str, Any] | None = {
        "state": "closed",
        "sort": "updated",
        "direction": "desc",
        "per_page": PER_PAGE,
    }
    pulls: list[dict[str, Any]] = []
    for _ in range(MOST_PAGES):
        assert url is not None
        headers, page = requester.request("GET", url, params=params)
        pulls.extend(page)
        oldest = parse_time(page[-1].get("updated_at")) if page else None
        url, params = _next(headers), None
        if url is None or oldest is None or oldest < since:
            return pulls, False
    return pulls, True


def _next(headers: dict[str, Any]) -> str | None:
    from gh_promotion.gateway.github import link

    return link(headers, "next")


def _fail(message: str, status: int = EXIT_FAILED) -> int:
    print(f"gh-promotion: {' '.join(message.split())}", file=sys.stderr)
    return status
