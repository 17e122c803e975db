"""Lambda HTTP in-process: mangum + a2wsgi around the service's Flask app, for every
event shape API Gateway and Function URLs produce."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from gh_promotion import aws_lambda
from tests.payloads import example
from tests.runtime import lambda_events
from tests.runtime.helpers import SECRET, config_from_env, signed

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


def test_an_unsupported_event_is_400() -> None:
    headers, body = signed("star", example("star/created.payload.json"))
    response = aws_lambda.handler(lambda_events.http_api_v2(headers, body, path="/hooks"), None)
    assert response["statusCode"] == 400
    assert body_of(response)["error"] == "unsupported event type: star"


def test_the_http_handler_refuses_an_eventbridge_event() -> None:
    event = lambda_events.eventbridge("ping", {"zen": "x"}, "eb-1")
    assert aws_lambda.http_handler(event, None)["statusCode"] == 400


def test_without_a_webhook_secret_it_refuses_to_serve() -> None:
    aws_lambda.use_config(config_from_env(GITHUB_AUTH_MODE="token", GITHUB_TOKEN=TOKEN))
    headers, body = ping()
    response = aws_lambda.handler(lambda_events.http_api_v2(headers, body), None)
    assert response["statusCode"] == 500
    assert "no webhook secret" in body_of(response)["error"]


def test_the_lambda_context_reaches_the_access_log(caplog: pytest.LogCaptureFixture) -> None:
    class Context:
        aws_request_id = "8f5a2c1e-lambda-request"

    headers, body = ping()
    with caplog.at_level("INFO", logger="gh_promotion.access"):
        aws_lambda.handler(lambda_events.http_api_v2(headers, body, path="/hooks"), Context())
    lines = [r for r in caplog.records if r.name == "gh_promotion.access"]
    assert [r.aws_request_id for r in lines] == ["8f5a2c1e-lambda-request"]
