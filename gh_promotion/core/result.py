"""The one documented JSON result every delivery ends in, in every mode."""

from __future__ import annotations

import enum
from typing import Any, NamedTuple


class Status(str, enum.Enum):
    PROMOTED = "promoted"  # the target branch now holds the head (or already did)
    PENDING = "pending"  # a promotion request is open and waiting for a signal
    SKIPPED = "skipped"  # nothing for gh-promotion to do
    BLOCKED = "blocked"  # branch protection refused the update for now
    FAILED = "failed"  # the update was refused for good (e.g. not a fast-forward)
    ROLLED_BACK = "rolled_back"
    REJECTED = "rejected"  # a rollback that would move a branch forward or sideways
    PONG = "pong"  # answer to GitHub's ping
    FROZEN = "frozen"  # a freeze window or the stopped line keeps the target where it is
    HELD = "held"  # an open hold issue (after a rollback) keeps the target where it is
    REDELIVERED = "redelivered"  # a reconcile run asked GitHub to send a failed delivery again


# Outcomes a person must look at: exit status 1 for a local invoke.
NEEDS_A_PERSON = frozenset((Status.FAILED, Status.REJECTED))


class Write(NamedTuple):
    """One GitHub write, made or (in a dry run) planned."""

    action: str  # e.g. "create_pull_request", "update_ref", "create_check_run"
    target: str  # what it acts on: a ref, "owner/repo#12", a sha
    outcome: str  # "done", "planned", "refused" (in a dry run: would be), "failed"
    detail: str = ""
    duration_ms: float = 0.0


class Outcome(NamedTuple):
    """What the core made of a delivery, before the delivery's own fields are added.

    :mod:`gh_promotion.core.handler` turns it into the :class:`Result`, once;
    the feedback on the commit (:mod:`gh_promotion.core.feedback`) is drawn
    from it too, so the two always say the same.
    """

    status: Status
    reason: str
    source: str = ""
    target: str = ""
    sha: str = ""
    pull_request: int | None = None
    override: bool = False  # the override label let this promotion through a freeze


class Result(NamedTuple):
    """The documented JSON answer: the outcome, the delivery it answers, the writes it made."""

    status: Status
    reason: str
    event: str = ""
    delivery_id: str = ""
    repository: str = ""
    source: str = ""
    target: str = ""
    sha: str = ""
    pull_request: int | None = None
    writes: tuple[Write, ...] = ()
    dry_run: bool = False
    override: bool = False  # the override label let this promotion through a freeze

    @property
    def ok(self) -> bool:
        """False only for outcomes a person must look at (exit status 1 locally)."""
        return self.status not in NEEDS_A_PERSON

    def to_dict(self) -> dict[str, Any]:
        data = self._asdict()
        data["status"] = self.status.value
        data["writes"] = [w._asdict() for w in self.writes]
        return data
