"""What the sweep does about an assessed step: the intent a webhook would have carried (no I/O).

A step is turned into the very intents deliveries produce
(:mod:`gh_promotion.core.intents`), so the same carriers
(:mod:`gh_promotion.core.promote`) carry them out: feedback, the draft rule,
the blocked classification, dry runs and results are a delivery's.

- ``target_missing``, ``no_request``, or ``diverged`` with commits to promote:
  :class:`OpenPromotion`, as a push to the source does (a missing target is
  created at the source's first commit by the carrier);
- ``ready``: :class:`FastForward` of that request to exactly its head;
- anything else: nothing, with the step's reason.
"""

from __future__ import annotations

from typing import NamedTuple

from gh_promotion.core.assess import Step, signal_text
from gh_promotion.core.intents import FastForward, Intent, OpenPromotion, PromotionRequest, Repo
from gh_promotion.core.result import Outcome, Status

EVENT = "reconcile"  # the ``event`` of every Result the sweep produces


class Nothing(NamedTuple):
    """No write: the step's outcome as it stands."""

    outcome: Outcome


def intent_for(repo: Repo, step: Step) -> Intent | Nothing:
    if step.state in ("target_missing", "no_request") or (
        step.state == "diverged" and (step.ahead_by or 0) > 0
    ):
        assert step.source_sha is not None
        return OpenPromotion(
            repo, step.source, step.target, step.source_sha, draft=repo.drafts_enabled
        )
    if step.state == "ready":
        request = step.pull_request
        signal = step.first_counting
        assert request is not None and signal is not None
        promotion = PromotionRequest(
            request.number,
            request.source,
            request.target,
            request.head_sha,
            draft=False,
            base_sha=step.target_sha,
            labels=request.labels,
            reported=step.verdict.status if step.verdict else None,
        )
        return FastForward(repo, (promotion,), signal=f"{signal_text(signal)}, found by reconcile")
    return Nothing(_standing(step))


def _standing(step: Step) -> Outcome:
    """``waiting`` is a request that waits (pending); the rest is nothing to do (skipped)."""
    status = Status.PENDING if step.state == "waiting" else Status.SKIPPED
    request = step.pull_request
    return Outcome(
        status,
        f"{step.state}: {step.why}",
        source=step.source,
        target=step.target,
        sha=(request.head_sha if request else step.source_sha) or "",
        pull_request=request.number if request else None,
    )
