"""One reconcile run: the sweep, then redelivery of failed deliveries (issue 13).

What the ``reconcile`` command, the Lambda's scheduled event and the service's
background thread all run, so the three report the same way.

Redelivery needs the App's JWT (docs/redelivery.md). With
``github.authMode: token`` it is skipped, and the report says so in ``notes``
— not an error, since ``reconcile.redeliver`` is on by default — unless the
caller asked for it explicitly (``redeliver=True``, the ``--redeliver`` flag):
then :class:`~gh_promotion.config.errors.ConfigError` (exit 2), before anything
is swept.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from gh_promotion.config.errors import ConfigError
from gh_promotion.config.model import Config
from gh_promotion.core.result import Result

logger = logging.getLogger(__name__)
# One line per run is wanted at every verbosity, as a delivery's line is.
run_log = logging.getLogger("gh_promotion.reconcile")
run_log.setLevel(logging.INFO)

REDELIVER_NEEDS_APP = (
    "--redeliver: redelivery reads the App's webhook deliveries, which needs the App's JWT"
    " (github.authMode app or ssm); with a token, reconcile without --redeliver"
)
TOKEN_SKIPS_REDELIVERY = (
    "redelivery skipped: it reads the App's webhook deliveries, which needs the App's JWT"
    " (github.authMode app or ssm), not a token"
)


class ReconcileReport(NamedTuple):
    """Every outcome of one run, sweep and redelivery, in the order they happened."""

    results: tuple[Result, ...]
    started_at: float  # epoch seconds
    finished_at: float
    notes: tuple[str, ...] = ()  # what the run left out, and why (not outcomes)

    @property
    def needs_person(self) -> bool:
        return any(not result.ok for result in self.results)

    @property
    def outcomes(self) -> dict[str, int]:
        """How many results of each status, e.g. ``{"promoted": 1, "pending": 3}``."""
        return dict(sorted(Counter(r.status.value for r in self.results).items()))

    def summary(self) -> str:
        """One line for a person: the counts, and the notes."""
        counts = ", ".join(f"{n} {status}" for status, n in self.outcomes.items()) or "nothing"
        seconds = self.finished_at - self.started_at
        line = f"reconciled in {seconds:.1f} s: {counts}"
        return "; ".join((line, *self.notes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "outcomes": self.outcomes,
            "needs_person": self.needs_person,
            "notes": list(self.notes),
            "results": [result.to_dict() for result in self.results],
        }


def log_report(report: ReconcileReport) -> None:
    """The run's one line: its summary, at error level when an outcome needs a person."""
    log = run_log.error if report.needs_person else run_log.info
    log(report.summary(), extra={"outcomes": report.outcomes, "needs_person": report.needs_person})


def run_reconcile(
    config: Config,
    repositories: Sequence[str] = (),
    *,
    dry_run: bool = False,
    redeliver: bool | None = None,
) -> ReconcileReport:
    """Sweep ``repositories``, then redeliver the failed deliveries of the same ones.

    ``repositories`` empty: ``reconcile.repositories``, and when that is empty
    too, every repository of the App (:func:`sweep_repositories`; redelivery:
    every delivery of the App). ``redeliver`` None: ``reconcile.redeliver``
    decides, and token auth skips it with a note; True with token auth raises
    :class:`ConfigError`.
    """
    from gh_promotion.runtime.redeliver import redeliver_failed
    from gh_promotion.runtime.sweep import sweep_repositories

    token_auth = config.github.auth_mode == "token"
    if redeliver and token_auth:
        raise ConfigError(REDELIVER_NEEDS_APP)
    dry_run = dry_run or config.promotion.dry_run
    started = time.time()
    results = list(sweep_repositories(config, repositories, dry_run=dry_run))
    notes: list[str] = []
    wanted = config.reconcile.redeliver if redeliver is None else redeliver
    if wanted and token_auth:
        notes.append(TOKEN_SKIPS_REDELIVERY)
        run_log.info(TOKEN_SKIPS_REDELIVERY)
    elif wanted:
        named = tuple(repositories) or config.reconcile.repositories
        results += redeliver_failed(config, named, dry_run=dry_run)
    return ReconcileReport(tuple(results), started, time.time(), tuple(notes))
