"""SSM App credentials and S3 promotion reports against a moto server on loopback."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from gh_promotion.aws.reports import report_key
from gh_promotion.aws.ssm import (
    SsmCredentialsError,
    fetch_app_credentials,
    forget_cached_credentials,
)
from gh_promotion.core.delivery import Delivery
from gh_promotion.runtime.dispatch import answer
from gh_promotion.simulator.auth import new_app_keys
from testkit.deliveries import signed
from testkit.payloads import example, push
from tests.moto_server import MotoServer
from tests.runtime.helpers import ServiceProcess, clean_env, config_from_env, http

PRIVATE_KEY, _ = new_app_keys()
SSM_SECRET = "webhook secret from SSM"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    forget_cached_credentials()
    yield
    forget_cached_credentials()


def put_parameter(moto: MotoServer, value: str) -> str:
    name = f"/gh-promotion/{uuid.uuid4().hex}/app"
    moto.client("ssm").put_parameter(Name=name, Value=value, Type="SecureString")
    return name


def app_json(**overrides: Any) -> str:
    data = {"app_id": 123456, "private_key": PRIVATE_KEY, "webhook_secret": SSM_SECRET}
    return json.dumps(data | overrides)


def test_app_credentials_are_read_once_and_cached(moto_server: MotoServer) -> None:
    name = put_parameter(moto_server, app_json())
    credentials = fetch_app_credentials(name)
    assert (credentials.app_id, credentials.private_key) == ("123456", PRIVATE_KEY)
    assert credentials.webhook_secret == SSM_SECRET
    assert "MIIE" not in repr(credentials)
    moto_server.client("ssm").delete_parameter(Name=name)
    assert fetch_app_credentials(name) is credentials  # no second GetParameter


def test_a_missing_parameter_is_a_one_line_error(moto_server: MotoServer) -> None:
    with pytest.raises(SsmCredentialsError, match=r"'/gh-promotion/absent' does not exist"):
        fetch_app_credentials("/gh-promotion/absent")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("not json " + PRIVATE_KEY, "is not JSON"),
        ('["app_id"]', "must hold a JSON object"),
        (app_json(app_id=""), "lacks app_id"),
        (app_json(private_key=None), "lacks private_key"),
    ],
)
def test_a_malformed_parameter_is_refused_without_echoing_it(
    moto_server: MotoServer, value: str, words: str
) -> None:
    name = put_parameter(moto_server, value)
    with pytest.raises(SsmCredentialsError) as caught:
        fetch_app_credentials(name)
    assert words in str(caught.value)
    assert "MIIE" not in str(caught.value)


def test_the_service_checks_signatures_with_the_ssm_webhook_secret(
    moto_server: MotoServer, tmp_path: Path
) -> None:
    name = put_parameter(moto_server, app_json())
    env = clean_env(**moto_server.env, GITHUB_AUTH_MODE="ssm", GITHUB_APP_SSM_ARN=name)
    service = ServiceProcess([], env, tmp_path)
    try:
        service.wait_listening()
        good_headers, body = signed("ping", example("ping/payload.json"), secret=SSM_SECRET)
        assert http("POST", service.base_url, body, good_headers)[0] == 200
        bad_headers, body = signed("ping", example("ping/payload.json"), secret="guess")
        assert http("POST", service.base_url, body, bad_headers)[0] == 401
        assert service.stop() == 0
    finally:
        service.kill()
    assert SSM_SECRET not in "".join(service.stdout + service.stderr)


def test_the_service_refuses_to_start_when_ssm_has_no_parameter(
    moto_server: MotoServer, tmp_path: Path
) -> None:
    env = clean_env(**moto_server.env, GITHUB_AUTH_MODE="ssm", GITHUB_APP_SSM_ARN="/nope")
    refused = ServiceProcess([], env, tmp_path)
    assert refused.process.wait(30) == 2
    assert "'/nope' does not exist" in "".join(refused.stderr)


def skipped_push(delivery_id: str) -> Delivery:
    payload = push("octo-org/hello-world", "feature/login", "b" * 40, properties={})
    return Delivery("push", delivery_id, payload)


def test_a_handled_delivery_is_reported_to_s3(moto_server: MotoServer) -> None:
    s3 = moto_server.client("s3")
    bucket = f"reports-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    config = config_from_env(
        GITHUB_AUTH_MODE="token",
        PROMOTION_REPORT_S3_UPLOAD="true",
        PROMOTION_REPORT_S3_BUCKET=bucket,
    )
    delivery = skipped_push("d-report-1")
    before = datetime.now(timezone.utc)
    outcome = answer(delivery, config)
    assert outcome.status == 200
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert len(keys) == 1
    assert keys[0].startswith(f"octo-org/hello-world/{before:%Y/%m/%d}/")
    assert keys[0].endswith("-d-report-1.json")
    report = json.loads(s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read())
    assert (report["delivery_id"], report["event"]) == ("d-report-1", "push")
    assert report["repository"] == "octo-org/hello-world"
    assert report["result"]["status"] == outcome.body["status"] == "skipped"
    assert report["result"]["writes"] == []
    assert report["payload"] == delivery.payload


def test_a_failed_upload_is_logged_and_the_delivery_still_answered(
    moto_server: MotoServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = config_from_env(
        GITHUB_AUTH_MODE="token",
        PROMOTION_REPORT_S3_UPLOAD="true",
        PROMOTION_REPORT_S3_BUCKET="no-such-bucket-here",
    )
    outcome = answer(skipped_push("d-report-2"), config)
    assert (outcome.status, outcome.body["status"]) == (200, "skipped")
    failures = [r for r in caplog.records if r.name == "gh_promotion.aws.reports"]
    assert failures and "no-such-bucket-here" in failures[0].getMessage()


def test_report_keys_are_dated_and_safe() -> None:
    at = datetime(2026, 11, 26, 9, 5, 7, 123456, tzinfo=timezone.utc)
    delivery = Delivery("push", "../../etc/passwd", {"repository": {"full_name": "o/r"}})
    assert report_key(delivery, at) == "o/r/2026/11/26/20261126T090507.123Z-.._.._etc_passwd.json"
    nameless = Delivery("status", "abc", {})
    assert report_key(nameless, at).startswith("_unknown/_unknown/2026/11/26/")


def test_a_delivery_that_needs_github_but_cannot_read_ssm_is_503(moto_server: MotoServer) -> None:
    """Our parameter is missing, not the sender's fault: 503, and GitHub will redeliver."""
    config = config_from_env(
        GITHUB_AUTH_MODE="ssm",
        GITHUB_APP_SSM_ARN="/gh-promotion/missing",
        GITHUB_API_URL="http://127.0.0.1:9",
    )
    payload = push("octo-org/hello-world", "main", "c" * 40, properties={})
    outcome = answer(Delivery("push", "d-ssm-503", payload), config)
    assert outcome.status == 503
    assert "'/gh-promotion/missing' does not exist" in outcome.body["error"]
