"""One reconcile run: the sweep, then redelivery of failed deliveries (issue 13).

What the `reconcile` command, the Lambda's scheduled event and the service's
background thread all run. Placeholder agreed between the engineers building
issue 13; the report may gain fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from gh_promotion.config.model import Config
from gh_promotion.core.result import Result


class ReconcileReport(NamedTuple):
    """Every outcome of one run, sweep and redelivery, in the order they happened."""

    results: tuple[Result, ...]
    started_at: float
    finished_at: float

    @property
    def needs_person(self) -> bool:
        return any(not result.ok for result in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "results": [result.to_dict() for result in self.results],
        }


def run_reconcile(
    config: Config,
    repositories: Sequence[str] = (),
    *,
    dry_run: bool = False,
    redeliver: bool | None = None,
) -> ReconcileReport:
    """Sweep ``repositories`` (empty: all, see :func:`sweep_repositories`), then redeliver.

    ``redeliver`` None: ``reconcile.redeliver`` decides (App auth only).
    """
    import time

    from gh_promotion.runtime.redeliver import redeliver_failed
    from gh_promotion.runtime.sweep import sweep_repositories

    started = time.time()
    results = sweep_repositories(config, repositories, dry_run=dry_run)
    wanted = config.reconcile.redeliver if redeliver is None else redeliver
    if wanted and config.github.auth_mode != "token":
        results += redeliver_failed(config, repositories, dry_run=dry_run)
    return ReconcileReport(tuple(results), started, time.time())
