"""Lambda HTTP in-process: mangum + a2wsgi around the service's Flask app, for every
event shape API Gateway and Function URLs produce."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from gh_promotion import log
from gh_promotion.runtime import aws_lambda
from testkit import lambda_events
from testkit.deliveries import SECRET, signed
from testkit.payloads import example
from tests.reliability.bad_inputs import lambda_envelope_cases
from tests.runtime.helpers import config_from_env

TOKEN = "ghp_" + "l" * 36


@pytest.fixture(autouse=True)
def lambda_config() -> Iterator[None]:
    aws_lambda.use_config(
        config_from_env(
            GITHUB_WEBHOOK_SECRET=SECRET,
            GITHUB_AUTH_MODE="token",
            GITHUB_TOKEN=TOKEN,
            HOST_PATH="/hooks",
        )
    )
    yield


def body_of(response: dict[str, Any]) -> dict[str, Any]:
    raw = response["body"]
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    return json.loads(raw)


def ping() -> tuple[dict[str, str], bytes]:
    return signed("ping", example("ping/with-app_id.payload.json"), delivery_id="lambda-ping")


def test_rest_api_v1_with_multi_value_headers() -> None:
    headers, body = ping()
    response = aws_lambda.handler(lambda_events.rest_api_v1(headers, body, path="/hooks"), None)
    assert response["statusCode"] == 200
    assert body_of(response)["status"] == "pong"
    assert "multiValueHeaders" in response  # answered in the v1 shape


def test_rest_api_v1_with_a_base64_body() -> None:
    headers, body = ping()
    event = lambda_events.rest_api_v1(headers, body, path="/hooks", base64_body=True)
    assert aws_lambda.handler(event, None)["statusCode"] == 200


def test_http_api_v2_with_lower_case_headers_and_base64_body() -> None:
    headers, body = ping()
    response = aws_lambda.handler(lambda_events.http_api_v2(headers, body, path="/hooks"), None)
    assert response["statusCode"] == 200
    assert body_of(response)["delivery_id"] == "lambda-ping"


def test_http_api_v2_on_a_named_stage() -> None:
    headers, body = ping()
    event = lambda_events.http_api_v2(headers, body, path="/hooks", stage="prod")
    assert event["rawPath"] == "/prod/hooks"
    assert aws_lambda.handler(event, None)["statusCode"] == 200


def test_a_stage_name_is_stripped_only_as_a_whole_segment() -> None:
    headers, body = ping()
    event = lambda_events.http_api_v2(headers, body, path="/hooks", stage="prod")
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/production/hooks"
    assert aws_lambda.stage_base_path(event) == "/"
    assert aws_lambda.handler(event, None)["statusCode"] == 404


def test_function_url() -> None:
    headers, body = ping()
    event = lambda_events.function_url(headers, body, path="/hooks")
    assert aws_lambda.http_event_shape(event) == "lambda-url"
    response = aws_lambda.handler(event, None)
    assert response["statusCode"] == 200
    assert body_of(response)["status"] == "pong"


@pytest.mark.parametrize(
    "shape", [lambda_events.rest_api_v1, lambda_events.http_api_v2, lambda_events.function_url]
)
def test_a_wrong_signature_is_401_in_every_shape(shape: Any) -> None:
    headers, body = ping()
    headers["X-Hub-Signature-256"] = "sha256=" + "0" * 64
    response = aws_lambda.handler(shape(headers, body, path="/hooks"), None)
    assert response["statusCode"] == 401
    assert "X-Hub-Signature-256" in body_of(response)["error"]


def test_get_on_the_webhook_path_is_405_and_healthz_answers() -> None:
    headers, _ = ping()
    event = lambda_events.http_api_v2(headers, b"", path="/hooks", method="GET")
    assert aws_lambda.handler(event, None)["statusCode"] == 405
    health = lambda_events.http_api_v2({}, b"", path="/healthz", method="GET")
    assert body_of(aws_lambda.handler(health, None))["status"] == "ok"


def test_a_github_event_it_does_not_act_on_is_200_skipped() -> None:
    headers, body = signed("installation", example("installation/created.payload.json"))
    response = aws_lambda.handler(lambda_events.http_api_v2(headers, body, path="/hooks"), None)
    assert response["statusCode"] == 200
    answer = body_of(response)
    assert (answer["status"], answer["reason"]) == (
        "skipped",
        "gh-promotion does not act on installation events",
    )


def test_a_name_that_is_no_github_event_is_400() -> None:
    headers, body = signed("invalid", example("star/created.payload.json"))
    response = aws_lambda.handler(lambda_events.http_api_v2(headers, body, path="/hooks"), None)
    assert response["statusCode"] == 400
    assert body_of(response)["error"] == "unknown event type: invalid"


def test_the_http_handler_refuses_an_eventbridge_event() -> None:
    event = lambda_events.eventbridge("ping", {"zen": "x"}, "eb-1")
    assert aws_lambda.http_handler(event, None)["statusCode"] == 400


def test_without_a_webhook_secret_it_refuses_to_serve() -> None:
    aws_lambda.use_config(config_from_env(GITHUB_AUTH_MODE="token", GITHUB_TOKEN=TOKEN))
    headers, body = ping()
    response = aws_lambda.handler(lambda_events.http_api_v2(headers, body), None)
    assert response["statusCode"] == 500
    assert "no webhook secret" in body_of(response)["error"]


def test_the_lambda_request_id_reaches_the_delivery_line() -> None:
    """Under Lambda the delivery's one line carries the request id, to find it in CloudWatch."""

    class Context:
        aws_request_id = "8f5a2c1e-lambda-request"

    stream = io.StringIO()
    log.configure(verbosity=0, stream=stream)
    try:
        headers, body = ping()
        aws_lambda.handler(lambda_events.http_api_v2(headers, body, path="/hooks"), Context())
    finally:
        log.configure(verbosity=0)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(r["logger"], r["aws_request_id"]) for r in lines] == [
        ("gh_promotion.delivery", "8f5a2c1e-lambda-request")
    ]


# -- events API Gateway never sends: a 400 naming the field, never a crash in mangum ----


@pytest.mark.parametrize(
    ("name", "event"),
    lambda_envelope_cases(*ping()),
    ids=[n for n, _ in lambda_envelope_cases(*ping())],
)
def test_a_malformed_http_event_is_400_with_one_log_line(
    name: str, event: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO"):
        response = aws_lambda.handler(event, None)  # raising would be API Gateway's 502
    assert response["statusCode"] == 400
    assert body_of(response)["error"].startswith(("not a valid ", "not an API Gateway"))
    assert [r.levelname for r in caplog.records] == ["WARNING"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            {"body": {"zen": "x"}},
            "HTTP API or Function URL (payload 2.0) event: body must be a string, got an object",
        ),
        ({"headers": None}, "headers must be an object of strings, got null"),
        ({"isBase64Encoded": True, "body": "{}"}, "isBase64Encoded is true but body is not base64"),
    ],
)
def test_the_refusal_names_the_field(change: dict[str, Any], words: str) -> None:
    event = lambda_events.http_api_v2(*ping(), path="/hooks") | change
    assert words in body_of(aws_lambda.handler(event, None))["error"]


def test_an_http_api_payload_1_0_event_still_works() -> None:
    """HTTP APIs can send payload format 1.0: the v1 shape with ``version: "1.0"``."""
    event = lambda_events.rest_api_v1(*ping(), path="/hooks") | {"version": "1.0"}
    del event["resource"]
    assert body_of(aws_lambda.handler(event, None))["status"] == "pong"
