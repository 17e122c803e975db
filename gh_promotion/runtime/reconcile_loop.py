"""The service's background reconcile: a sweep every ``service.reconcileInterval``.

One thread of its own, apart from waitress's pools, so a sweep never takes a
thread a webhook or ``/healthz`` would answer on; one run at a time by
construction (the next starts ``interval`` after the previous one started, or
at once if that one overran — never two together, never a burst of catch-up
runs). The first runs at start: a service that was down is exactly when
deliveries were lost.

A run that fails (a configuration the sweep refuses, an unexpected error) is
logged and reported by ``/healthz``; the thread carries on. On SIGTERM the
service stops it with the server: no new run starts, and one in flight may
finish within the shutdown grace (a run cut short is resumed by the next
one: every write is a single idempotent request).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from gh_promotion.config.model import Config
from gh_promotion.runtime.startup import StartupRefused

logger = logging.getLogger(__name__)

Run = Callable[[Config], Any]  # returns a ReconcileReport


def check_reconcile(config: Config) -> None:
    """Refuse to start a service whose background sweep could never run.

    With a token there is no App to list repositories from, so the sweep needs
    ``reconcile.repositories`` (the ``reconcile`` command's rule).
    """
    if (
        config.service.reconcile_interval > 0
        and config.github.auth_mode == "token"
        and not config.reconcile.repositories
    ):
        raise StartupRefused(
            "service.reconcileInterval: with github.authMode token the sweep needs"
            " reconcile.repositories (RECONCILE_REPOSITORIES): a token cannot list"
            " the App's repositories"
        )


class ReconcileLoop:
    """Runs ``run(config)`` every ``interval`` seconds on a daemon thread; thread-safe."""

    def __init__(self, config: Config, run: Run | None = None) -> None:
        self._config = config
        self._interval = config.service.reconcile_interval
        self._run = run or _run_reconcile
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._running_since: float | None = None
        self._runs = 0
        self._last: dict[str, Any] | None = None
        self._thread = threading.Thread(target=self._loop, name="gh-promotion-reconcile")
        self._thread.daemon = True  # a run still going when the grace ends dies with the process

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Start no new run (safe from a signal handler: it only sets a flag)."""
        self._stop.set()

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for a run in flight; True when the thread has ended."""
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` reports: the interval, whether a run is going, the last run."""
        with self._lock:
            return {
                "interval_seconds": self._interval,
                "running": self._running_since is not None,
                "runs": self._runs,
                "last": self._last,  # None: none has run yet
            }

    def _loop(self) -> None:
        next_start = time.monotonic()
        while not self._stop.wait(max(0.0, next_start - time.monotonic())):
            next_start = time.monotonic() + self._interval
            self._run_once()

    def _run_once(self) -> None:
        started = time.time()
        with self._lock:
            self._running_since = started
        try:
            last = _report_fields(self._run(self._config))
        except Exception as error:  # the loop must outlive any one run
            message = " ".join(str(error).split()) or type(error).__name__
            last = {"error": message}
            logger.error("reconcile failed: %s", message, exc_info=not _expected(error))
        finished = time.time()
        with self._lock:
            self._running_since = None
            self._runs += 1
            self._last = {"started_at": _iso(started), "finished_at": _iso(finished), **last}


def _run_reconcile(config: Config) -> Any:
    from gh_promotion.runtime.reconcile import run_reconcile

    return run_reconcile(config)


def _report_fields(report: Any) -> dict[str, Any]:
    """The last run's counts for ``/healthz``, and its one log line."""
    from gh_promotion.runtime.reconcile import log_report

    log_report(report)
    return {
        "outcomes": report.outcomes,
        "needs_person": report.needs_person,
        "notes": list(report.notes),
    }


def _expected(error: Exception) -> bool:
    """A configuration refusal or a promotion error tells its own story: no traceback."""
    from gh_promotion.config.errors import ConfigError
    from gh_promotion.errors import PromotionError

    return isinstance(error, (ConfigError, PromotionError))


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")
