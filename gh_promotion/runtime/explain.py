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
from collections.abc import Mapping, Sequence
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


def explain_repository(config: Config, full_name: str) -> dict[str, Any]:
    """The ``--json`` document, ``github_requests`` included."""
    if not _FULL_NAME.fullmatch(full_name):
        raise ExplainError(f"{full_name!r} is not a repository name: expected OWNER/REPO")
    owner, name = full_name.split("/")
    from gh_promotion.core.explain import Own, explain
    from gh_promotion.gateway.credentials import app_credentials, check_credentials
    from gh_promotion.gateway.reader import UnknownRepository, repository_reader

    with counting_requests() as requests:
        try:
            check_credentials(config.github)
            app_id = None
            if config.github.auth_mode != "token":
                app_id = int(app_credentials(config.github).app_id)
            reader = repository_reader(config, owner, name, EXPLAIN_BUDGET)
            document = explain(reader, full_name, config, Own.of(config, app_id))
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
