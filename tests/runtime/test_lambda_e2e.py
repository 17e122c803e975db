"""Lambda local invoke end to end: real webhook payloads from the simulator, replayed
through ``gh-promotion lambda event|http``, promoting through the simulator's API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from gh_promotion.simulator import SimApp, SimRepository, Simulator
from testkit import lambda_events
from testkit.deliveries import SECRET, signed
from tests.runtime.conftest import new_repository
from tests.runtime.helpers import clean_env


def last_push_payload(sim: Simulator, repo: SimRepository) -> dict[str, Any]:
    sim.wait_for_webhooks()
    pushes = [
        d
        for d in sim.deliveries
        if d.event == "push" and d.payload["repository"]["full_name"] == repo.full_name
    ]
    return pushes[-1].payload


def invoke(
    kind: str, event: dict[str, Any], sim: Simulator, app: SimApp, tmp_path: Path, **env: str
):
    variables = {
        "GITHUB_AUTH_MODE": "app",
        "GITHUB_APP_ID": str(app.app_id),
        "GITHUB_APP_PRIVATE_KEY": app.private_key_pem,
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": sim.api_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "gh_promotion", "lambda", kind],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(**(variables | env)),
        timeout=60,
    )


def test_lambda_event_promotes_and_exits_0(sim: Simulator, app: SimApp, tmp_path: Path) -> None:
    repo = new_repository(sim)
    head = repo.push("main", "feature")
    event = lambda_events.eventbridge("push", last_push_payload(sim, repo), "eb-push-1")
    done = invoke("event", event, sim, app, tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["status"], result["source"], result["target"]) == ("pending", "main", "staging")
    assert [p["head"]["sha"] for p in repo.pull_requests()] == [head]


def test_lambda_http_promotes_and_exits_0(sim: Simulator, app: SimApp, tmp_path: Path) -> None:
    repo = new_repository(sim)
    repo.push("main", "feature")
    headers, body = signed("push", last_push_payload(sim, repo), delivery_id="url-push-1")
    done = invoke("http", lambda_events.function_url(headers, body), sim, app, tmp_path)
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["delivery_id"] == "url-push-1"
    assert len(repo.pull_requests()) == 1


def test_a_rejected_rollback_exits_1(sim: Simulator, app: SimApp, tmp_path: Path) -> None:
    """``rollback-staging`` ahead of staging would move it forward: refused, exit 1."""
    repo = new_repository(sim)
    staging_before = repo.branch_sha("staging")
    repo.push("rollback-staging", "not a step back")
    event = lambda_events.eventbridge("push", last_push_payload(sim, repo), "eb-rollback-1")
    done = invoke("event", event, sim, app, tmp_path, PROMOTION_ROLLBACK="true")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["status"] == "rejected"
    assert repo.branch_sha("staging") == staging_before
