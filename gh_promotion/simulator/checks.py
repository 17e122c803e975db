"""Check runs: create, update, list, with the Checks API's validations.

https://docs.github.com/en/rest/checks/runs — only GitHub Apps may write them (an installation
token), `conclusion` is required once `status` is `completed`, and `output.summary`/`text` are
capped at 65535 characters.
"""

from __future__ import annotations

from typing import Any

from gh_promotion.simulator import ci_events, clock, views
from gh_promotion.simulator.auth import Identity
from gh_promotion.simulator.errors import ApiError, not_found
from gh_promotion.simulator.model import CheckRun, Repository, next_id
from gh_promotion.simulator.world import World

CHECKS_DOCS = "https://docs.github.com/rest/checks/runs#create-a-check-run"
STATUSES = ("queued", "in_progress", "completed")
CONCLUSIONS = (
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "timed_out",
)
OUTPUT_LIMIT = 65535


def _invalid(detail: str) -> ApiError:
    return ApiError(422, f"Invalid request.\n\n{detail}", documentation_url=CHECKS_DOCS)


def _require_app(caller: Identity) -> None:
    if caller.kind != "installation":
        raise ApiError(
            403, "You must authenticate via a GitHub App.", documentation_url=CHECKS_DOCS
        )


def _validate(body: dict[str, Any], creating: bool) -> None:
    for key in ("name", "head_sha") if creating else ():
        if not isinstance(body.get(key), str) or not body[key]:
            raise _invalid(f'"{key}" wasn\'t supplied.')
    status = body.get("status")
    if status is not None and status not in STATUSES:
        raise _invalid(f"For 'properties/status', \"{status}\" is not a member of enum.")
    conclusion = body.get("conclusion")
    if conclusion is not None and conclusion not in CONCLUSIONS:
        raise _invalid(f"For 'properties/conclusion', \"{conclusion}\" is not a member of enum.")
    if (status == "completed" or body.get("completed_at")) and conclusion is None:
        raise _invalid('"conclusion" wasn\'t supplied.')
    output = body.get("output")
    if output is None:
        return
    if not isinstance(output, dict):
        raise _invalid("For 'properties/output', it is not an object.")
    for key in ("title", "summary"):
        if not isinstance(output.get(key), str):
            raise _invalid(f'"{key}" wasn\'t supplied.')
    for key in ("summary", "text"):
        value = output.get(key)
        if isinstance(value, str) and len(value) > OUTPUT_LIMIT:
            raise _invalid(
                f"Only {OUTPUT_LIMIT} characters are allowed; {len(value)} were supplied."
            )


def _apply(run: CheckRun, body: dict[str, Any]) -> None:
    if body.get("conclusion") is not None:
        run.status, run.conclusion = "completed", body["conclusion"]
    elif body.get("status") is not None:
        run.status = body["status"]
    if run.status == "completed" and run.completed_at is None:
        run.completed_at = clock.now()
    for key in ("name", "details_url", "external_id"):
        if body.get(key) is not None:
            setattr(run, key, body[key])
    if body.get("output") is not None:
        run.output = {k: body["output"].get(k) for k in ("title", "summary", "text")}


def create(
    world: World, repo: Repository, body: dict[str, Any], caller: Identity
) -> dict[str, Any]:
    _require_app(caller)
    _validate(body, creating=True)
    with world.lock:
        sha = world.resolve_commit(repo, body["head_sha"])
        if sha is None:
            raise ApiError(
                422, f"No commit found for SHA: {body['head_sha']}", documentation_url=CHECKS_DOCS
            )
        run = CheckRun(
            id=next_id(),
            sha=sha,
            name=body["name"],
            status="queued",
            conclusion=None,
            app=caller.app,
            suite_id=world.suite_id(repo, sha, caller.app),
        )
        _apply(run, body)
        repo.check_runs[run.id] = run
        _complete_suite_if_done(world, repo, run, caller)
        return render(world, repo, run)


def update(
    world: World, repo: Repository, run_id: int, body: dict[str, Any], caller: Identity
) -> dict[str, Any]:
    _require_app(caller)
    with world.lock:
        run = repo.check_runs.get(run_id)
        if run is None:
            raise not_found()
        if run.app != caller.app:
            raise ApiError(
                403,
                "Invalid app_id `%s` - check run can only be modified by its creator."
                % (caller.app.app_id if caller.app else 0),
                documentation_url=CHECKS_DOCS,
            )
        _validate(body, creating=False)
        _apply(run, body)
        _complete_suite_if_done(world, repo, run, caller)
        return render(world, repo, run)


# GitHub: "The check suite reports the highest priority check run conclusion".
_CONCLUSION_PRIORITY = (
    "action_required",
    "cancelled",
    "timed_out",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
)


def _complete_suite_if_done(
    world: World, repo: Repository, run: CheckRun, caller: Identity
) -> None:
    """Emit `check_suite` `completed` to the App once every run of its suite has completed,
    as GitHub does. The latest run of each name counts, so an App that reports "pending"
    then "success" under one name completes its suite with success."""
    if run.status != "completed":
        return
    latest: dict[str, CheckRun] = {}
    for other in sorted(repo.check_runs.values(), key=lambda r: r.id):
        if other.suite_id == run.suite_id:
            latest[other.name] = other
    if any(r.status != "completed" for r in latest.values()):
        return
    conclusions = {r.conclusion for r in latest.values()}
    conclusion = next((c for c in _CONCLUSION_PRIORITY if c in conclusions), "neutral")
    ci_events.complete_check_suite(world, repo, run.sha, conclusion, run.app, caller.actor)


def get(world: World, repo: Repository, run_id: int) -> dict[str, Any]:
    with world.lock:
        run = repo.check_runs.get(run_id)
        if run is None:
            raise not_found()
        return render(world, repo, run)


def for_commit(
    world: World, repo: Repository, sha: str, name: str | None, status: str | None
) -> list[dict]:
    """Check runs on a commit, newest first, filtered like GitHub's `check_name`/`status`."""
    with world.lock:
        runs = [r for r in repo.check_runs.values() if r.sha == sha]
        runs = [
            r
            for r in runs
            if (name is None or r.name == name) and (status is None or r.status == status)
        ]
        return [render(world, repo, r) for r in sorted(runs, key=lambda r: -r.id)]


def render(world: World, repo: Repository, run: CheckRun) -> dict[str, Any]:
    return views.check_run(world.base, repo, run, world.check_pulls(repo, run.sha))
