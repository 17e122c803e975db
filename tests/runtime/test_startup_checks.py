"""Credentials are checked before the first delivery, by every runtime, and a bad one is a
configuration error — one line naming the key and where its value came from — never
"GitHub unavailable" and never a traceback (issue 10.2). A key file's path is told to
the operator, never to a webhook's sender (issue 11.4)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gh_promotion.aws.ssm import forget_cached_credentials
from gh_promotion.config.loader import Resolved, resolve_with_provenance
from gh_promotion.core.delivery import Delivery
from gh_promotion.gateway.client import forget_clients
from gh_promotion.gateway.credentials import forget_cached_credentials as forget_app_credentials
from gh_promotion.runtime import aws_lambda
from gh_promotion.runtime.dispatch import answer
from gh_promotion.runtime.startup import StartupRefused
from gh_promotion.simulator import SimApp, Simulator
from gh_promotion.simulator.auth import new_app_keys
from testkit import lambda_events
from testkit.deliveries import SECRET, signed
from testkit.payloads import push
from tests.moto_server import MotoServer
from tests.runtime.conftest import new_repository
from tests.runtime.helpers import clean_env

PRIVATE_KEY, _ = new_app_keys()
KEY_BODY = "".join(PRIVATE_KEY.splitlines()[1:-1])  # a key pasted without its PEM lines
PING = {"detail-type": "ping", "detail": {"zen": "x"}, "id": "start-1", "source": "github.com"}


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    forget_cached_credentials()
    forget_app_credentials()
    forget_clients()
    yield
    forget_cached_credentials()
    forget_app_credentials()
    forget_clients()


def ec_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def cli(args: list[str], cwd: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gh_promotion", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(GITHUB_WEBHOOK_SECRET=SECRET, **env),
        timeout=60,
    )


def refusal_line(done: subprocess.CompletedProcess) -> str:
    """The one plain line a refused start prints (JSON log lines aside), checked to be alone."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "GitHub unavailable" not in done.stderr + done.stdout
    plain = [line for line in done.stderr.splitlines() if not line.startswith("{")]
    assert len(plain) == 1, done.stderr
    return plain[0]


# --- gh-promotion service -------------------------------------------------------------


def service_refusal(tmp_path: Path, args: list[str], files: dict[str, str], env: dict) -> str:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    done = cli(["service", "-H", "127.0.0.1", "-p", "0", *args], tmp_path, **env)
    return refusal_line(done)


REFUSALS: dict[str, tuple[list[str], dict[str, str], dict[str, str], str]] = {
    "token missing": (
        ["-A", "token"],
        {},
        {},
        "github.token: not set, but github.authMode is token (from flag --github-auth-mode): "
        "set GITHUB_TOKEN",
    ),
    "app id missing": (
        ["-A", "app", "--github-app-private-key", "key.pem"],
        {"key.pem": PRIVATE_KEY},
        {},
        "github.appId: not set, but github.authMode is app (from flag --github-auth-mode): "
        "set GITHUB_APP_ID",
    ),
    "app id not an integer": (
        [],
        {"key.pem": PRIVATE_KEY},
        {"GITHUB_AUTH_MODE": "app", "GITHUB_APP_ID": "Iv1.8a61f9b3", "GITHUB_APP_PRIVATE_KEY": "x"},
        "github.appId (from env GITHUB_APP_ID): expected the App's numeric id",
    ),
    "private key missing": (
        ["-A", "app", "--github-app-id", "12"],
        {},
        {},
        "github.privateKey: not set, but github.authMode is app (from flag --github-auth-mode): "
        "set GITHUB_APP_PRIVATE_KEY",
    ),
    "key file missing": (
        ["-A", "app", "--github-app-id", "12", "--github-app-private-key", "absent.pem"],
        {},
        {},
        "github.privateKey (from flag --github-app-private-key): "
        "cannot read the key file 'absent.pem' (No such file or directory)",
    ),
    "key not RSA": (
        [],
        {
            "ec.pem": ec_private_key(),
            "config.yaml": "github:\n  authMode: app\n  appId: 12\n  privateKey: ec.pem\n",
        },
        {},
        "github.privateKey (from config.yaml:4): the key file is a private key, but not an RSA one",
    ),
    "key without its PEM lines": (
        ["-A", "app", "--github-app-id", "12"],
        {".env": f"GITHUB_APP_PRIVATE_KEY={KEY_BODY}\n"},
        {},
        "github.privateKey (from .env GITHUB_APP_PRIVATE_KEY): the value is not a PEM private key",
    ),
    "PEM lines around something else": (
        ["-A", "app", "--github-app-id", "12"],
        {},
        {
            "GITHUB_APP_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n"
            "-----END RSA PRIVATE KEY-----\n"
        },
        "github.privateKey (from env GITHUB_APP_PRIVATE_KEY): "
        "the value is not a valid PEM private key",
    ),
    "ssm parameter name missing": (
        [],
        {},
        {},
        "github.ssmKey: not set, but github.authMode is ssm (the default): set GITHUB_APP_SSM_ARN",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=lambda case: case.replace(" ", "-"))
def test_the_service_refuses_to_start_with_one_line_naming_key_and_origin(
    tmp_path: Path, case: str
) -> None:
    args, files, env, expected = REFUSALS[case]
    line = service_refusal(tmp_path, args, files, env)
    assert line.startswith("gh-promotion: refusing to start: ")
    assert expected in line
    assert KEY_BODY[:40] not in line


def test_the_service_reads_ssm_at_start_and_refuses_a_bad_key_in_it(
    moto_server: MotoServer, tmp_path: Path
) -> None:
    name = "/gh-promotion/start/bad-key"
    value = json.dumps({"app_id": 7, "private_key": ec_private_key(), "webhook_secret": "s" * 20})
    moto_server.client("ssm").put_parameter(Name=name, Value=value, Type="SecureString")
    done = cli(
        ["service", "-H", "127.0.0.1", "-p", "0", "--github-app-ssm-arn", name],
        tmp_path,
        **moto_server.env,
    )
    line = refusal_line(done)
    assert line == (
        "gh-promotion: refusing to start: github.ssmKey (from flag --github-app-ssm-arn): "
        f"SSM parameter {name!r}: private_key is a private key, but not an RSA one"
    )


# --- the key forms that are accepted ---------------------------------------------------


def last_push_payload(sim: Simulator, repo: Any) -> dict[str, Any]:
    sim.wait_for_webhooks()
    return [d for d in sim.deliveries if d.event == "push"][-1].payload


@pytest.mark.parametrize("form", ["pem text", "literal backslash-n", "file path"])
def test_a_key_given_as_text_escaped_text_or_a_file_promotes(
    sim: Simulator, app: SimApp, tmp_path: Path, form: str
) -> None:
    """The normalised key really signs: the simulator accepts the App's JWT."""
    key = {
        "pem text": app.private_key_pem,
        "literal backslash-n": app.private_key_pem.replace("\n", "\\n"),
        "file path": str(tmp_path / "app.pem"),
    }[form]
    (tmp_path / "app.pem").write_text(app.private_key_pem)
    repo = new_repository(sim)
    repo.push("main", "feature")
    event = lambda_events.eventbridge("push", last_push_payload(sim, repo), f"start-{form}")
    done = cli(
        ["lambda", "event", "-A", "app"],
        tmp_path,
        stdin=json.dumps(event),
        GITHUB_APP_ID=str(app.app_id),
        GITHUB_APP_PRIVATE_KEY=key,
        GITHUB_API_URL=sim.api_url,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "pending"
    assert len(repo.pull_requests()) == 1


# --- Lambda -------------------------------------------------------------------------------


def resolved(**environ: str) -> Resolved:
    return resolve_with_provenance(
        environ=environ, config_path="/nonexistent/config.yaml", dotenv_path=None
    )


def use(resolution: Resolved) -> None:
    aws_lambda.use_config(resolution.config, resolution.origins)


def http_ping() -> dict[str, Any]:
    return lambda_events.http_api_v2(*signed("ping", {"zen": "x", "hook_id": 1}))


def test_lambda_http_answers_a_bad_configuration_500_before_the_event_is_processed() -> None:
    use(resolved(GITHUB_AUTH_MODE="token", GITHUB_WEBHOOK_SECRET=SECRET))
    response = aws_lambda.handler(http_ping(), None)
    assert response["statusCode"] == 500
    assert json.loads(response["body"]) == {
        "error": "refusing to serve: github.token: not set, but github.authMode is token "
        "(from env GITHUB_AUTH_MODE): set GITHUB_TOKEN or --github-token"
    }


def test_lambda_eventbridge_raises_the_same_line_so_lambda_counts_the_failure() -> None:
    use(resolved(GITHUB_AUTH_MODE="app", GITHUB_APP_ID="12", GITHUB_APP_PRIVATE_KEY=KEY_BODY))
    with pytest.raises(StartupRefused) as refused:
        aws_lambda.handler(PING, None)
    assert str(refused.value) == (
        "github.privateKey (from env GITHUB_APP_PRIVATE_KEY): the value is not a PEM private key "
        "(no BEGIN ... PRIVATE KEY line)"
    )


@pytest.mark.parametrize("kind", ["http", "event"])
def test_lambda_local_invoke_exits_2_with_the_line(tmp_path: Path, kind: str) -> None:
    event = http_ping() if kind == "http" else PING
    done = cli(
        ["lambda", kind],
        tmp_path,
        stdin=json.dumps(event),
        GITHUB_AUTH_MODE="app",
        GITHUB_APP_ID="12",
        GITHUB_APP_PRIVATE_KEY=str(tmp_path / "gone.pem"),
    )
    assert refusal_line(done) == (
        "gh-promotion: refusing to start: github.privateKey (from env GITHUB_APP_PRIVATE_KEY): "
        f"cannot read the key file {str(tmp_path / 'gone.pem')!r} (No such file or directory)"
    )
    assert done.stdout == ""


def test_lambda_reads_ssm_once_and_retries_a_failed_start_on_the_next_event(
    moto_server: MotoServer,
) -> None:
    name = "/gh-promotion/start/lambda"
    use(resolved(GITHUB_AUTH_MODE="ssm", GITHUB_APP_SSM_ARN=name))
    with pytest.raises(StartupRefused, match=f"SSM parameter '{name}' does not exist"):
        aws_lambda.handler(PING, None)
    value = json.dumps({"app_id": 7, "private_key": PRIVATE_KEY, "webhook_secret": SECRET})
    ssm = moto_server.client("ssm")
    ssm.put_parameter(Name=name, Value=value, Type="SecureString")
    assert aws_lambda.handler(PING, None)["status"] == "pong"  # the check ran again, and passed
    ssm.delete_parameter(Name=name)
    assert aws_lambda.handler(PING, None)["status"] == "pong"  # and is not repeated


# --- at delivery time: a configuration error, and no path in the answer (issue 11.4) ----


def needs_github() -> Delivery:
    payload = push("octo/app", "main", "a" * 40, properties={}, installation_id=1)
    return Delivery("push", "d-config", payload)


def test_a_key_file_gone_at_delivery_time_is_a_500_naming_no_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "secret-dir" / "app.pem"
    config = resolved(
        GITHUB_AUTH_MODE="app",
        GITHUB_APP_ID="12",
        GITHUB_APP_PRIVATE_KEY=str(missing),
        GITHUB_API_URL="http://127.0.0.1:9",
    ).config
    with caplog.at_level(logging.ERROR):
        outcome = answer(needs_github(), config)
    assert outcome.status == 500
    assert outcome.body["error"] == (
        "configuration error: github.privateKey: "
        "cannot read the key file (No such file or directory)"
    )
    assert "secret-dir" not in json.dumps(outcome.body)
    assert any(str(missing) in record.getMessage() for record in caplog.records)  # the log may


def test_a_token_missing_at_delivery_time_is_a_configuration_error_not_github() -> None:
    config = resolved(GITHUB_AUTH_MODE="token", GITHUB_API_URL="http://127.0.0.1:9").config
    outcome = answer(needs_github(), config)
    assert outcome.status == 500
    assert outcome.body["error"].startswith("configuration error: github.token: not set")


def test_lambda_http_names_no_key_path_to_the_sender(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "keys" / "app.pem"
    use(
        resolved(
            GITHUB_AUTH_MODE="app",
            GITHUB_APP_ID="12",
            GITHUB_APP_PRIVATE_KEY=str(missing),
            GITHUB_WEBHOOK_SECRET=SECRET,
        )
    )
    with caplog.at_level(logging.ERROR):
        response = aws_lambda.handler(http_ping(), None)
    assert response["statusCode"] == 500
    assert str(tmp_path) not in response["body"]
    assert "cannot read the key file (No such file or directory)" in response["body"]
    assert any(str(missing) in record.getMessage() for record in caplog.records)
