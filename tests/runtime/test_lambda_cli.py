"""``gh-promotion lambda http|event`` as a person or a container runs them:
one local invoke from stdin or a file, or the Runtime API loop through awslambdaric."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from testkit import lambda_events
from testkit.deliveries import SECRET, signed
from testkit.payloads import example, push
from tests.reliability.bad_inputs import lambda_envelope_cases
from tests.runtime.fake_runtime_api import FakeRuntimeApi
from tests.runtime.helpers import clean_env

TOKEN = "ghp_" + "t" * 36
BASE_ENV = {"GITHUB_AUTH_MODE": "token", "GITHUB_TOKEN": TOKEN, "GITHUB_WEBHOOK_SECRET": SECRET}


def invoke(
    kind: str, event: Any, tmp_path: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m gh_promotion lambda KIND`` with ``event`` on stdin."""
    stdin = event if isinstance(event, str) else json.dumps(event)
    return subprocess.run(
        [sys.executable, "-m", "gh_promotion", "lambda", kind, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(**(BASE_ENV | env)),
        timeout=60,
    )


def test_event_ping_prints_the_result_alone_and_exits_0(tmp_path: Path) -> None:
    done = invoke(
        "event", lambda_events.eventbridge("ping", example("ping/payload.json"), "eb-1"), tmp_path
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # stdout holds the JSON response and nothing else
    assert (result["status"], result["delivery_id"]) == ("pong", "eb-1")


def test_event_from_a_file(tmp_path: Path) -> None:
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(lambda_events.eventbridge("ping", {"zen": "x"}, "eb-2")))
    done = invoke("event", "", tmp_path, "--event", str(event_file))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["delivery_id"] == "eb-2"


@pytest.mark.parametrize(
    ("event", "words"),
    [
        ('{"detail-type": "push", ', "not valid JSON"),
        ('{"detail-type": "push", "detail": {"size": ' + "7" * 5000 + "}}", "not valid JSON"),
        ("[]", "must be a JSON object"),
        (lambda_events.http_api_v2({}, b"{}"), "use `lambda http`"),
        ({"detail-type": "push", "detail": [], "id": "x"}, "detail must be"),
    ],
    ids=["malformed", "5000-digit-integer", "array", "http-event", "detail-not-object"],
)
def test_event_bad_input_exits_2(tmp_path: Path, event: Any, words: str) -> None:
    done = invoke("event", event, tmp_path)
    assert done.returncode == 2
    assert words in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_event_unknown_exits_2_with_the_error_json(tmp_path: Path) -> None:
    event = lambda_events.eventbridge("invalid", example("star/created.payload.json"), "eb-3")
    done = invoke("event", event, tmp_path)
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"] == "unknown event type: invalid"


@pytest.mark.parametrize("name", ["installation", "installation_repositories", "meta", "star"])
def test_event_github_sends_but_it_does_not_act_on_is_skipped_exit_0(
    tmp_path: Path, name: str
) -> None:
    payload = example("installation/created.payload.json")
    done = invoke("event", lambda_events.eventbridge(name, payload, "eb-5"), tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["status"], result["reason"]) == (
        "skipped",
        f"gh-promotion does not act on {name} events",
    )


def test_event_github_unreachable_exits_1(tmp_path: Path) -> None:
    payload = push("octo/app", "main", "a" * 40, properties={})
    event = lambda_events.eventbridge("push", payload, "eb-4")
    done = invoke("event", event, tmp_path, GITHUB_API_URL="http://127.0.0.1:9")
    assert done.returncode == 1
    assert "GitHub unavailable" in json.loads(done.stdout)["error"]
    assert TOKEN not in done.stdout + done.stderr


def test_http_signed_ping_exits_0_with_the_http_response(tmp_path: Path) -> None:
    headers, body = signed("ping", example("ping/payload.json"), delivery_id="url-1")
    done = invoke("http", lambda_events.function_url(headers, body), tmp_path)
    assert done.returncode == 0, done.stderr
    response = json.loads(done.stdout)
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["delivery_id"] == "url-1"


def test_http_bad_signature_exits_2(tmp_path: Path) -> None:
    headers, body = signed("ping", example("ping/payload.json"), secret="not the secret")
    done = invoke("http", lambda_events.rest_api_v1(headers, body), tmp_path)
    assert done.returncode == 2
    assert json.loads(done.stdout)["statusCode"] == 401


def test_http_without_a_webhook_secret_refuses_and_exits_2(tmp_path: Path) -> None:
    headers, body = signed("ping", example("ping/payload.json"))
    done = invoke(
        "http", lambda_events.http_api_v2(headers, body), tmp_path, GITHUB_WEBHOOK_SECRET=""
    )
    assert done.returncode == 2
    assert "no webhook secret" in done.stderr


ISSUE_ENVELOPES = (  # the malformed Lambda HTTP events issue 11 saw crash inside mangum
    "body as an object",
    "body as a number",
    "isBase64Encoded with a body that is not base64",
    "v2 headers null",
    "v2 headers a list",
    "a numeric header value",
    "requestContext without http",
    'version "2.0" on a v1 event',
)


@pytest.mark.parametrize("name", ISSUE_ENVELOPES)
def test_http_malformed_event_exits_2_with_a_400_and_one_log_line(
    tmp_path: Path, name: str
) -> None:
    headers, body = signed("ping", example("ping/payload.json"))
    event = dict(lambda_envelope_cases(headers, body))[name]
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    done = invoke("http", "", tmp_path, "--event", str(event_file))
    assert (done.returncode, "Traceback" in done.stderr) == (2, False), done.stderr
    response = json.loads(done.stdout)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"].startswith("not a valid ")
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    about_the_event = [r for r in lines if r["logger"] != "gh_promotion.runtime.startup"]
    assert [r["message"].split(":")[0] for r in about_the_event] == [
        "refusing the Lambda HTTP event"
    ]


@pytest.fixture
def runtime_api() -> Iterator[FakeRuntimeApi]:
    with FakeRuntimeApi() as api:
        yield api


def start_runtime(
    command: Sequence[str], api: FakeRuntimeApi, tmp_path: Path, **extra: str
) -> subprocess.Popen[str]:
    env = clean_env(**(BASE_ENV | {"AWS_LAMBDA_RUNTIME_API": api.address} | extra))
    return subprocess.Popen(
        list(command),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> str:
    process.kill()
    _, stderr = process.communicate(timeout=10)
    return stderr


def test_lambda_event_runs_the_runtime_api_loop(
    runtime_api: FakeRuntimeApi, tmp_path: Path
) -> None:
    runtime_api.invoke("req-1", lambda_events.eventbridge("ping", {"zen": "x"}, "eb-10"))
    runtime_api.invoke("req-2", lambda_events.eventbridge("invalid", {"action": "x"}, "eb-11"))
    payload = push("octo/app", "main", "a" * 40, properties={})
    runtime_api.invoke("req-3", lambda_events.eventbridge("push", payload, "eb-12"))
    process = start_runtime(
        [sys.executable, "-m", "gh_promotion", "lambda", "event"],
        runtime_api,
        tmp_path,
        GITHUB_API_URL="http://127.0.0.1:9",  # nothing listens: GitHub is unavailable
    )
    try:
        first, second, third = (runtime_api.outcome() for _ in range(3))
    finally:
        stderr = stop(process)
    assert (first.request_id, first.kind, first.body["status"]) == ("req-1", "response", "pong"), (
        stderr
    )
    assert (second.request_id, second.kind) == ("req-2", "response")
    assert second.body["error"] == "unknown event type: invalid"  # returned: no retry helps
    # raised: Lambda marks the invocation failed, so EventBridge retries it later
    assert (third.request_id, third.kind) == ("req-3", "error")
    assert third.body["errorType"] == "DeliveryNotHandled"
    assert "GitHub unavailable" in third.body["errorMessage"]
    assert runtime_api.init_errors == []


def test_awslambdaric_runs_the_handler_with_config_from_the_environment(
    runtime_api: FakeRuntimeApi, tmp_path: Path
) -> None:
    """The container image's other entry point: ``python -m awslambdaric module.function``."""
    headers, body = signed("ping", example("ping/payload.json"), delivery_id="ric-http")
    runtime_api.invoke("req-1", lambda_events.http_api_v2(headers, body))
    runtime_api.invoke("req-2", lambda_events.eventbridge("ping", {"zen": "x"}, "ric-event"))
    command = [sys.executable, "-m", "awslambdaric", "gh_promotion.aws_lambda.handler"]
    process = start_runtime(command, runtime_api, tmp_path)
    try:
        first, second = runtime_api.outcome(), runtime_api.outcome()
    finally:
        stderr = stop(process)
    assert first.kind == "response", stderr
    assert first.body["statusCode"] == 200
    assert json.loads(first.body["body"])["delivery_id"] == "ric-http"
    assert (second.kind, second.body["delivery_id"]) == ("response", "ric-event")
    assert SECRET not in stderr


def test_a_terminal_on_stdin_is_told_what_to_do_instead_of_waiting(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "gh_promotion", "lambda", "event"],
            stdin=terminal,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=clean_env(**BASE_ENV),
            timeout=30,
        )
    finally:
        os.close(controller)
        os.close(terminal)
    assert done.returncode == 2
    assert "pipe one on stdin or pass --event FILE" in done.stderr
