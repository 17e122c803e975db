"""The Lambda's CloudWatch embedded-metric-format line: a local `lambda event` invoke
against the simulator (the line on stderr, stdout keeps the result alone), and the
Runtime API loop (the line on stdout, where CloudWatch Logs reads it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from gh_promotion.simulator import SimApp, Simulator
from testkit import lambda_events
from tests.runtime.conftest import new_repository
from tests.runtime.fake_runtime_api import FakeRuntimeApi
from tests.runtime.helpers import app_env, clean_env

NAMESPACE = "Test/GhPromotion"


def invoke_event(
    sim: Simulator, app: SimApp, event: str, payload: dict, tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gh_promotion", "lambda", "event"],
        input=json.dumps(lambda_events.eventbridge(event, payload, f"emf-{event}")),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=app_env(sim.api_url, app, METRICS_NAMESPACE=NAMESPACE, **env),
        timeout=60,
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        try:
            decoded = json.loads(line)
        except ValueError:
            continue
        if isinstance(decoded, dict):
            lines.append(decoded)
    return lines


def emf_lines(text: str) -> list[dict[str, Any]]:
    return [line for line in json_lines(text) if "_aws" in line]


def metrics_of(document: dict[str, Any]) -> dict[str, tuple[Any, list[str], str]]:
    """``{name: (value, dimension names, unit)}``, checking the document as CloudWatch would:
    every metric and dimension it declares has its value at the root."""
    directive = document["_aws"]
    assert isinstance(directive["Timestamp"], int)
    found = {}
    for entry in directive["CloudWatchMetrics"]:
        assert entry["Namespace"] == NAMESPACE
        (dimensions,) = entry["Dimensions"]
        for name in dimensions:
            assert isinstance(document[name], str) and document[name]
        for metric in entry["Metrics"]:
            found[metric["Name"]] = (document[metric["Name"]], dimensions, metric["Unit"])
    return found


def sent(sim: Simulator, event: str) -> dict:
    sim.wait_for_webhooks(timeout=30)
    return next(d.payload for d in reversed(sim.deliveries) if d.event == event)


def test_a_local_invoke_writes_one_emf_line_to_stderr_and_the_result_alone_to_stdout(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    sim.set_webhook(None)
    sim.clear_deliveries()
    repo = new_repository(sim)
    repo.push("main", "feature: emf")

    opened = invoke_event(sim, app, "push", sent(sim, "push"), tmp_path)
    assert opened.returncode == 0, opened.stderr
    assert json.loads(opened.stdout)["status"] == "pending"  # stdout: the result alone
    (document,) = emf_lines(opened.stderr)
    metrics = metrics_of(document)
    assert metrics["Deliveries"] == (1, ["event", "status"], "Count")
    assert (document["event"], document["status"]) == ("push", "pending")
    (line,) = [r for r in json_lines(opened.stderr) if "github_requests" in r]
    assert metrics["GitHubRequests"][0] == line["github_requests"] > 0
    assert metrics["DeliveryDuration"][2] == "Seconds"
    assert "Promotions" not in metrics

    (pull,) = repo.pull_requests()
    repo.approve(pull["number"])
    promoted = invoke_event(
        sim, app, "pull_request_review", sent(sim, "pull_request_review"), tmp_path
    )
    assert json.loads(promoted.stdout)["status"] == "promoted", promoted.stderr
    assert repo.branch_sha("staging") == pull["head"]["sha"]
    (document,) = emf_lines(promoted.stderr)
    metrics = metrics_of(document)
    assert metrics["Promotions"] == (1, ["stage", "outcome"], "Count")
    assert (document["stage"], document["outcome"]) == ("staging", "promoted")
    lead, dimensions, unit = metrics["PromotionLeadTime"]
    assert (dimensions, unit) == (["stage"], "Seconds") and lead >= 0
    assert repo.full_name not in json.dumps(document)  # no repository unless asked for


def test_metrics_off_writes_no_emf_line(sim: Simulator, app: SimApp, tmp_path: Path) -> None:
    done = invoke_event(sim, app, "ping", {"zen": "x"}, tmp_path, METRICS_ENABLED="false")
    assert done.returncode == 0, done.stderr
    assert emf_lines(done.stderr) == [] and emf_lines(done.stdout) == []


def test_inside_lambda_the_emf_line_goes_to_stdout(tmp_path: Path) -> None:
    from testkit.deliveries import SECRET

    env = {"GITHUB_AUTH_MODE": "token", "GITHUB_TOKEN": "ghp_" + "m" * 36}
    env |= {"GITHUB_WEBHOOK_SECRET": SECRET, "METRICS_NAMESPACE": NAMESPACE}
    with FakeRuntimeApi() as api:
        api.invoke("req-1", lambda_events.eventbridge("ping", {"zen": "x"}, "emf-ric"))
        process = subprocess.Popen(
            [sys.executable, "-m", "gh_promotion", "lambda", "event"],
            cwd=tmp_path,
            env=clean_env(AWS_LAMBDA_RUNTIME_API=api.address, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            outcome = api.outcome()
        finally:
            process.kill()
            stdout, stderr = process.communicate(timeout=10)
    assert (outcome.kind, outcome.body["status"]) == ("response", "pong"), stderr
    (document,) = emf_lines(stdout)
    assert metrics_of(document)["Deliveries"][0] == 1
    assert (document["event"], document["status"]) == ("ping", "pong")
    assert emf_lines(stderr) == []


def test_a_scheduled_reconcile_writes_its_run_as_emf(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    from tests.reconcile.test_schedule_lambda import SCHEDULED

    repo = new_repository(sim)
    done = subprocess.run(
        [sys.executable, "-m", "gh_promotion", "lambda", "event"],
        input=json.dumps(SCHEDULED),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=app_env(
            sim.api_url, app, METRICS_NAMESPACE=NAMESPACE, RECONCILE_REPOSITORIES=repo.full_name
        ),
        timeout=120,
    )
    summary = json.loads(done.stdout)  # stdout: the summary alone
    assert summary["status"] == "reconciled", done.stderr
    (document,) = emf_lines(done.stderr)
    metrics = metrics_of(document)
    assert metrics["ReconcileRuns"][0] == 1
    assert metrics["ReconcileOutcomes"][0] == len(summary["results"])
    assert metrics["GitHubRequests"][0] > 0
