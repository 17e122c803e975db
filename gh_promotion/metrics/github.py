"""GitHub requests as metrics: a bounded route template per request, the rate limit left.

The gateway reports each answer to :mod:`gh_promotion.gateway.tally`; this is
the listener :func:`gh_promotion.metrics.record.install` registers there. The
path is never a label: owners, repositories, branches, numbers and shas become
placeholders (``/repos/{owner}/{repo}/git/refs/{ref}``), so the number of
series is fixed by the routes gh-promotion calls, not by what it calls them on.
"""

from __future__ import annotations

from collections.abc import Mapping

from gh_promotion.metrics import record
from gh_promotion.metrics.catalog import GITHUB_REQUESTS, RATE_LIMIT_REMAINING, Sample

# A literal segment, and what the segment after it stands for ("" when it is literal too).
# "*": the placeholder takes the rest of the path (refs and compare bases contain "/").
_AFTER = {
    "repos": "",
    "git": "",
    "refs": "{ref}*",
    "pulls": "{number}",
    "reviews": "{review_id}",
    "compare": "{basehead}*",
    "commits": "{ref}",
    "check-runs": "{check_run_id}",
    "check-suites": "{check_suite_id}",
    "statuses": "{sha}",
    "status": "",
    "branches": "{branch}",
    "protection": "",
    "actions": "",
    "runs": "{run_id}",
    "workflows": "{workflow_id}",
    "deployments": "{deployment_id}",
    "issues": "{number}",
    "comments": "{comment_id}",
    "installation": "",
    "installations": "{installation_id}",
    "access_tokens": "",
    "repositories": "",
    "properties": "",
    "values": "",
    "app": "",
    "hook": "",
    "deliveries": "{delivery_id}",
    "attempts": "",
    "rate_limit": "",
    "merge": "",
    "requested_reviewers": "",
}
OTHER = "{other}"


def endpoint_template(path: str) -> str:
    """``/repos/o/r/git/refs/heads/main`` → ``/repos/{owner}/{repo}/git/refs/{ref}``."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if parts[:1] == ["repos"]:
        if len(parts) < 3:
            return f"/repos/{OTHER}"
        out, rest = ["repos", "{owner}", "{repo}"], parts[3:]
    else:
        out, rest = [], parts
    expected = ""
    for part in rest:
        if expected:
            out.append(expected.rstrip("*"))
            if expected.endswith("*"):
                break
            expected = ""
        elif part in _AFTER:
            out.append(part)
            expected = _AFTER[part]
        else:
            out.append(OTHER)
    return "/" + "/".join(out)


def on_response(
    method: str, path: str, code: int | str, headers: Mapping[str, str], installation: str
) -> None:
    """One answer from GitHub (or none: ``code`` is the exception's name)."""
    answer = str(code) if isinstance(code, int) else "no_answer"
    samples = [Sample(GITHUB_REQUESTS, (method, endpoint_template(path), answer))]
    remaining = headers.get("x-ratelimit-remaining")
    if remaining is not None and remaining.isdigit():
        samples.append(Sample(RATE_LIMIT_REMAINING, (installation,), float(remaining)))
    record.emit(samples)
