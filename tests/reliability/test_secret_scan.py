"""No secret leaves the process (issue 10.3): canaries set through every source, driven
through every path, and every output scanned for any 8-character piece of each.

Canaries: the webhook secret, the token, the App private key and the SSM parameter's
secrets, fresh random values per source. Sources: flag, environment, ``.env``, YAML, SSM.
Paths: a promotion opened and fast-forwarded, GitHub answering 5xx, bad and forged
deliveries, a ping; a key that is no key (pasted without its PEM lines, the case that
leaked), a key file that is missing, SSM failing (at start, and at delivery time).
Outputs: HTTP bodies (the result JSON), the service's stdout and stderr at debug
verbosity, in-process log records before and after redaction, the S3 reports (moto),
and the pull requests, check runs and statuses written to the simulator.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from gh_promotion import log
from gh_promotion.aws.ssm import forget_cached_credentials
from gh_promotion.config.loader import resolve_with_provenance
from gh_promotion.core.delivery import Delivery
from gh_promotion.gateway.credentials import configured_secrets
from gh_promotion.runtime import aws_lambda
from gh_promotion.runtime.dispatch import answer
from gh_promotion.runtime.startup import StartupRefused
from gh_promotion.simulator.auth import new_app_keys
from testkit import lambda_events
from testkit.deliveries import signed
from testkit.simulated_app import SimulatedGitHub
from tests.moto_server import MotoServer, moto_server, moto_server_process
from tests.reliability.conftest import GitHub
from tests.runtime.helpers import ServiceProcess, clean_env, http

__all__ = ["moto_server", "moto_server_process"]

PIECE = 8
SOURCES = ("flag", "env", ".env", "yaml", "ssm")


# --- the oracle: every 8-character piece of a canary ---------------------------------------


def pieces_of(secret: str) -> set[str]:
    """Every run of 8 characters of ``secret`` as it could be printed: as is, with its
    newlines escaped, its lines joined. PEM armour lines are the same in every key: left out."""
    lines = [line for line in secret.strip().splitlines() if not line.startswith("-----")]
    forms = {"\n".join(lines), "\\n".join(lines), "".join(lines)}
    return {form[i : i + PIECE] for form in forms for i in range(len(form) - PIECE + 1)}


def leaks(outputs: Mapping[str, str], canaries: Mapping[str, str]) -> list[str]:
    found = []
    for canary, value in canaries.items():
        pieces = pieces_of(value)
        for where, text in outputs.items():
            hits = {p for p in pieces if p in text}
            if hits:
                found.append(f"{canary} in {where}: {sorted(hits)[:3]}")
    return found


def test_the_oracle_finds_pieces_across_lines_escaped_or_not() -> None:
    """The scan itself: a run of 8 that straddles a key's lines, in a repr or not."""
    key, _ = new_app_keys()
    lines = key.strip().splitlines()
    straddle = lines[-3][-3:], lines[-2][:5]
    assert leaks({"log": "'***" + "\\n".join(straddle) + "***'"}, {"key": key})
    assert leaks({"log": "\n".join(straddle)}, {"key": key})
    assert leaks({"body": lines[3][7:15]}, {"key": key})
    assert not leaks({"body": lines[3][7:14]}, {"key": key})
    assert not leaks({"log": "-----BEGIN RSA PRIVATE KEY----- is not a key"}, {"key": key})


# --- canaries, per source -----------------------------------------------------------------


class Canaries(dict):
    """name -> secret value; ``key`` is the App's own key (so promotions really sign with it)."""


def new_world(github: GitHub) -> SimulatedGitHub:
    return SimulatedGitHub.install(github.sim)


def canaries_for(world: SimulatedGitHub, github: GitHub) -> Canaries:
    return Canaries(
        webhook_secret=secrets.token_urlsafe(24),
        token=github.sim.create_personal_token(login="octocat"),
        key=world.app.private_key_pem,
    )


def ssm_parameter(moto: MotoServer, value: str) -> str:
    """Store ``value``; this process's botocore (the test's, not the product's) is kept from
    logging it at debug, where the suite's log scan (test_security.py) would find it."""
    name = f"/gh-promotion/scan/{secrets.token_hex(6)}"
    botocore = logging.getLogger("botocore")
    previous = botocore.level
    botocore.setLevel(logging.INFO)
    try:
        moto.client("ssm").put_parameter(Name=name, Value=value, Type="SecureString")
    finally:
        botocore.setLevel(previous)
    return name


def setup_source(
    source: str, world: SimulatedGitHub, canary: Canaries, moto: MotoServer, cwd: Path
) -> tuple[list[str], dict[str, str]]:
    """Args and environment that set every canary through ``source``; token mode for flag and
    .env (the token is used), App mode otherwise (the key is used)."""
    app_id = str(world.app.app_id)
    if source == "flag":
        args = ["-A", "token", "--github-token", canary["token"]]
        args += ["--github-webhook-secret", canary["webhook_secret"]]
        return [*args, "--github-app-id", app_id, "--github-app-private-key", canary["key"]], {}
    if source == "env":
        return ["-A", "app"], {
            "GITHUB_APP_ID": app_id,
            "GITHUB_APP_PRIVATE_KEY": canary["key"].replace("\n", "\\n"),  # as env vars carry it
            "GITHUB_WEBHOOK_SECRET": canary["webhook_secret"],
            "GITHUB_TOKEN": canary["token"],
        }
    if source == ".env":
        key = canary["key"].replace("\n", "\\n")
        (cwd / ".env").write_text(
            f"GITHUB_TOKEN={canary['token']}\nGITHUB_WEBHOOK_SECRET={canary['webhook_secret']}\n"
            f'GITHUB_APP_ID={app_id}\nGITHUB_APP_PRIVATE_KEY="{key}"\n'
        )
        return ["-A", "token"], {}
    if source == "yaml":
        key = canary["key"]
        if "\n" in key:
            key = "|\n" + "".join(f"    {line}\n" for line in key.splitlines())
        (cwd / "config.yaml").write_text(
            f"github:\n  authMode: app\n  appId: {app_id}\n"
            f"  webhookSecret: {canary['webhook_secret']}\n  token: {canary['token']}\n"
            f"  privateKey: {key}\n"
        )
        return [], {}
    value = {
        "app_id": app_id,
        "private_key": canary["key"],
        "webhook_secret": canary["webhook_secret"],
    }
    return ["-A", "ssm", "--github-app-ssm-arn", ssm_parameter(moto, json.dumps(value))], {}


# --- collecting every output --------------------------------------------------------------


def s3_reports(moto: MotoServer, bucket: str) -> str:
    s3 = moto.client("s3")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return "\n".join(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode() for key in keys)


def simulator_texts(repos: Iterable[Any]) -> str:
    """What gh-promotion wrote on GitHub: pull requests, check runs and statuses."""
    written: list[Any] = []
    for repo in repos:
        pulls = repo.pull_requests(state="all")
        shas = set(repo.branches.values()) | {p["head"]["sha"] for p in pulls}
        written += pulls
        written += [[repo.check_runs(sha), repo.statuses(sha)] for sha in sorted(shas)]
    return json.dumps(written)


def drive_every_delivery_path(
    github: GitHub, world: SimulatedGitHub, service: ServiceProcess, secret: str
) -> tuple[list[Any], dict[str, str]]:
    """A promotion opened and fast-forwarded, GitHub 5xx, bad and forged input, a ping."""
    bodies: dict[str, str] = {}

    def post(name: str, event: str, payload: Any, secret_used: str = secret) -> int:
        headers, body = signed(event, payload, secret=secret_used)
        status, answered, _ = http("POST", service.base_url, body, headers, timeout=60)
        bodies[name] = json.dumps(answered)
        return status

    promoted, failing = world.new_repo(), world.new_repo()
    promoted.push("main", message="scan")
    assert post("push", "push", world.push(promoted, "main")) == 200
    (pull,) = promoted.pull_requests()
    assert post("review", "pull_request_review", world.review(promoted, pull)) == 200
    assert promoted.branch_sha("staging") == pull["head"]["sha"]
    failing.push("main", message="scan 5xx")
    github.sim.inject_fault(
        method="POST", path=f"^/repos/{failing.full_name}/", status=503, count=99
    )
    try:
        assert post("5xx", "push", world.push(failing, "main")) == 502
    finally:
        github.sim.clear_faults()
    assert post("bad payload", "push", {"repository": "not an object"}) >= 400
    assert post("forged", "push", world.push(promoted, "main"), "guess") == 401
    assert post("ping", "ping", {"zen": "x", "hook_id": 1}) == 200
    return [promoted, failing], bodies


@pytest.mark.parametrize("source", SOURCES)
def test_no_canary_leaves_a_running_service(
    github: GitHub, moto_server: MotoServer, tmp_path: Path, source: str
) -> None:
    world = new_world(github)
    canary = canaries_for(world, github)
    bucket = f"scan-{secrets.token_hex(4)}"
    moto_server.client("s3").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    args, env = setup_source(source, world, canary, moto_server, tmp_path)
    env = clean_env(**moto_server.env, **env, VERBOSE="2")
    args += ["--github-api-url", github.sim.api_url, "--promotion-report-s3-upload"]
    args += ["--promotion-report-s3-upload-bucket", bucket]
    service = ServiceProcess(args, env, tmp_path)
    try:
        service.wait_listening()
        repos, bodies = drive_every_delivery_path(github, world, service, canary["webhook_secret"])
        assert service.stop() == 0
    finally:
        service.kill()
    outputs = {f"HTTP body ({name})": body for name, body in bodies.items()}
    outputs["stdout"] = "".join(service.stdout)
    outputs["stderr"] = "".join(service.stderr)
    outputs["S3 reports"] = s3_reports(moto_server, bucket)
    outputs["check runs, statuses, pull requests"] = simulator_texts(repos)
    assert '"level": "debug"' in outputs["stdout"]  # the scan reads the most verbose log
    assert '"status": "promoted"' in outputs["S3 reports"]
    assert leaks(outputs, canary) == []


# --- start-up refusals ----------------------------------------------------------------------


def refused_start(args: list[str], env: dict[str, str], cwd: Path) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "gh_promotion", "service", "-H", "127.0.0.1", "-p", "0", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    return {"stdout": done.stdout, "stderr": done.stderr}


@pytest.mark.parametrize("source", ["flag", "env", ".env", "yaml"])
@pytest.mark.parametrize("failure", ["key without its PEM lines", "missing key file"])
def test_no_canary_in_a_refused_start(
    github: GitHub, moto_server: MotoServer, tmp_path: Path, source: str, failure: str
) -> None:
    world = new_world(github)
    canary = canaries_for(world, github)
    if failure == "missing key file":
        canary["key"] = str(tmp_path / "gone.pem")  # a path: set, but no secret
    else:
        canary["key"] = "".join(world.app.private_key_pem.splitlines()[1:-1])
    args, env = setup_source(source, world, canary, moto_server, tmp_path)
    if "-A" in args:
        args[args.index("-A") + 1] = "app"
    outputs = refused_start(args, clean_env(**env, VERBOSE="2"), tmp_path)
    if failure == "missing key file":
        del canary["key"]
    assert "github.privateKey" in outputs["stderr"]
    assert leaks(outputs, canary) == []


@pytest.mark.parametrize("parameter", ["missing", "not JSON", "bad key"])
def test_no_ssm_canary_in_a_refused_start(
    github: GitHub, moto_server: MotoServer, tmp_path: Path, parameter: str
) -> None:
    key, webhook_secret = "".join(new_app_keys()[0].splitlines()[1:-1]), secrets.token_urlsafe(24)
    canary = {"key": key, "webhook_secret": webhook_secret}
    value = {"app_id": 1, "private_key": key, "webhook_secret": webhook_secret}
    text = {"missing": "", "not JSON": f"app_id=1 {key} {webhook_secret}"}.get(
        parameter, json.dumps(value)
    )
    name = (
        "/gh-promotion/scan/absent" if parameter == "missing" else ssm_parameter(moto_server, text)
    )
    env = clean_env(**moto_server.env, VERBOSE="2")
    outputs = refused_start(["-A", "ssm", "--github-app-ssm-arn", name], env, tmp_path)
    assert "github.ssmKey" in outputs["stderr"]
    assert leaks(outputs, canary) == []


# --- in process: Lambda answers, delivery-time failures, raw and redacted log records ------


@pytest.fixture
def redacted_log() -> Iterator[io.StringIO]:
    """Our JSON log handler at debug, writing to a buffer; removed afterwards."""
    stream = io.StringIO()
    log.configure(verbosity=2, stream=stream)
    try:
        yield stream
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if isinstance(h, log.JsonLinesHandler)]:
            root.removeHandler(handler)
        root.setLevel(logging.WARNING)


def raw_records(caplog: pytest.LogCaptureFixture) -> str:
    """Records as logged, before redaction: proves the messages are clean at the source."""
    return "\n".join(
        record.getMessage()
        + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
    )


def in_process_config(source: str, values: Mapping[str, str], cwd: Path) -> Any:
    """``values`` (keyed by environment variable) set through ``source``, resolved as the
    CLI resolves them."""
    from gh_promotion.config.options import OPTIONS

    by_env = {option.env: option for option in OPTIONS if option.env}
    if source == "flag":
        flags = {by_env[name].key: value for name, value in values.items()}
        return resolve_with_provenance(
            flags=flags, environ={}, config_path=cwd / "none.yaml", dotenv_path=None
        )
    if source == "env":
        return resolve_with_provenance(
            environ=dict(values), config_path=cwd / "none.yaml", dotenv_path=None
        )
    if source == ".env":
        (cwd / ".env").write_text("".join(f'{k}="{v}"\n' for k, v in values.items()))
        return resolve_with_provenance(
            environ={}, config_path=cwd / "none.yaml", dotenv_path=str(cwd / ".env")
        )
    lines = ["github:"] + [
        f"  {by_env[k].yaml_path[-1]}: {json.dumps(v)}" for k, v in values.items()
    ]
    (cwd / "config.yaml").write_text("\n".join(lines) + "\n")
    return resolve_with_provenance(environ={}, config_path=cwd / "config.yaml", dotenv_path=None)


@pytest.mark.parametrize("source", ["flag", "env", ".env", "yaml"])
def test_no_canary_in_a_lambda_refusal_or_its_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, redacted_log: io.StringIO, source: str
) -> None:
    """The case seen in issue 10.3: a key without its PEM lines, answered over HTTP."""
    key, webhook_secret = "".join(new_app_keys()[0].splitlines()[1:-1]), secrets.token_urlsafe(24)
    token = "ghp_" + secrets.token_hex(18)
    canary = {"key": key, "webhook_secret": webhook_secret, "token": token}
    values = {
        "GITHUB_AUTH_MODE": "app",
        "GITHUB_APP_ID": "12",
        "GITHUB_APP_PRIVATE_KEY": key,
        "GITHUB_WEBHOOK_SECRET": webhook_secret,
        "GITHUB_TOKEN": token,
    }
    config, origins = in_process_config(source, values, tmp_path)
    log.configure(verbosity=2, stream=redacted_log, secrets=configured_secrets(config.github))
    aws_lambda.use_config(config, origins)
    with caplog.at_level(logging.DEBUG):
        headers, body = signed("push", {"zen": "x"}, secret=webhook_secret)
        response = aws_lambda.handler(lambda_events.http_api_v2(headers, body), None)
        with pytest.raises(StartupRefused) as raised:
            aws_lambda.handler(lambda_events.eventbridge("ping", {}, "scan"), None)
    assert response["statusCode"] == 500
    assert "github.privateKey" in response["body"]
    outputs = {
        "HTTP response": json.dumps(response),
        "EventBridge error": str(raised.value),
        "log records (raw)": raw_records(caplog),
        "log lines": redacted_log.getvalue(),
    }
    assert leaks(outputs, canary) == []


@pytest.mark.parametrize("failure", ["ssm unreadable", "key file gone", "GitHub 5xx"])
def test_no_canary_in_a_delivery_time_failure(
    github: GitHub,
    moto_server: MotoServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    redacted_log: io.StringIO,
    failure: str,
) -> None:
    """Credentials failing after start (SSM forgotten, a file deleted) or GitHub failing:
    the answer, the raw records and the log lines carry no canary."""
    world = new_world(github)
    key, webhook_secret = world.app.private_key_pem, secrets.token_urlsafe(24)
    canary = {"key": key, "webhook_secret": webhook_secret}
    repo = world.new_repo()
    repo.push("main", message="scan")
    base = {"GITHUB_API_URL": github.sim.api_url, "GITHUB_WEBHOOK_SECRET": webhook_secret}
    if failure == "ssm unreadable":
        name = ssm_parameter(moto_server, f"not json {key}")
        environ = {**base, "GITHUB_AUTH_MODE": "ssm", "GITHUB_APP_SSM_ARN": name}
    else:
        key_file = tmp_path / "app.pem"
        key_file.write_text(key)
        environ = {
            **base,
            "GITHUB_AUTH_MODE": "app",
            "GITHUB_APP_ID": str(world.app.app_id),
            "GITHUB_APP_PRIVATE_KEY": str(key_file) if failure == "key file gone" else key,
        }
        if failure == "key file gone":
            key_file.unlink()
    config = resolve_with_provenance(
        environ=environ, config_path=tmp_path / "n.yaml", dotenv_path=None
    ).config
    log.configure(verbosity=2, stream=redacted_log, secrets=configured_secrets(config.github))
    if failure == "GitHub 5xx":
        github.sim.inject_fault(
            method="POST", path=f"^/repos/{repo.full_name}/", status=503, count=99
        )
    forget_cached_credentials()
    try:
        with caplog.at_level(logging.DEBUG):
            outcome = answer(Delivery("push", "scan-1", world.push(repo, "main")), config)
    finally:
        github.sim.clear_faults()
    assert outcome.status in {500, 502, 503}, outcome
    outputs = {
        "answer": json.dumps(outcome.body),
        "log records (raw)": raw_records(caplog),
        "log lines": redacted_log.getvalue(),
    }
    assert leaks(outputs, canary) == []
