"""GitHub's 4xx answers, read for their meaning.

The core branches on refusals by meaning ("the pull request already exists",
"not a fast forward", "protected branch"), defined with its other errors in
:mod:`gh_promotion.core.errors`; :func:`classify` is the one place that reads
GitHub's statuses and messages to pick one.
See https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gh_promotion.core.errors import (
    BranchMissing,
    BranchProtected,
    GitHubRefusal,
    NoCommitsBetween,
    NotFastForward,
    NotFound,
    PullRequestExists,
    ReferenceExists,
    RulesViolated,
)

GH013 = "repository rule violations found"


def error_messages(data: Any) -> list[str]:
    """Every human message in a GitHub error body: ``message`` and ``errors[].message``."""
    if not isinstance(data, Mapping):
        return [str(data)] if data else []
    messages = [str(data["message"])] if data.get("message") else []
    for error in data.get("errors") or ():
        if isinstance(error, Mapping):
            if error.get("message"):
                messages.append(str(error["message"]))
            elif error.get("field"):
                messages.append(f"{error.get('field')} {error.get('code', 'invalid')}")
        elif error:
            messages.append(str(error))
    return messages


_PROTECTION_HINTS = ("protected branch", "required status check", "approving review", "review")


def classify(status: int, data: Any) -> GitHubRefusal:
    """The refusal a 4xx answer means."""
    messages = error_messages(data)
    text = "; ".join(m for m in messages if m != "Validation Failed") or "; ".join(messages)
    lowered = text.lower()
    if status == 404:
        return NotFound(text or "Not Found", status)
    if GH013 in lowered:
        return RulesViolated(_violated_rules(messages), status)
    if "a pull request already exists" in lowered:
        return PullRequestExists(text, status)
    if "no commits between" in lowered:
        return NoCommitsBetween(text, status)
    if "reference already exists" in lowered:
        return ReferenceExists(text, status)
    if "not a fast forward" in lowered:
        return NotFastForward(text, status)
    if any(hint in lowered for hint in _PROTECTION_HINTS):
        return BranchProtected(text, status)
    if _names_invalid_branch(data):
        return BranchMissing(text, status)
    return GitHubRefusal(text or f"GitHub answered {status}", status)


def _violated_rules(messages: list[str]) -> tuple[str, ...]:
    """GitHub's lines after "Repository rule violations found", one per violated rule
    (in ``message`` separated by blank lines, or as ``errors[]``)."""
    lines = [line.strip() for m in messages for line in m.splitlines()]
    return tuple(
        dict.fromkeys(line for line in lines if line and not line.lower().startswith(GH013))
    )


def _names_invalid_branch(data: Any) -> bool:
    if not isinstance(data, Mapping):
        return False
    for error in data.get("errors") or ():
        if isinstance(error, Mapping) and error.get("field") in ("base", "head"):
            return True
    return False
