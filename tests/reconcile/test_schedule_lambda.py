"""The Lambda's schedule: EventBridge's scheduled event runs a reconcile, through the
handler and through ``gh-promotion lambda event``; the SAM template schedules it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from gh_promotion.intake.eventbridge import is_eventbridge_event, is_scheduled_event
from gh_promotion.simulator import SimApp, Simulator
from testkit.lambda_events import eventbridge
from testkit.payloads import example
from tests.reconcile.redelivery_world import (
    app,
    clean_simulator,
    new_repo,
    sim,
    unanswered_pushes,
)
from tests.runtime.helpers import app_env
from tests.runtime.test_cold_start import loaded_after
from tests.runtime.test_deploy import SAM_TRANSLATE, TEMPLATE, _run

__all__ = ["app", "clean_simulator", "sim"]  # fixtures

# EventBridge's documented example of what a schedule rule sends
# (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html).
SCHEDULED = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2015-10-08T16:53:06Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"],
    "detail": {},
}
SWEEP_MODULES = (
    "gh_promotion.runtime.reconcile",
    "gh_promotion.runtime.sweep",
    "gh_promotion.runtime.redeliver",
    "gh_promotion.gateway.deliveries",
)


def test_a_scheduled_event_is_told_from_a_github_event() -> None:
    assert is_scheduled_event(SCHEDULED)
    github = eventbridge("push", example("push/with-installation.payload.json"), "d-1")
    assert is_eventbridge_event(github) and not is_scheduled_event(github)
    named_like_one = {**github, "detail-type": "Scheduled Event"}  # not from aws.events
    assert not is_scheduled_event(named_like_one)


def test_webhook_events_never_load_the_sweep() -> None:
    """The schedule costs a webhook's cold start nothing: its code loads on its own event."""
    loaded = loaded_after(
        f"""
        ours = {SWEEP_MODULES!r}
        loaded["imported"] = sorted(m for m in ours if m in sys.modules)
        event = {{"detail-type": "ping", "detail": {{}}, "id": "1", "source": "github.com"}}
        assert entry.handler(event, None)["status"] == "pong"
        loaded["ping"] = sorted(m for m in ours + heavy if m in sys.modules)
        """
    )
    assert (loaded["imported"], loaded["ping"]) == ([], [])


def scheduled_invoke(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``gh-promotion lambda event --event scheduled.json``, as a person runs it."""
    event_file = tmp_path / "scheduled.json"
    event_file.write_text(json.dumps(SCHEDULED))
    return subprocess.run(
        [sys.executable, "-m", "gh_promotion", "lambda", "event", "--event", str(event_file)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_lambda_event_runs_a_scheduled_reconcile_and_prints_its_summary(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    """Waits for the sweep (gh_promotion/runtime/sweep.py) to be merged."""
    repo = new_repo(sim, "scheduled")
    repo.push("main", message="pushed while no webhook was configured")  # a missed push
    (lost,) = unanswered_pushes(sim, 1, repo)  # and one nobody answered
    env = app_env(sim.api_url, app, RECONCILE_REPOSITORIES=repo.full_name)

    done = scheduled_invoke(env, tmp_path)

    assert done.returncode == 0, done.stderr
    summary: dict[str, Any] = json.loads(done.stdout)  # stdout: the summary alone
    assert (summary["status"], summary["needs_person"]) == ("reconciled", False)
    assert summary["outcomes"]["redelivered"] == 1, summary["results"]
    redelivered = [r for r in summary["results"] if r["status"] == "redelivered"]
    assert [(r["delivery_id"], r["repository"]) for r in redelivered] == [(lost, repo.full_name)]
    swept = [r for r in summary["results"] if r["status"] != "redelivered"]
    assert {r["repository"] for r in swept} == {repo.full_name}
    assert [p["base"]["ref"] for p in repo.pull_requests()] == ["staging"]  # the sweep's


def test_with_a_token_the_scheduled_reconcile_says_redelivery_was_skipped(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    """Waits for the sweep (gh_promotion/runtime/sweep.py) to be merged."""
    repo = new_repo(sim, "token")
    unanswered_pushes(sim, 1, repo)
    env = app_env(sim.api_url, app, RECONCILE_REPOSITORIES=repo.full_name) | {
        "GITHUB_AUTH_MODE": "token",
        "GITHUB_TOKEN": sim.create_personal_token("octocat"),
    }

    done = scheduled_invoke(env, tmp_path)

    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert "redelivered" not in summary["outcomes"]
    assert [n for n in summary["notes"] if n.startswith("redelivery skipped")]
    assert [r for r in sim.requests if r.path.startswith("/app/hook")] == []


def test_the_template_schedules_the_reconcile_and_an_empty_rate_disables_it() -> None:
    done = _run(SAM_TRANSLATE, TEMPLATE)
    assert done.returncode == 0, done.stdout + done.stderr
    resources = json.loads(done.stdout)["resources"]
    rule = resources["PromotionFunctionReconcile"]["Properties"]
    assert rule["ScheduleExpression"] == {
        "Fn::If": ["ReconcileEnabled", {"Ref": "ReconcileRate"}, "rate(1 day)"]
    }
    assert rule["State"] == {"Fn::If": ["ReconcileEnabled", "ENABLED", "DISABLED"]}
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["PromotionFunction", "Arn"]}
    permission = resources["PromotionFunctionReconcilePermission"]["Properties"]
    assert (permission["Principal"], permission["FunctionName"]) == (
        "events.amazonaws.com",
        {"Ref": "PromotionFunction"},
    )
    text = TEMPLATE.read_text()
    assert "Default: rate(10 minutes)" in text
    assert 'ReconcileEnabled: !Not [!Equals [!Ref ReconcileRate, ""]]' in text
