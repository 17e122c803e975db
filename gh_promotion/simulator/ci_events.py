"""Events that CI systems cause on GitHub: check suites, workflow runs, deployment statuses.

The simulator runs no CI; tests play CI's part through these (via `SimRepository`), and the
payloads carry what GitHub's do, shaped like the octokit/webhooks examples.
"""

from __future__ import annotations

from typing import Any

from gh_promotion.simulator import clock, views
from gh_promotion.simulator.model import (
    ACTIONS_APP,
    Actor,
    CheckRun,
    Repository,
    SimApp,
    iso,
    next_id,
)
from gh_promotion.simulator.world import ZERO_SHA, World

WORKFLOW_PATH = ".github/workflows/ci.yml"


def _commit_facts(world: World, repo: Repository, sha: str) -> tuple[str, str | None, Any]:
    full = repo.git.resolve(sha)
    if full is None:
        raise ValueError(f"no commit {sha!r} in {repo.full_name}")
    branch = next((b for b, s in repo.branches.items() if s == full), None)
    return full, branch, repo.git.info(full)


def _head_commit(info: Any) -> dict[str, Any]:
    return {
        "id": info.sha,
        "tree_id": info.tree,
        "message": info.message,
        "timestamp": iso(info.committer_time),
        "author": {"name": info.author_name, "email": info.author_email},
        "committer": {"name": info.committer_name, "email": info.committer_email},
    }


def complete_check_suite(
    world: World, repo: Repository, sha: str, conclusion: str, app: SimApp | None, who: Actor
) -> dict[str, Any]:
    """Emit `check_suite` `completed` for `sha`, as GitHub does when all its runs finished."""
    with world.lock:
        full, branch, info = _commit_facts(world, repo, sha)
        suite_id = world.suite_id(repo, full, app)
        api = f"{world.base}/repos/{repo.full_name}"
        now = iso(clock.now())
        suite = {
            "id": suite_id,
            "node_id": views.node_id("CheckSuite", suite_id),
            "head_branch": branch,
            "head_sha": full,
            "status": "completed",
            "conclusion": conclusion,
            "url": f"{api}/check-suites/{suite_id}",
            "before": info.parents[0] if info.parents else ZERO_SHA,
            "after": full,
            "pull_requests": world.check_pulls(repo, full),
            "app": views.app(world.base, app) if app else None,
            "created_at": now,
            "updated_at": now,
            "latest_check_runs_count": sum(1 for r in repo.check_runs.values() if r.sha == full),
            "check_runs_url": f"{api}/check-suites/{suite_id}/check-runs",
            "head_commit": _head_commit(info),
        }
        world.emit_event("check_suite", repo, who, {"action": "completed", "check_suite": suite})
        return suite


def complete_workflow_run(
    world: World, repo: Repository, sha: str, conclusion: str, name: str, who: Actor
) -> dict[str, Any]:
    """Emit `workflow_run` `completed` (a GitHub Actions run finished on `sha`)."""
    with world.lock:
        full, branch, info = _commit_facts(world, repo, sha)
        run_id, workflow_id = next_id(), next_id()
        api = f"{world.base}/repos/{repo.full_name}"
        run_url = f"{api}/actions/runs/{run_id}"
        suite_id = world.suite_id(repo, full, None)
        now = iso(clock.now())
        run = {
            "id": run_id,
            "name": name,
            "node_id": views.node_id("WorkflowRun", run_id),
            "head_branch": branch,
            "head_sha": full,
            "path": WORKFLOW_PATH,
            "display_title": info.message.splitlines()[0] if info.message else "",
            "run_number": 1,
            "run_attempt": 1,
            "event": "push",
            "status": "completed",
            "conclusion": conclusion,
            "workflow_id": workflow_id,
            "check_suite_id": suite_id,
            "check_suite_node_id": views.node_id("CheckSuite", suite_id),
            "url": run_url,
            "html_url": f"{world.base}/{repo.full_name}/actions/runs/{run_id}",
            "pull_requests": world.check_pulls(repo, full),
            "created_at": now,
            "updated_at": now,
            "run_started_at": now,
            "actor": views.actor(world.base, who),
            "triggering_actor": views.actor(world.base, who),
            "jobs_url": f"{run_url}/jobs",
            "logs_url": f"{run_url}/logs",
            "check_suite_url": f"{api}/check-suites/{suite_id}",
            "artifacts_url": f"{run_url}/artifacts",
            "cancel_url": f"{run_url}/cancel",
            "rerun_url": f"{run_url}/rerun",
            "previous_attempt_url": None,
            "workflow_url": f"{api}/actions/workflows/{workflow_id}",
            "head_commit": _head_commit(info),
            "repository": views.repository(world.base, repo),
            "head_repository": views.repository(world.base, repo),
        }
        workflow = {
            "id": workflow_id,
            "node_id": views.node_id("Workflow", workflow_id),
            "name": name,
            "path": WORKFLOW_PATH,
            "state": "active",
            "created_at": now,
            "updated_at": now,
            "url": f"{api}/actions/workflows/{workflow_id}",
            "html_url": f"{world.base}/{repo.full_name}/blob/{repo.default_branch}/{WORKFLOW_PATH}",
            "badge_url": f"{world.base}/{repo.full_name}/workflows/{name}/badge.svg",
        }
        repo.workflow_runs.insert(0, run)
        _job_check_run(repo, full, name, conclusion, suite_id)
        payload = {"action": "completed", "workflow_run": run, "workflow": workflow}
        world.emit_event("workflow_run", repo, who, payload)
        return run


def _job_check_run(repo: Repository, sha: str, name: str, conclusion: str, suite_id: int) -> None:
    """A workflow run's job, as GitHub shows it: a check run of the GitHub Actions App
    in the run's check suite (no event: gh-promotion subscribes to none of its kind)."""
    now = clock.now()
    run = CheckRun(
        next_id(),
        sha,
        name,
        "completed",
        conclusion,
        ACTIONS_APP,
        suite_id,
        started_at=now,
        completed_at=now,
    )
    repo.check_runs[run.id] = run


def create_deployment_status(
    world: World, repo: Repository, sha: str, state: str, environment: str, who: Actor
) -> dict[str, Any]:
    """Emit `deployment_status` `created` for a deployment of `sha` to `environment`."""
    with world.lock:
        full, branch, _info = _commit_facts(world, repo, sha)
        deployment_id, status_id = next_id(), next_id()
        api = f"{world.base}/repos/{repo.full_name}"
        deployment_url = f"{api}/deployments/{deployment_id}"
        now = iso(clock.now())
        creator = views.actor(world.base, who)
        deployment = {
            "url": deployment_url,
            "id": deployment_id,
            "node_id": views.node_id("Deployment", deployment_id),
            "sha": full,
            "ref": branch or full,
            "task": "deploy",
            "payload": {},
            "original_environment": environment,
            "environment": environment,
            "description": None,
            "creator": creator,
            "created_at": now,
            "updated_at": now,
            "statuses_url": f"{deployment_url}/statuses",
            "repository_url": api,
            "performed_via_github_app": None,
        }
        status = {
            "url": f"{deployment_url}/statuses/{status_id}",
            "id": status_id,
            "node_id": views.node_id("DeploymentStatus", status_id),
            "state": state,
            "creator": creator,
            "description": "",
            "environment": environment,
            "target_url": "",
            "created_at": now,
            "updated_at": now,
            "deployment_url": deployment_url,
            "repository_url": api,
            "performed_via_github_app": None,
        }
        repo.deployments.insert(0, deployment)
        repo.deployment_statuses.setdefault(deployment_id, []).insert(0, status)
        payload = {"action": "created", "deployment_status": status, "deployment": deployment}
        world.emit_event("deployment_status", repo, who, payload)
        return status
