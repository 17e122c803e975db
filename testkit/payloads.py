"""Webhook payloads for tests, made from GitHub's own examples.

Each builder loads an unmodified example from ``testkit/octokit/``
(octokit/webhooks, MIT; see its README) and rewrites only the fields that must
match the test's repository and commits, so every other field keeps GitHub's
real shape.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent / "octokit"
REPO_ID = 186853002


@functools.cache
def _example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text())


def example(name: str) -> dict[str, Any]:
    """A fresh copy of one example, e.g. ``example("ping/payload.json")``."""
    return copy.deepcopy(_example(name))


def _repository(payload: dict[str, Any], full_name: str, properties: dict[str, Any] | None) -> None:
    owner, name = full_name.split("/")
    repo = payload["repository"]
    repo.update(full_name=full_name, name=name, id=REPO_ID)
    repo["owner"]["login"] = owner
    repo["custom_properties"] = dict(properties or {})


def _finish(
    payload: dict[str, Any],
    full_name: str,
    properties: dict[str, Any] | None,
    installation_id: int | None,
) -> dict[str, Any]:
    _repository(payload, full_name, properties)
    if installation_id is None:
        payload.pop("installation", None)
    else:
        payload["installation"] = {"id": installation_id, "node_id": "MDIzOkludGVncmF0aW9u"}
    return payload


def push(
    full_name: str,
    branch: str,
    after: str,
    *,
    before: str = "0" * 40,
    properties: dict[str, Any] | None = None,
    installation_id: int | None = 1,
    ref: str | None = None,
    deleted: bool = False,
) -> dict[str, Any]:
    payload = example("push/with-installation.payload.json")
    payload.update(
        ref=ref or f"refs/heads/{branch}",
        before=before,
        after=after,
        deleted=deleted,
        created=before == "0" * 40,
    )
    if not deleted and payload.get("head_commit") is not None:
        payload["head_commit"]["id"] = after
    return _finish(payload, full_name, properties, installation_id)


def pull(
    full_name: str,
    number: int,
    source: str,
    target: str,
    head_sha: str,
    *,
    base_sha: str = "b" * 40,
    draft: bool = False,
    state: str = "open",
    fork: bool = False,
    labels: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A ``pull_request`` object in the webhook's shape (``labels``: the example's unless given)."""
    pr = example("pull_request/opened.payload.json")["pull_request"]
    owner = full_name.split("/")[0]
    pr.update(number=number, draft=draft, state=state)
    if labels is not None:
        pr["labels"] = labels
    pr["head"].update(ref=source, sha=head_sha, label=f"{owner}:{source}")
    pr["base"].update(ref=target, sha=base_sha, label=f"{owner}:{target}")
    pr["base"]["repo"]["id"] = REPO_ID
    pr["head"]["repo"]["id"] = REPO_ID + 1 if fork else REPO_ID
    return pr


def from_api_pull(full_name: str, api_pull: dict[str, Any]) -> dict[str, Any]:
    """A pull request as the REST API returned it, in the webhook's shape (the
    fields the core reads)."""
    return pull(
        full_name,
        api_pull["number"],
        api_pull["head"]["ref"],
        api_pull["base"]["ref"],
        api_pull["head"]["sha"],
        base_sha=api_pull["base"]["sha"],
        draft=api_pull["draft"],
        labels=api_pull.get("labels", []),
    )


def pull_request(
    action: str,
    full_name: str,
    pr: dict[str, Any],
    *,
    properties: dict[str, Any] | None = None,
    installation_id: int | None = 1,
) -> dict[str, Any]:
    payload = example("pull_request/opened.payload.json")
    payload.update(action=action, number=pr["number"], pull_request=pr)
    return _finish(payload, full_name, properties, installation_id)


def review(
    full_name: str,
    pr: dict[str, Any],
    *,
    state: str = "approved",
    commit_id: str | None = None,
    properties: dict[str, Any] | None = None,
    installation_id: int | None = 1,
) -> dict[str, Any]:
    payload = example("pull_request_review/submitted.payload.json")
    payload["pull_request"] = pr
    payload["review"].update(state=state, commit_id=commit_id or pr["head"]["sha"])
    return _finish(payload, full_name, properties, installation_id)


def _run_pull(pr: dict[str, Any]) -> dict[str, Any]:
    """The short pull request form that check_suite and workflow_run payloads carry."""
    short = copy.deepcopy(_example("check_suite/completed.payload.json")["check_suite"])
    entry = short["pull_requests"][0]
    entry.update(number=pr["number"])
    for side in ("head", "base"):
        entry[side].update(ref=pr[side]["ref"], sha=pr[side]["sha"])
        entry[side]["repo"]["id"] = pr[side]["repo"]["id"]
    return entry


def _run(
    kind: str,
    example_name: str,
    full_name: str,
    head_sha: str,
    *,
    head_branch: str | None = None,
    pulls: list[dict[str, Any]] = (),
    conclusion: str | None = "success",
    action: str = "completed",
    properties: dict[str, Any] | None = None,
    installation_id: int | None = 1,
) -> dict[str, Any]:
    """check_suite and workflow_run: the same fields under ``check_suite`` / ``workflow_run``."""
    payload = example(example_name)
    payload["action"] = action
    payload[kind].update(
        head_sha=head_sha,
        head_branch=head_branch,
        conclusion=conclusion,
        pull_requests=[_run_pull(p) for p in pulls],
    )
    return _finish(payload, full_name, properties, installation_id)


def check_suite(full_name: str, head_sha: str, **fields: Any) -> dict[str, Any]:
    return _run("check_suite", "check_suite/completed.payload.json", full_name, head_sha, **fields)


def workflow_run(full_name: str, head_sha: str, **fields: Any) -> dict[str, Any]:
    example_name = "workflow_run/completed.with-pull-requests.payload.json"
    return _run("workflow_run", example_name, full_name, head_sha, **fields)


def deployment_status(
    full_name: str,
    ref: str,
    sha: str,
    *,
    state: str = "success",
    properties: dict[str, Any] | None = None,
    installation_id: int | None = 1,
) -> dict[str, Any]:
    payload = example("deployment_status/with-installation.payload.json")
    payload["deployment"].update(ref=ref, sha=sha)
    payload["deployment_status"]["state"] = state
    return _finish(payload, full_name, properties, installation_id)


def status(
    full_name: str,
    sha: str,
    *,
    branches: dict[str, str] | None = None,
    state: str = "success",
    context: str = "ci",
    properties: dict[str, Any] | None = None,
    installation_id: int | None = 1,
) -> dict[str, Any]:
    """``branches`` maps branch name → the sha at its head, as GitHub lists them."""
    payload = example("status/with-installation.payload.json")
    payload.update(sha=sha, state=state, context=context)
    template = payload["branches"][0] if payload.get("branches") else {"protected": False}
    payload["branches"] = [
        {**copy.deepcopy(template), "name": name, "commit": {"sha": head, "url": ""}}
        for name, head in (branches or {}).items()
    ]
    return _finish(payload, full_name, properties, installation_id)
