"""Intake rules on GitHub's own payload examples: what is accepted, what is refused and how
(in-process, then through ``gh-promotion service`` over HTTP)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from gh_promotion.config.model import SUPPORTED_EVENTS
from gh_promotion.core.events import GITHUB_EVENTS
from gh_promotion.intake import IntakeError, read_delivery, sign
from gh_promotion.simulator import SimApp, Simulator
from testkit.deliveries import SECRET, signed
from testkit.payloads import example, push
from tests.runtime.conftest import new_repository
from tests.runtime.helpers import ServiceProcess, app_env, http
from tests.runtime.test_cold_start import loaded_after

# GitHub sends these to every App, whatever it subscribes to (issue 10).
ALWAYS_SENT_TO_AN_APP = frozenset(
    (
        "installation",
        "installation_repositories",
        "installation_target",
        "github_app_authorization",
        "meta",
    )
)


def refusal(headers: dict[str, str], body: bytes, **kwargs: object) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        read_delivery(headers, body, secret=SECRET, **kwargs)
    return caught.value


def test_a_signed_json_push_becomes_a_delivery() -> None:
    payload = example("push/with-installation.payload.json")
    headers, body = signed("push", payload, delivery_id="72d3162e")
    delivery = read_delivery(headers, body, secret=SECRET)
    assert (delivery.event, delivery.delivery_id) == ("push", "72d3162e")
    assert delivery.payload == payload
    assert delivery.repository == payload["repository"]["full_name"]


def test_header_names_are_case_insensitive() -> None:
    headers, body = signed("ping", example("ping/payload.json"))
    shouted = {name.upper(): value for name, value in headers.items()}
    assert read_delivery(shouted, body, secret=SECRET).event == "ping"
    lowered = [(name.lower(), value) for name, value in headers.items()]
    assert read_delivery(lowered, body, secret=SECRET).event == "ping"


def test_form_encoded_deliveries_carry_the_json_in_payload() -> None:
    payload = example("ping/with-app_id.payload.json")
    form = urlencode({"payload": json.dumps(payload)}).encode()
    headers, body = signed("ping", form, content_type="application/x-www-form-urlencoded")
    assert read_delivery(headers, body, secret=SECRET).payload == payload


def test_content_type_parameters_are_ignored() -> None:
    headers, body = signed("ping", {"zen": "x"}, content_type="Application/JSON; charset=utf-8")
    assert read_delivery(headers, body, secret=SECRET).payload == {"zen": "x"}


@pytest.mark.parametrize("missing", ["X-GitHub-Event", "X-GitHub-Delivery"])
def test_a_missing_required_header_is_named(missing: str) -> None:
    headers, body = signed("ping", {"zen": "x"})
    del headers[missing]
    error = refusal(headers, body)
    assert (error.status, error.message) == (400, f"missing {missing} header")


def test_an_unsigned_delivery_is_401() -> None:
    headers, body = signed("ping", {"zen": "x"})
    del headers["X-Hub-Signature-256"]
    assert refusal(headers, body).status == 401


def test_a_sha1_signature_alone_is_401_and_says_why() -> None:
    headers, body = signed("ping", {"zen": "x"})
    del headers["X-Hub-Signature-256"]
    headers["X-Hub-Signature"] = "sha1=0123456789abcdef0123456789abcdef01234567"
    error = refusal(headers, body)
    assert error.status == 401
    assert "SHA-1" in error.message


@pytest.mark.parametrize(
    "signature",
    [
        sign(b'{"zen": "y"}', SECRET),  # another body
        sign(b'{"zen": "x"}', "another secret"),
        "sha256=",
        "sha1=abc",
        "sha256=zz\u00e9",  # not even hex, not even ASCII
    ],
)
def test_a_wrong_signature_is_401(signature: str) -> None:
    headers, body = signed("ping", b'{"zen": "x"}')
    headers["X-Hub-Signature-256"] = signature
    error = refusal(headers, body)
    assert error.status == 401
    assert SECRET not in error.message


def test_skip_signature_accepts_unsigned_deliveries() -> None:
    headers, body = signed("ping", {"zen": "x"})
    del headers["X-Hub-Signature-256"]
    assert read_delivery(headers, body, secret="", skip_signature=True).event == "ping"


def test_a_body_over_the_limit_is_413() -> None:
    headers, body = signed("ping", {"zen": "x" * 100})
    assert refusal(headers, body, max_body_bytes=50).status == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", ""])
def test_other_content_types_are_415(content_type: str) -> None:
    headers, body = signed("ping", {"zen": "x"}, content_type=content_type)
    if not content_type:
        del headers["Content-Type"]
    assert refusal(headers, body).status == 415


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"zen": ', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"zen": "x"}'.encode("utf-16"), "not UTF-8"),
        ('{"zen": "x"}'.encode("utf-32"), "not UTF-8"),
        ('{"zen": "x"}'.encode("utf-16-le"), "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"push"', "must be a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_malformed_payloads_are_400(raw: bytes, words: str) -> None:
    headers, body = signed("push", raw)
    error = refusal(headers, body)
    assert error.status == 400
    assert words in error.message


def test_a_form_without_payload_is_400() -> None:
    headers, body = signed("ping", b"zen=nothing", content_type="application/x-www-form-urlencoded")
    error = refusal(headers, body)
    assert (error.status, error.message) == (400, "form body has no payload field")


@pytest.mark.parametrize("event", ["invalid", "PUSH", "pushes", "../push", "Ping"])
def test_a_name_that_is_no_github_event_is_400(event: str) -> None:
    """As the Go tool's tests expect: GitHub's names are exact and lower-case."""
    headers, body = signed(event, example("push/with-installation.payload.json"))
    error = refusal(headers, body)
    assert (error.status, error.message) == (400, f"unknown event type: {event}")


@pytest.mark.parametrize("event", [*sorted(ALWAYS_SENT_TO_AN_APP), "star", "check_run"])
def test_a_github_event_gh_promotion_does_not_act_on_is_accepted(event: str) -> None:
    headers, body = signed(event, example("installation/created.payload.json"))
    assert read_delivery(headers, body, secret=SECRET).event == event


def test_the_vendored_event_names_hold_what_gh_promotion_relies_on() -> None:
    assert set(SUPPORTED_EVENTS) | {"ping"} | ALWAYS_SENT_TO_AN_APP <= GITHUB_EVENTS
    assert all(name == name.lower() and name.isidentifier() for name in GITHUB_EVENTS)


@pytest.mark.parametrize("event", ["invalid", "installation"])
def test_the_signature_is_checked_before_the_event_name(event: str) -> None:
    headers, body = signed(event, {"zen": "x"})
    headers["X-Hub-Signature-256"] = "sha256=" + "0" * 64
    assert refusal(headers, body).status == 401


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_an_integer_too_long_to_convert_is_400(content_type: str) -> None:
    """Python refuses int() of more than 4300 digits with a ValueError (was a 500)."""
    raw = b'{"ref": "refs/heads/main", "size": ' + b"7" * 5000 + b"}"
    if content_type != "application/json":
        raw = urlencode({"payload": raw.decode()}).encode()
    headers, body = signed("push", raw, content_type=content_type)
    error = refusal(headers, body)
    assert (error.status, error.message) == (400, "payload has an integer of over 4300 digits")


def test_the_signature_is_checked_before_anything_in_the_body() -> None:
    """An unsigned sender learns nothing about what the body would have needed."""
    headers, body = signed("star", b"not json", content_type="text/plain")
    headers["X-Hub-Signature-256"] = "sha256=" + "0" * 64
    assert refusal(headers, body).status == 401


# -- through the service over HTTP, as GitHub sends them --------------------------------

UNHANDLED = sorted(GITHUB_EVENTS - set(SUPPORTED_EVENTS) - {"ping"})


@pytest.fixture(scope="module")
def app_service(
    sim: Simulator, app: SimApp, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """``gh-promotion service`` as the App against the simulator, logging at info."""
    env = app_env(sim.api_url, app, VERBOSE="1")
    service = ServiceProcess([], env, tmp_path_factory.mktemp("intake-service"))
    try:
        service.wait_listening()
        yield service
    finally:
        service.kill()


def test_every_github_event_it_does_not_act_on_is_200_skipped_with_no_github_request(
    sim: Simulator, app_service: ServiceProcess
) -> None:
    """Each body is a push to a stage, which would open a pull request if acted on."""
    repo = new_repository(sim)
    would_promote = push(repo.full_name, "main", repo.branch_sha("main"), properties=None)
    deliveries = [("installation", example("installation/created.payload.json"))]
    deliveries += [(event, would_promote) for event in UNHANDLED]
    seen = len(sim.requests)
    answers = {}
    for event, payload in deliveries:
        headers, body = signed(event, payload)
        status, answer, _ = http("POST", app_service.base_url, body, headers)
        answers[event] = (status, answer.get("status"), answer.get("reason"))
    assert answers == {
        event: (200, "skipped", f"gh-promotion does not act on {event} events")
        for event, _ in deliveries
    }
    assert sim.requests[seen:] == []
    assert repo.pull_requests() == []


def test_a_name_that_is_no_github_event_is_400_over_http(
    sim: Simulator, app_service: ServiceProcess
) -> None:
    repo = new_repository(sim)
    headers, body = signed("invalid", push(repo.full_name, "main", repo.branch_sha("main")))
    seen = len(sim.requests)
    status, answer, _ = http("POST", app_service.base_url, body, headers)
    assert (status, answer) == (400, {"error": "unknown event type: invalid"})
    assert sim.requests[seen:] == []


def test_an_integer_of_5000_digits_is_400_not_500(app_service: ServiceProcess) -> None:
    headers, body = signed("push", b'{"ref": "refs/heads/main", "size": ' + b"7" * 5000 + b"}")
    status, answer, _ = http("POST", app_service.base_url, body, headers)
    assert (status, answer["error"]) == (400, "payload has an integer of over 4300 digits")


def test_lone_surrogates_in_a_payload_are_logged_escaped(app_service: ServiceProcess) -> None:
    """JSON's "\\ud800" escape decodes to a character no stream can encode; the log
    formatter used to raise on it and lose every record of the delivery."""
    payload = push("octo/\udfff", "main", "a" * 40, ref="refs/heads/\ud800", properties={})
    headers, body = signed("push", payload, delivery_id="lone-surrogates")
    assert b"\\ud800" in body  # json.dumps escapes it, as GitHub would
    status, answer, _ = http("POST", app_service.base_url, body, headers)
    assert (status, answer["status"], answer["repository"]) == (200, "skipped", "octo/\udfff")
    records = _records_of(app_service, "lone-surrogates")
    assert {r.get("repository") for r in records} >= {"octo/\udfff"}
    assert "Logging error" not in "".join(app_service.stderr)
    written = [line for line in app_service.stdout if "lone-surrogates" in line]
    assert any('"octo/\\udfff"' in line for line in written)  # escaped, as it came in


def _records_of(service: ServiceProcess, delivery_id: str) -> list[dict[str, Any]]:
    """The JSON log records of one delivery, once its own line is written."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        records = [r for r in service.log_records() if r.get("delivery_id") == delivery_id]
        if any(r.get("logger") == "gh_promotion.delivery" for r in records):
            return records
        time.sleep(0.05)
    raise AssertionError(f"no delivery line for {delivery_id}: {''.join(service.stderr)}")


# -- cold start: a skipped GitHub event needs neither PyGithub nor boto3 ----------------


def test_an_installation_event_loads_neither_github_nor_boto3() -> None:
    loaded = loaded_after(
        """
        from testkit.payloads import example
        from testkit.deliveries import signed
        from testkit.lambda_events import http_api_v2
        payload = example("installation/created.payload.json")
        event = {"detail-type": "installation", "detail": payload, "id": "4"}
        assert entry.handler(event, None)["status"] == "skipped"
        loaded["eventbridge"] = sorted(m for m in heavy if m in sys.modules)
        answer = entry.handler(http_api_v2(*signed("installation", payload)), None)
        assert answer["statusCode"] == 200, answer
        loaded["http"] = sorted(m for m in heavy if m in sys.modules)
        """
    )
    assert loaded["eventbridge"] == []
    assert not {"github", "boto3", "botocore"} & set(loaded["http"])
