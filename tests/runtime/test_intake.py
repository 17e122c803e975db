"""Intake rules on GitHub's own payload examples: what is accepted, what is refused and how."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from gh_promotion.intake import IntakeError, read_delivery, sign
from tests.payloads import example
from tests.runtime.helpers import SECRET, signed


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


def test_unsupported_events_are_400_with_their_name() -> None:
    headers, body = signed("star", example("star/created.payload.json"))
    error = refusal(headers, body)
    assert (error.status, error.message) == (400, "unsupported event type: star")


def test_the_signature_is_checked_before_anything_in_the_body() -> None:
    """An unsigned sender learns nothing about what the body would have needed."""
    headers, body = signed("star", b"not json", content_type="text/plain")
    headers["X-Hub-Signature-256"] = "sha256=" + "0" * 64
    assert refusal(headers, body).status == 401
