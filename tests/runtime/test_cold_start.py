"""What a Lambda cold start imports, checked in a fresh interpreter per rule.

Measured costs (see docs/runtimes.md): PyGithub ~300 ms, boto3 ~250 ms, Flask
~210 ms, mangum ~90 ms, click ~60 ms. Each must load only when needed; boto3 is
needed at start in ssm mode, where the start-up check reads the parameter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from gh_promotion.simulator.auth import new_app_keys
from testkit.deliveries import SECRET
from tests.moto_server import MotoServer
from tests.runtime.helpers import clean_env

TOKEN = "ghp_" + "k" * 36

HEAVY = ("github", "boto3", "botocore", "flask", "mangum", "a2wsgi", "click", "yaml")
# Building classes costs a cold start too: the config, intents and results are
# NamedTuples, so a ping or a skip never even imports dataclasses (~6 ms with inspect).
HEAVY += ("dataclasses",)
# Freeze windows' cron schedules load croniter only when one is configured.
HEAVY += ("croniter",)
# The service's /metrics needs prometheus_client; a Lambda writes its metrics as EMF with json.
HEAVY += ("prometheus_client",)

PROBE = textwrap.dedent(
    """
    import json, sys
    import gh_promotion.aws_lambda as entry
    heavy = {heavy!r}
    loaded = {{"import": sorted(m for m in heavy if m in sys.modules)}}
    {steps}
    print(json.dumps(loaded))
    """
)


def loaded_after(steps: str, **env: str) -> dict[str, list[str]]:
    """Run ``steps`` after importing the handler; which heavy modules were loaded when."""
    script = PROBE.format(heavy=HEAVY, steps=textwrap.dedent(steps))
    base = {"GITHUB_AUTH_MODE": "token", "GITHUB_TOKEN": TOKEN, "GITHUB_WEBHOOK_SECRET": SECRET}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=clean_env(**(base | env)),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_handler_loads_nothing_heavy() -> None:
    assert loaded_after("")["import"] == []


def test_an_eventbridge_ping_needs_no_github_flask_aws_click_or_yaml() -> None:
    loaded = loaded_after(
        """
        event = {"detail-type": "ping", "detail": {}, "id": "1", "source": "github.com"}
        answer = entry.handler(event, None)
        assert answer["status"] == "pong", answer
        loaded["ping"] = sorted(m for m in heavy if m in sys.modules)
        """
    )
    assert loaded["ping"] == []


def test_an_eventbridge_skip_needs_no_github() -> None:
    loaded = loaded_after(
        """
        from testkit.payloads import push
        payload = push("octo/app", "feature/x", "a" * 40, properties={})
        answer = entry.handler({"detail-type": "push", "detail": payload, "id": "2"}, None)
        assert answer["status"] == "skipped", answer
        loaded["skip"] = sorted(m for m in heavy if m in sys.modules)
        """
    )
    assert loaded["skip"] == []


def test_an_http_ping_loads_the_web_stack_but_not_github_or_boto3() -> None:
    loaded = loaded_after(
        """
        from testkit.deliveries import signed
        from testkit.lambda_events import http_api_v2
        headers, body = signed("ping", {"zen": "x"})
        answer = entry.handler(http_api_v2(headers, body), None)
        assert answer["statusCode"] == 200, answer
        loaded["http"] = sorted(m for m in heavy if m in sys.modules)
        """
    )
    # click arrives with Flask (flask.cli imports it); the handler itself never does.
    assert loaded["http"] == ["a2wsgi", "click", "dataclasses", "flask", "mangum"]


def test_app_mode_checks_the_key_at_cold_start_without_github_or_boto3() -> None:
    """The start-up check reads the key with cryptography alone: a ping still needs no PyGithub."""
    private_key, _ = new_app_keys()
    loaded = loaded_after(
        """
        event = {"detail-type": "ping", "detail": {}, "id": "3", "source": "github.com"}
        assert entry.handler(event, None)["status"] == "pong"
        loaded["ping"] = sorted(m for m in heavy if m in sys.modules)
        loaded["key checked"] = ["cryptography"] if "cryptography" in sys.modules else []
        """,
        GITHUB_AUTH_MODE="app",
        GITHUB_APP_ID="12345",
        GITHUB_APP_PRIVATE_KEY=private_key,
    )
    # cryptography itself imports dataclasses: the ~35 ms the key check costs (docs/runtimes.md)
    assert [m for m in loaded["ping"] if m != "dataclasses"] == []
    assert loaded["key checked"] == ["cryptography"]


def test_ssm_mode_reads_the_parameter_at_cold_start_and_still_loads_no_github(
    moto_server: MotoServer,
) -> None:
    """In ssm mode the parameter is read (boto3) before the first event is handled, as the
    start-up check requires; PyGithub still waits for a delivery that calls GitHub."""
    private_key, _ = new_app_keys()
    name = "/gh-promotion/cold-start"
    value = json.dumps({"app_id": 1, "private_key": private_key, "webhook_secret": SECRET})
    moto_server.client("ssm").put_parameter(Name=name, Value=value, Type="SecureString")
    loaded = loaded_after(
        """
        event = {"detail-type": "ping", "detail": {}, "id": "4", "source": "github.com"}
        assert entry.handler(event, None)["status"] == "pong"
        loaded["ping"] = sorted(m for m in heavy if m in sys.modules)
        """,
        GITHUB_AUTH_MODE="ssm",
        GITHUB_APP_SSM_ARN=name,
        **moto_server.env,
    )
    assert [m for m in loaded["ping"] if m != "dataclasses"] == ["boto3", "botocore"]
