"""``gh-promotion reconcile``: one run, its results on stdout, a summary on stderr.

stdout carries the results alone — one JSON document with ``--json``, else
one JSON line per result — so it can be piped; the human summary and logs go
to stderr. Exit status: 0 when no result needs a person, 1 when one does
(or GitHub could not be reached at all), 2 on bad input (a misspelt or
unknown repository, token auth without a list, unusable credentials).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TextIO

from gh_promotion.config.model import Config
from gh_promotion.core.errors import GitHubUnavailable

EXIT_OK, EXIT_NEEDS_PERSON, EXIT_BAD_INPUT = 0, 1, 2


def run(
    config: Config,
    repositories: Sequence[str],
    *,
    as_json: bool,
    redeliver: bool | None,
    origins: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from gh_promotion.runtime.reconcile import run_reconcile
    from gh_promotion.runtime.startup import StartupRefused, check_credentials

    out, err = out or sys.stdout, err or sys.stderr
    try:
        check_credentials(config, origins)
    except StartupRefused as refused:
        return _fail(err, f"refusing to start: {refused.detail}", EXIT_BAD_INPUT)
    dry_run = config.promotion.dry_run
    try:
        report = run_reconcile(config, repositories, dry_run=dry_run, redeliver=redeliver)
    except GitHubUnavailable as failure:
        return _fail(err, str(failure), EXIT_NEEDS_PERSON)
    if as_json:
        out.write(json.dumps(report.to_dict()) + "\n")
    else:
        for result in report.results:
            out.write(json.dumps(result.to_dict()) + "\n")
    out.flush()
    err.write(summary(report.results, dry_run) + "\n")
    return EXIT_NEEDS_PERSON if report.needs_person else EXIT_OK


def summary(results: Sequence, dry_run: bool) -> str:
    """``reconcile: 3 repositories, 9 results: 1 promoted, 2 pending, 6 skipped`` and the
    results a person must look at, one per line."""
    counts = Counter(r.status.value for r in results)
    repositories = len({r.repository for r in results if r.repository})
    counted = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing"
    writes = sum(1 for r in results for w in r.writes if w.outcome in ("done", "planned"))
    verb = "planned" if dry_run else "made"
    lines = [
        f"reconcile{' (dry run)' if dry_run else ''}: {repositories} repositories,"
        f" {len(results)} results: {counted}; {writes} writes {verb}"
    ]
    lines += [
        f"  {r.status.value}: {r.repository} {r.source}→{r.target}: {r.reason}"
        for r in results
        if not r.ok
    ]
    return "\n".join(lines)


def _fail(err: TextIO, message: str, status: int) -> int:
    err.write(f"gh-promotion: error: {' '.join(message.split())}\n")
    return status
