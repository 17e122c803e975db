"""``gh-promotion lambda http|event``: the Lambda Runtime API loop, or one local invoke.

With ``AWS_LAMBDA_RUNTIME_API`` set (a Lambda container image, or the Runtime
Interface Emulator) the process becomes the function: awslambdaric polls the
Runtime API and calls our handler per invocation. Without it, one event JSON is
read from stdin or a file and handled here, which is how a person replays an
event: the response JSON alone goes to stdout, logs go to stderr, and the exit
status says what happened (0 handled, 1 promotion failed, 2 bad input). A
scheduled event (``lambda event --event scheduled.json``) runs a reconcile:
its summary on stdout, 1 when an outcome needs a person.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from gh_promotion.config.model import Config
from gh_promotion.core.result import NEEDS_A_PERSON

EXIT_HANDLED, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
KINDS = ("http", "event")
FAILED_STATUSES = frozenset(status.value for status in NEEDS_A_PERSON)
RUNTIME_API_VARIABLE = "AWS_LAMBDA_RUNTIME_API"


@dataclass
class LocalContext:
    """The parts of Lambda's context object a local invoke can honestly provide."""

    function_name: str = "gh-promotion-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 0
    invoked_function_arn: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 0


def run_lambda(
    config: Config, kind: str, event_path: str | None, origins: Mapping[str, str] | None = None
) -> int:
    """Run ``kind`` ("http" or "event"): the Runtime API loop if there is one, else one invoke.

    The Runtime API loop checks the credentials on its first invocation (as a
    deployed function does); a local invoke checks them first and exits 2 with
    the one-line reason.
    """
    if kind not in KINDS:
        return _bad_input(f"unknown lambda kind {kind!r}: use one of {', '.join(KINDS)}")
    from gh_promotion.runtime import aws_lambda
    from gh_promotion.runtime.startup import StartupRefused, log_startup_warnings

    aws_lambda.use_config(config, origins)
    log_startup_warnings(config)
    if os.environ.get(RUNTIME_API_VARIABLE):
        return run_runtime_api_loop(kind)
    try:
        aws_lambda.checked_config()
    except StartupRefused as exc:
        return _bad_input(f"refusing to start: {exc.detail}")
    return invoke_once(config, kind, event_path)


def run_runtime_api_loop(kind: str) -> int:
    """Hand the process to awslambdaric; it returns only if initialisation fails."""
    from awslambdaric.__main__ import main as ric_main

    ric_main(["awslambdaric", f"gh_promotion.runtime.aws_lambda.{kind}_handler"])
    return EXIT_FAILED


def invoke_once(
    config: Config, kind: str, event_path: str | None, stdout: TextIO | None = None
) -> int:
    """Read one event, handle it as Lambda would, print the response; the exit status."""
    out = stdout or sys.stdout
    try:
        event = read_event(event_path)
    except ValueError as exc:
        return _bad_input(str(exc))
    if kind == "http":
        return _invoke_http(config, event, out)
    return _invoke_event(config, event, out)


def read_event(event_path: str | None) -> dict[str, Any]:
    """The event object from ``event_path`` (``-`` or ``None``: stdin); ValueError if unusable."""
    source = "stdin" if event_path in (None, "-") else event_path
    if source == "stdin" and sys.stdin.isatty():
        raise ValueError(
            "no event: pipe one on stdin or pass --event FILE "
            f"(inside Lambda, {RUNTIME_API_VARIABLE} is set and the Runtime API is used)"
        )
    try:
        if event_path in (None, "-"):
            text = sys.stdin.read()
        else:
            with open(event_path, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise ValueError(f"cannot read event file {source}: {exc.strerror}") from None
    try:
        event = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or an integer over Python's 4300 digits
        raise ValueError(f"event from {source} is not valid JSON: {exc}") from None
    if not isinstance(event, dict):
        raise ValueError(f"event from {source} must be a JSON object")
    return event


def _invoke_http(config: Config, event: dict[str, Any], out: TextIO) -> int:
    from gh_promotion.runtime import aws_lambda
    from gh_promotion.runtime.startup import StartupRefused, webhook_secret

    if not aws_lambda.is_http_event(event):
        hint = " (this is an EventBridge event: use `lambda event`)"
        suffix = hint if aws_lambda.is_eventbridge_event(event) else ""
        return _bad_input(f"not an API Gateway or Function URL event{suffix}")
    try:
        webhook_secret(config)
    except StartupRefused as exc:
        return _bad_input(f"refusing to start: {exc.detail}")
    response = aws_lambda.http_handler(event, LocalContext())
    print(json.dumps(response), file=out, flush=True)
    return _exit_for(int(response.get("statusCode", 500)), _http_body(response))


def _invoke_event(config: Config, event: dict[str, Any], out: TextIO) -> int:
    from gh_promotion.runtime import aws_lambda

    if not aws_lambda.is_eventbridge_event(event):
        hint = (
            " (this is an HTTP event: use `lambda http`)" if aws_lambda.is_http_event(event) else ""
        )
        return _bad_input(f"not an EventBridge event: needs detail-type and detail{hint}")
    if aws_lambda.is_scheduled_event(event):
        return _invoke_scheduled(config, out)
    outcome = aws_lambda.handle_eventbridge(event, config)
    print(json.dumps(outcome.body), file=out, flush=True)
    return _exit_for(outcome.status, outcome.body)


def _invoke_scheduled(config: Config, out: TextIO) -> int:
    """A scheduled event: one reconcile run; 1 when an outcome needs a person."""
    from gh_promotion.config.errors import ConfigError
    from gh_promotion.runtime import aws_lambda

    try:
        summary = aws_lambda.handle_scheduled(config)
    except ConfigError as exc:
        return _bad_input(str(exc))
    print(json.dumps(summary), file=out, flush=True)
    return EXIT_FAILED if summary["needs_person"] else EXIT_HANDLED


def _http_body(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        import base64

        body = base64.b64decode(body).decode("utf-8", "replace")
    try:
        decoded = json.loads(body)
    except json.JSONDecodeError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _exit_for(status_code: int, body: dict[str, Any]) -> int:
    """4xx is the input's fault (2); 5xx or a failed/rejected promotion is 1; else 0."""
    if 400 <= status_code < 500:
        return EXIT_BAD_INPUT
    if status_code >= 500 or body.get("status") in FAILED_STATUSES:
        return EXIT_FAILED
    return EXIT_HANDLED


def _bad_input(message: str) -> int:
    print(f"gh-promotion: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
