"""What a promotion request still waits for, from what GitHub says (pure: no I/O).

One answer for every place that explains a step: the pending and blocked feedback
on the commit, the ``promotion.enforceRequiredChecks`` hold, and ``gh-promotion
explain``. It combines the target branch's requirements — required status checks
from branch protection and rulesets, required approvals — with the state of the
promotion request's head (its checks, approvals, draft flag) into a list of
:class:`Missing` items and one short line, ``waiting for: check "ci", 1 approval``,
that fits a commit status description (140 characters).

The readers of GitHub's documents (:func:`requirements_from_branch`,
:func:`requirements_from_rules`, :func:`requirements_from_protection`) live here
too, so the gateway only fetches and the meaning of a rule is decided in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from gh_promotion.core.ports import BranchRules, CheckRunInfo, ReviewInfo, StatusInfo

WAITING_LIMIT = 120  # leaves room for the icon and progress in a 140-character description
PASSING = ("success", "neutral", "skipped")  # GitHub's passing conclusions for a required check

REQUIRED_CHECK = "required_check"
APPROVALS = "approvals"
DRAFT = "draft"
NOT_FAST_FORWARD = "not_fast_forward"
SIGNAL = "signal"


class Requirements(NamedTuple):
    """What the target branch asks of a commit before it may move there."""

    checks: tuple[str, ...] = ()  # required status check contexts, in order of first mention
    approvals: int = 0  # required approving reviews

    def __or__(self, other: Requirements) -> Requirements:
        """Both sets of requirements: every check of either, the larger approval count."""
        checks = tuple(dict.fromkeys(self.checks + other.checks))
        return Requirements(checks, max(self.approvals, other.approvals))


class Head(NamedTuple):
    """What GitHub says about a promotion request's head commit."""

    checks: Mapping[str, str]  # status context or check run name → "success"/"pending"/"failure"
    approvals: int = 0  # distinct reviewers whose latest review approves this commit
    draft: bool = False
    signal: bool = False  # a signal gh-promotion acts on has arrived for it
    fast_forward: bool = True  # the target has no commit the head lacks


class Missing(NamedTuple):
    kind: str  # required_check | approvals | draft | not_fast_forward | signal
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


def missing(
    requirements: Requirements, head: Head, *, source: str = "", target: str = ""
) -> list[Missing]:
    """Everything that must still happen before ``target`` can move to the head.

    ``signal`` is listed only when nothing else is: each required check,
    approval and the release of a draft arrives as an event gh-promotion acts on.
    """
    items: list[Missing] = []
    if not head.fast_forward:
        behind = f"{target} has commits {source} lacks" if source and target else ""
        items.append(Missing(NOT_FAST_FORWARD, behind or "the target has commits the head lacks"))
    if head.draft:
        items.append(Missing(DRAFT, "ready for review"))
    items += missing_checks(requirements, head.checks)
    still = requirements.approvals - head.approvals
    if still > 0:
        items.append(Missing(APPROVALS, f"{still} approval{'s' if still > 1 else ''}"))
    if not items and not head.signal:
        items.append(Missing(SIGNAL, "an approval or a green check"))
    return items


def missing_checks(requirements: Requirements, checks: Mapping[str, str]) -> list[Missing]:
    """The required checks that have not passed on the head."""
    items = []
    for context in requirements.checks:
        state = checks.get(context)
        if state == "success":
            continue
        detail = f'check "{context}"' + (" (failed)" if state == "failure" else "")
        items.append(Missing(REQUIRED_CHECK, detail))
    return items


def waiting_for(items: Iterable[Missing], limit: int = WAITING_LIMIT) -> str:
    """``waiting for: check "ci", 1 approval``; empty when nothing is missing.

    Items that would not fit in ``limit`` characters are counted instead
    (``… and 2 more``), so the line is never cut in the middle of a name.
    """
    details = [item.detail for item in items]
    if not details:
        return ""
    text = "waiting for: " + ", ".join(details)
    shown = len(details)
    while len(text) > limit and shown > 1:
        shown -= 1
        text = f"waiting for: {', '.join(details[:shown])} and {len(details) - shown} more"
    return text if len(text) <= limit else text[: limit - 1] + "…"


_REQUIRED_CHECK_LINE = re.compile(r'Required status check "([^"]+)" is expected')
_APPROVALS_LINE = re.compile(r"At least (\d+) approving review")
_COUNTED_CHECKS_LINE = re.compile(r"(\d+) of \d+ required status checks are expected")


def from_refusal(message: str) -> list[Missing]:
    """The missing items GitHub's own refusal names (branch protection or GH013), for
    when the requirements cannot be read: ``Required status check "ci" is expected.``,
    ``At least 1 approving review is required…``, ``2 of 3 required status checks…``."""
    items = [Missing(REQUIRED_CHECK, f'check "{c}"') for c in _REQUIRED_CHECK_LINE.findall(message)]
    for count in _COUNTED_CHECKS_LINE.findall(message):
        plural = "s" if int(count) > 1 else ""
        items.append(Missing(REQUIRED_CHECK, f"{count} required check{plural}"))
    for count in _APPROVALS_LINE.findall(message):
        items.append(Missing(APPROVALS, f"{count} approval{'s' if int(count) > 1 else ''}"))
    return items


# -- GitHub's documents → requirements and check states ---------------------------------


def requirements(read: BranchRules) -> Requirements:
    """Everything the branch requires: protection (as any reader sees it, and fully
    when it was readable) and the rules of its rulesets."""
    found = requirements_from_branch(read.branch) | requirements_from_rules(read.rules)
    if read.protection is not None:
        found |= requirements_from_protection(read.protection)
    return found


def requirements_from_branch(branch: Mapping[str, Any]) -> Requirements:
    """``GET /branches/{branch}``: its protection's required checks (any reader sees them)."""
    checks = ((branch.get("protection") or {}).get("required_status_checks")) or {}
    return Requirements(_contexts(checks))


def requirements_from_protection(protection: Mapping[str, Any]) -> Requirements:
    """``GET /branches/{branch}/protection`` (admins only): checks and required approvals."""
    checks = _contexts(protection.get("required_status_checks") or {})
    reviews = protection.get("required_pull_request_reviews") or {}
    return Requirements(checks, int(reviews.get("required_approving_review_count") or 0))


def requirements_from_rules(rules: Iterable[Mapping[str, Any]]) -> Requirements:
    """``GET /rules/branches/{branch}``: ``required_status_checks`` and ``pull_request`` rules."""
    found = Requirements()
    for rule in rules:
        parameters = rule.get("parameters") or {}
        if rule.get("type") == "required_status_checks":
            wanted = parameters.get("required_status_checks") or ()
            found |= Requirements(tuple(c["context"] for c in wanted if c.get("context")))
        elif rule.get("type") == "pull_request":
            count = int(parameters.get("required_approving_review_count") or 0)
            found |= Requirements(approvals=count)
    return found


def _contexts(required: Mapping[str, Any]) -> tuple[str, ...]:
    names = list(required.get("contexts") or ())
    names += [c["context"] for c in required.get("checks") or () if c.get("context")]
    return tuple(dict.fromkeys(names))


def check_states(
    statuses: Iterable[StatusInfo], check_runs: Iterable[CheckRunInfo]
) -> dict[str, str]:
    """Each context's state on a commit, as a required status check sees it.

    ``statuses`` newest first (GitHub's order). A context passes when its latest
    status is success, or any check run of that name completed success, neutral
    or skipped.
    """
    states: dict[str, str] = {}
    for status in statuses:
        states.setdefault(status.context, _status_state(status.state))
    for run in check_runs:
        if run.status == "completed" and run.conclusion in PASSING:
            states[run.name] = "success"
        elif states.get(run.name) != "success":
            failed = run.status == "completed"
            states[run.name] = "failure" if failed else states.get(run.name, "pending")
    return states


def approvals(reviews: Iterable[ReviewInfo], sha: str) -> int:
    """Reviewers whose latest review approves ``sha`` (reviews in GitHub's order, oldest first)."""
    latest: dict[str, ReviewInfo] = {}
    for review in reviews:
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[review.login] = review
    return sum(1 for r in latest.values() if r.state == "APPROVED" and r.commit_id == sha)


def _status_state(state: str) -> str:
    if state == "success":
        return "success"
    return "failure" if state in ("failure", "error") else "pending"
