"""What a delivery asks of gh-promotion, decided from the payload alone.

:mod:`gh_promotion.core.decide` turns a delivery into one of these without any
I/O; :mod:`gh_promotion.core.promote` carries it out through the port to GitHub
(:mod:`gh_promotion.core.ports`). A :class:`Skip` never reaches GitHub, so
skipped deliveries cost no request (and do not even import the gateway).

They are NamedTuples rather than frozen dataclasses because a Lambda's cold
start pays for every class made at import, and a NamedTuple costs a quarter of
a dataclass (see docs/benchmarks.md).
"""

from __future__ import annotations

from typing import NamedTuple

from gh_promotion.core.path import PromotionPath
from gh_promotion.core.result import Status


class Repo(NamedTuple):
    """The repository a delivery is about, and how to reach it."""

    owner: str
    name: str
    installation_id: int | None
    path: PromotionPath
    drafts_enabled: bool  # the draft-PR custom property is on for this repository
    stop_the_line: tuple[str, ...] = ()  # the stop-the-line custom property's values

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class PromotionRequest(NamedTuple):
    """An open pull request ``source → target`` along the path, as a payload names it.

    ``draft`` is None when the payload does not say (check_suite, workflow_run);
    ``base_sha`` is the target's sha as the payload saw it, when it says;
    ``labels`` are its labels when the payload lists them (check suites do not).
    """

    number: int
    source: str
    target: str
    head_sha: str
    draft: bool | None = None
    base_sha: str | None = None
    labels: tuple[str, ...] | None = None  # None: the payload does not say
    # What gh-promotion last reported on this head for this step, when known (the
    # sweep reads it): a gate that still holds is not reported again.
    reported: Status | None = None


class Skip(NamedTuple):
    reason: str
    source: str = ""
    target: str = ""
    sha: str = ""


class OpenPromotion(NamedTuple):
    """A push to a stage: open (or find) the pull request to the next stage."""

    repo: Repo
    source: str
    target: str
    head_sha: str
    draft: bool


class MarkPending(NamedTuple):
    """A promotion request was opened or updated: say it is waiting."""

    repo: Repo
    request: PromotionRequest


class FastForward(NamedTuple):
    """A success signal for the named promotion requests' head."""

    repo: Repo
    requests: tuple[PromotionRequest, ...]
    signal: str  # what said yes, for the feedback: "review approved", "check suite success"
    app_id: int | None = None  # the GitHub App whose check suite said yes, when one did


class FastForwardSha(NamedTuple):
    """A success signal for a commit: promote the open requests whose head it is.

    ``branches`` are the stage branches the payload says point at the commit;
    empty when the payload does not say.
    """

    repo: Repo
    sha: str
    branches: tuple[str, ...]
    signal: str
    app_id: int | None = None  # the GitHub App whose check suite said yes, when one did


class Rollback(NamedTuple):
    """A push to ``{prefix}{last stage}``: move the last stage back to ``sha``."""

    repo: Repo
    rollback_branch: str
    sha: str
    stages: tuple[str, ...]  # the last stage first, then the cascade stages in the path


Intent = Skip | OpenPromotion | MarkPending | FastForward | FastForwardSha | Rollback
