"""Where a skipped delivery's time goes inside the service's WSGI app (cProfile, in process).

The throughput table says how fast; this says why: the share of the app's time
spent in each step of one delivery, so a gap to the bare-Flask ceiling can be
traced to code. cProfile slows everything down evenly enough for shares, not
for absolute times.
"""

from __future__ import annotations

import cProfile
import io
import itertools
import os
import pstats

from werkzeug.test import EnvironBuilder

from bench.deliveries import SECRET, signed
from bench.report import Table
from gh_promotion import log
from gh_promotion.config.model import Config, Secret
from testkit import payloads

STEPS = {
    "intake (headers, signature, JSON)": ("intake/request.py", "read_delivery"),
    "duplicate check (delivery-id ledger)": ("runtime/duplicates.py", "claim"),
    "core decision (core.handle)": ("core/__init__.py", "handle"),
    "result to JSON (Result.to_dict)": ("core/result.py", "to_dict"),
    "the delivery's JSON log line (format, redaction, write)": (
        "runtime/dispatch.py",
        "_log_delivery",
    ),
    "the webhook view as a whole": ("runtime/webapp.py", "receive_webhook"),
}


def profile_skipped_delivery(count: int = 2000) -> Table:
    from gh_promotion.runtime.webapp import create_app

    base = Config()
    config = base._replace(
        github=base.github._replace(
            auth_mode="token", token=Secret("ghp_" + "b" * 36), webhook_secret=Secret(SECRET)
        )
    )
    # Logs go to a sink that stays open: later sections log through the same handler.
    sink = open(os.devnull, "w")  # noqa: SIM115
    log.configure(verbosity=0, caller_trace=False, stream=sink, secrets=[SECRET])
    app = create_app(config)
    headers, body = signed("push", payloads.push("octo/app", "feature/x", "a" * 40, properties={}))

    ids = itertools.count()

    def once() -> None:
        # A fresh delivery id each time, as GitHub sends: a resent id is answered
        # from the ledger without reaching the core.
        headers["X-GitHub-Delivery"] = f"profile-{next(ids)}"
        environ = EnvironBuilder(method="POST", path="/", headers=headers, data=body)
        b"".join(app(environ.get_environ(), lambda *args: None))

    for _ in range(200):
        once()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        once()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = _cumulative(stats, "flask/app.py", "__call__") or 1.0
    table = Table(["Step of a skipped delivery", "share of the app's time"])
    for label, (file_end, function) in STEPS.items():
        table.add(label, f"{_cumulative(stats, file_end, function) / total:.0%}")
    table.caption = (
        f"Where the time of the service's WSGI app goes, {count} skipped deliveries under "
        "cProfile in one process (Flask and Werkzeug make up the rest):"
    )
    return table


def _cumulative(stats: pstats.Stats, file_end: str, function: str) -> float:
    """Cumulative seconds in ``function`` of the file ending ``file_end``."""
    return sum(
        entry[3]
        for (filename, _, name), entry in stats.stats.items()  # type: ignore[attr-defined]
        if filename.endswith(file_end) and name == function
    )
