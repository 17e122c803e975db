"""``gh-promotion explain OWNER/REPO [--json]``: each step of a repository's path, and why.

Reads only (the gateway is opened as a dry run), counts every GitHub request it
makes (the App's installation lookup and token exchange included) and prints,
on stdout, a table for people or with ``--json`` the documented document
(docs/explain.md). Exit 0; 2 on bad input (a malformed name, an unknown
repository, unusable credentials) with one line on stderr; 1 when GitHub kept
failing.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

from gh_promotion.config.model import Config
from gh_promotion.core.errors import GitHubUnavailable, NotFound
from gh_promotion.errors import PromotionError
from gh_promotion.gateway.tally import counting_requests

EXPLAIN_BUDGET = 60.0  # seconds for every GitHub request, retry and wait of one explanation
_FULL_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


class ExplainError(Exception):
    """Bad input: one line for stderr, exit status 2."""


def run_explain(config: Config, full_name: str, *, as_json: bool, out: TextIO | None = None) -> int:
    """Explain ``full_name``'s promotion path on ``out`` (stdout); the exit status."""
    out = out or sys.stdout
    try:
        document = explain_repository(config, full_name)
    except ExplainError as error:
        _error(str(error))
        return 2
    except GitHubUnavailable as error:
        _error(error.answer())
        return 1
    out.write(json.dumps(document, indent=2) + "\n" if as_json else render(document))
    return 0


def explain_repository(
    config: Config, full_name: str, *, clock: Callable[[], datetime] | None = None
) -> dict[str, Any]:
    """The ``--json`` document, ``github_requests`` included; ``clock``: the time the
    gates are read at (the system's unless a test hands the simulator's)."""
    if not _FULL_NAME.fullmatch(full_name):
        raise ExplainError(f"{full_name!r} is not a repository name: expected OWNER/REPO")
    from gh_promotion.gateway.credentials import check_credentials
    from gh_promotion.gateway.reader import UnknownRepository

    with counting_requests() as requests:
        try:
            check_credentials(config.github)
            document = _explain(config, full_name, clock)
        except (UnknownRepository, NotFound):
            raise ExplainError(
                f"unknown repository {full_name} (or not readable with these credentials)"
            ) from None
        except GitHubUnavailable:
            raise
        except PromotionError as error:  # credentials that cannot be used: configuration
            raise ExplainError(str(error)) from None
        document["github_requests"] = requests()
    return document


def _explain(
    config: Config, full_name: str, clock: Callable[[], datetime] | None
) -> dict[str, Any]:
    """Read each step's facts — as the sweep reads them, plus the comparison and the
    target's requirements — and explain them (:mod:`gh_promotion.core.explain`)."""
    from gh_promotion.core import missing as gaps
    from gh_promotion.core.assess import StepFacts, every_step, needs_merges
    from gh_promotion.core.assess import promotion_request as request_of
    from gh_promotion.core.explain import document, explain_step
    from gh_promotion.core.path import custom_properties, promotion_path
    from gh_promotion.gateway.reader import read_only, repository_requester
    from gh_promotion.gateway.snapshot import RateLimit, SnapshotReader
    from gh_promotion.runtime.sweep import own_feedback

    owner, name = full_name.split("/")
    requester = repository_requester(config, owner, name, EXPLAIN_BUDGET)
    gateway = read_only(requester, owner, name, *([clock] if clock else []))
    reader = SnapshotReader(requester, owner, name, RateLimit(), config.github.api_url)
    repository = reader.repository()
    path = promotion_path(repository, config.promotion)
    dynamic = config.promotion.dynamic_promotion
    from_property = dynamic.enabled and bool(custom_properties(repository).get(dynamic.key))
    branches, pulls = reader.branches(), reader.open_pulls()
    own = own_feedback(config, path)
    steps = []
    for source, target in every_step(path):
        facts = StepFacts(path, source, target, branches, pulls, own=own)
        source_sha, target_sha = branches.get(source), branches.get(target)
        comparison, needs = None, gaps.Requirements()
        if source_sha and target_sha and source_sha != target_sha:
            comparison = reader.compare(target_sha, source_sha)
        request = request_of(facts)
        if request is not None and comparison is not None and comparison.ahead_by:
            seen = reader.signals(request.number, request.head_sha, lambda _: False)
            facts = facts._replace(signals=seen)
            if needs_merges(facts):
                facts = facts._replace(merges=reader.merges_into(source))
            needs = gaps.requirements(gateway.branch_rules(target))
        step = explain_step(facts, comparison, needs)
        steps.append(_with_gates(step, repository, request, gateway, config))
    return document(full_name, path.stages, from_property, steps)


def _with_gates(
    step: dict[str, Any], repository: Any, request: Any, gateway: Any, config: Config
) -> dict[str, Any]:
    """The step with its gates (docs/gates.md): soak left, an open freeze window and
    when it closes, the stopped line, an open hold issue; ``next`` says the one that
    keeps a request back."""
    from gh_promotion.core import gates, gating
    from gh_promotion.core.decide import read_repo

    if step["state"] in ("level", "source_missing", "target_missing"):
        step["gates"] = None
        return step
    repo = read_repo({"repository": repository}, config)  # the path and the stopped line
    found = gating.explain_gates(repo, step["source"], step["target"], request, gateway, config)
    step["gates"] = gates.describe(found)
    verdict = found.verdict
    if verdict.status is not None and step["state"] in ("ready", "waiting"):
        step["next"] = f"{verdict.reason}; then: {step['next']}"
    return step


def render(document: Mapping[str, Any]) -> str:
    """The table for people: one line per stage, its head, and the step that reaches it."""
    path = document["path"]
    lines = [
        f"{document['repository']}: {' → '.join(path['stages'])} "
        f"(path from the {'custom property' if path['from'] == 'custom_property' else 'default'})"
    ]
    heads = {s["source"]: s["source_sha"] for s in document["steps"]}
    heads |= {s["target"]: s["target_sha"] for s in document["steps"]}
    into = {s["target"]: s for s in document["steps"]}
    rows = [("STAGE", "HEAD", "STEP", "STATE", "NEXT")]
    for stage in path["stages"]:
        step = into.get(stage)
        head = (heads.get(stage) or "-")[:7] if heads.get(stage) else "missing"
        if step is None:
            rows.append((stage, head, "", "", ""))
            continue
        arrow = f"{step['source']} → {stage}"
        number = step["pull_request"]["number"] if step["pull_request"] else None
        state = f"{step['state']} #{number}" if number else step["state"]
        rows.append((stage, head, arrow, state, step["next"]))
    lines += _columns(rows)
    lines.append(f"{document['github_requests']} GitHub requests")
    return "\n".join(lines) + "\n"


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        (
            "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True))
            + "  "
            + row[-1]
        ).rstrip()
        for row in rows
    ]


def _error(message: str) -> None:
    sys.stderr.write(f"gh-promotion: error: {' '.join(message.split())}\n")
