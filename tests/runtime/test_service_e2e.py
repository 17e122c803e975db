"""The service end to end: GitHub (the simulator) sends signed webhooks to
``gh-promotion service`` over real HTTP, and the service promotes through the
simulator's REST API — authenticated as a GitHub App, from the config or from SSM."""

from __future__ import annotations

import json
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gh_promotion.simulator import SimApp, Simulator
from testkit.deliveries import SECRET, signed
from testkit.payloads import example
from tests.moto_server import MotoServer
from tests.runtime.conftest import new_repository
from tests.runtime.helpers import ServiceProcess, clean_env, http
from tests.runtime.test_service import _refusals


@pytest.fixture(autouse=True)
def clean_simulator(sim: Simulator) -> Iterator[None]:
    yield
    sim.set_latency(0)
    sim.set_webhook(None)
    sim.wait_for_webhooks(timeout=30)
    sim.clear_deliveries()
    sim.clear_requests()


def app_service(sim: Simulator, app: SimApp, tmp_path: Path, **env: str) -> ServiceProcess:
    """The service authenticating as ``app`` (auth mode ``app``), pointed at the simulator."""
    variables = {
        "GITHUB_AUTH_MODE": "app",
        "GITHUB_APP_ID": str(app.app_id),
        "GITHUB_APP_PRIVATE_KEY": app.private_key_pem,
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": sim.api_url,
    }
    service = ServiceProcess([], clean_env(**(variables | env)), tmp_path)
    service.wait_listening()
    return service


def push_deliveries(sim: Simulator) -> list:
    return [d for d in sim.deliveries if d.event == "push"]


def test_a_push_to_main_opens_the_pull_request_to_staging(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    service = app_service(sim, app, tmp_path)
    try:
        sim.set_webhook(service.base_url, SECRET)
        repo = new_repository(sim)
        head = repo.push("main", "feature: login page")
        sim.wait_for_webhooks(timeout=30)
        assert [d.status for d in push_deliveries(sim)] == [200]
        pulls = repo.pull_requests()
        assert [(p["head"]["ref"], p["base"]["ref"]) for p in pulls] == [("main", "staging")]
        assert pulls[0]["head"]["sha"] == head
        assert service.stop() == 0
    finally:
        service.kill()
    assert app.private_key_pem.splitlines()[1] not in "".join(service.stdout + service.stderr)


def test_refused_deliveries_write_nothing_to_github(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    service = app_service(sim, app, tmp_path)
    try:
        sim.clear_requests()
        for _, headers, body, status, _ in _refusals():
            assert http("POST", service.base_url, body, headers)[0] == status
        assert sim.requests == []
    finally:
        service.kill()


def test_sigterm_lets_a_slow_delivery_finish_then_exits_0(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    service = app_service(sim, app, tmp_path)
    try:
        sim.set_webhook(service.base_url, SECRET)
        repo = new_repository(sim)
        sim.set_latency(0.4)  # every GitHub API call now takes 0.4 s
        repo.push("main", "slow change")
        deadline = time.monotonic() + 20
        while not sim.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sim.requests, "the service never started on the delivery"
        service.process.send_signal(signal.SIGTERM)  # mid-delivery
        time.sleep(0.3)
        port = int(service.root.rsplit(":", 1)[1])
        with pytest.raises(ConnectionRefusedError):  # no new connections once stopping
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        assert service.process.wait(30) == 0
    finally:
        service.kill()
    assert "finishing 1 request(s) in flight" in "".join(service.stderr)
    assert [d.status for d in push_deliveries(sim)] == [200]  # answered, not dropped
    assert [p["base"]["ref"] for p in repo.pull_requests()] == ["staging"]


def test_ssm_credentials_drive_app_auth_and_reports_land_in_s3(
    sim: Simulator, app: SimApp, moto_server: MotoServer, tmp_path: Path
) -> None:
    """App id, key and webhook secret come from SSM only; the simulator checks the App JWT."""
    parameter = f"/gh-promotion/{uuid.uuid4().hex}"
    moto_server.client("ssm").put_parameter(
        Name=parameter,
        Type="SecureString",
        Value=json.dumps(
            {"app_id": app.app_id, "private_key": app.private_key_pem, "webhook_secret": SECRET}
        ),
    )
    bucket = f"reports-{uuid.uuid4().hex[:8]}"
    s3 = moto_server.client("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    env = clean_env(
        **moto_server.env,
        GITHUB_AUTH_MODE="ssm",
        GITHUB_APP_SSM_ARN=parameter,
        GITHUB_API_URL=sim.api_url,
        PROMOTION_REPORT_S3_UPLOAD="true",
        PROMOTION_REPORT_S3_BUCKET=bucket,
    )
    service = ServiceProcess([], env, tmp_path)
    try:
        service.wait_listening()
        sim.set_webhook(service.base_url, SECRET)
        repo = new_repository(sim)
        repo.push("main", "from ssm")
        sim.wait_for_webhooks(timeout=30)
        assert [d.status for d in push_deliveries(sim)] == [200]
        assert any(r.token_kind == "jwt" for r in sim.requests)  # the App JWT was accepted
        assert len(repo.pull_requests()) == 1
        assert service.stop() == 0
    finally:
        service.kill()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=repo.full_name)["Contents"]]
    reports = [json.loads(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in keys]
    push_report = next(r for r in reports if r["event"] == "push")
    writes = push_report["result"]["writes"]
    assert "create_pull_request" in [w["action"] for w in writes]
    assert all(w["outcome"] == "done" and w["duration_ms"] > 0 for w in writes)


def test_an_unsigned_webhook_from_the_right_github_is_still_refused(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    service = app_service(sim, app, tmp_path)
    try:
        sim.set_webhook(service.base_url, "a different secret")
        new_repository(sim).push("main")
        sim.wait_for_webhooks(timeout=30)
        assert [d.status for d in push_deliveries(sim)] == [401]
        headers, body = signed("ping", example("ping/payload.json"))
        assert http("POST", service.base_url, body, headers)[0] == 200
    finally:
        service.kill()


def test_concurrent_deliveries_are_handled_in_parallel(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    """Four slow deliveries at once take about as long as one, not four times as long."""
    repos = [new_repository(sim) for _ in range(4)]
    for repo in repos:
        repo.push("main", "parallel change")
    sim.wait_for_webhooks()
    payloads = [d.payload for d in push_deliveries(sim)]
    service = app_service(sim, app, tmp_path)
    try:
        sim.set_latency(0.25)

        def deliver(payload: dict) -> tuple[int, float]:
            headers, body = signed("push", payload)
            started = time.monotonic()
            status = http("POST", service.base_url, body, headers, timeout=30)[0]
            return status, time.monotonic() - started

        single_status, single = deliver(payloads[0])
        with ThreadPoolExecutor(3) as pool:
            started = time.monotonic()
            answers = list(pool.map(deliver, payloads[1:]))
            together = time.monotonic() - started
    finally:
        service.kill()
    assert [single_status] + [status for status, _ in answers] == [200] * 4
    assert together < 2 * single, f"3 deliveries took {together:.2f}s, one took {single:.2f}s"
    assert all(len(repo.pull_requests()) == 1 for repo in repos)


@pytest.mark.parametrize("feedback", ["commit status", "check run"])
def test_one_approval_moves_one_stage_whatever_github_echoes_back(
    sim: Simulator, app: SimApp, tmp_path: Path, feedback: str
) -> None:
    """gh-promotion's "promoted" feedback is a success on the commit the next
    promotion request starts from; GitHub sends it back (a `status` event, or
    `check_suite` completed for the App's own suite), and that must not carry
    the commit on to the next stage."""
    statuses = feedback == "commit status"
    env = {"FEEDBACK_COMMIT_STATUS": str(statuses), "FEEDBACK_CHECK_RUN": str(not statuses)}
    service = app_service(sim, app, tmp_path, **env)
    try:
        sim.set_webhook(service.base_url, SECRET)
        repo = new_repository(sim, "main,staging,canary")
        released = repo.branch_sha("canary")
        head = repo.push("main", "one reviewed change")
        sim.wait_for_webhooks(timeout=30)
        (to_staging,) = repo.pull_requests()
        repo.approve(to_staging["number"])
        sim.wait_for_webhooks(timeout=30)
        echoes = [
            d.payload
            for d in sim.deliveries
            if (
                d.event == "status" and d.payload["sha"] == head and d.payload["state"] == "success"
            )
            or (d.event == "check_suite" and d.payload["check_suite"]["conclusion"] == "success")
        ]
        assert echoes, "GitHub did not echo gh-promotion's own success back"
        assert all(d.status == 200 for d in sim.deliveries)
        assert repo.branch_sha("staging") == head
        assert repo.branch_sha("canary") == released  # no signal for canary yet
        assert [(p["head"]["ref"], p["base"]["ref"]) for p in repo.pull_requests()] == [
            ("staging", "canary")
        ]
    finally:
        service.kill()
