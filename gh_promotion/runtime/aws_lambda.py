"""The AWS Lambda shell, documented as ``gh_promotion.aws_lambda.handler`` (a re-export).

One function serves both ways Lambda can be fed:

- **HTTP** (API Gateway REST v1, HTTP API v2, Function URL): mangum turns the
  event into an ASGI request, a2wsgi hands it to the same Flask app the service
  runs (so intake and signature rules are identical), and the response goes
  back in the shape the event came in.
- **EventBridge** (``{"detail-type", "detail", "id", "source"}``): the event is
  read by :mod:`gh_promotion.intake.eventbridge` (no signature; it says why) and
  the delivery goes straight to the core. A *scheduled* event (an EventBridge
  schedule: ``"source": "aws.events"``, ``"detail-type": "Scheduled Event"``)
  runs a reconcile (:func:`handle_scheduled`) and returns its summary.

Cold starts matter, so this module imports only the standard library and the
config model at import time: Flask, mangum and a2wsgi load on the first HTTP
event, boto3 only when SSM or S3 is used, PyGithub only when a delivery calls
GitHub, and never click or yaml (unless a config.yaml is actually present).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gh_promotion.config.model import Config
from gh_promotion.intake.errors import IntakeError
from gh_promotion.intake.eventbridge import (
    delivery_from_eventbridge,
    is_eventbridge_event,
    is_scheduled_event,
)

if TYPE_CHECKING:
    from gh_promotion.runtime.dispatch import Answer

logger = logging.getLogger(__name__)

LambdaEvent = dict[str, Any]


class _Container:
    """What one Lambda container keeps between invocations (built on first use)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.config: Config | None = None
        self.origins: Mapping[str, str] = {}  # where each config value came from
        self.checked = False  # the credentials passed the start-up check
        self.asgi_app: Any = None  # the Flask app behind a2wsgi, once an HTTP event came
        self.http_adapters: dict[str, Any] = {}  # one mangum adapter per stage base path
        self.shape_warned = False


_container = _Container()


class DeliveryNotHandled(RuntimeError):
    """Raised (not returned) for a 5xx so Lambda counts the invocation as failed and
    retries an asynchronous EventBridge delivery."""


def handler(event: LambdaEvent, context: Any) -> dict[str, Any]:
    """The Lambda handler: EventBridge events go to the core, everything else is HTTP."""
    if is_eventbridge_event(event):
        return event_handler(event, context)
    return http_handler(event, context)


def event_handler(event: LambdaEvent, context: Any) -> dict[str, Any]:
    """``lambda event`` mode: an EventBridge event in, the result JSON out.

    A configuration that fails the start-up check raises :class:`StartupRefused`
    (Lambda counts the invocation as failed), before the event is looked at.
    A scheduled event runs a reconcile and returns its summary.
    """
    _drop_unredacted_log_handlers()
    from gh_promotion.runtime.startup import StartupRefused

    try:
        config = checked_config()
    except StartupRefused as exc:
        logger.error("refusing to serve: %s", exc.detail)
        raise
    if is_scheduled_event(event):
        return handle_scheduled(config)
    outcome = handle_eventbridge(event, config)
    if outcome.status >= 500:
        raise DeliveryNotHandled(outcome.body.get("error", "delivery not handled"))
    return outcome.body


def http_handler(event: LambdaEvent, context: Any) -> dict[str, Any]:
    """``lambda http`` mode: an API Gateway or Function URL event in, an HTTP response out."""
    _drop_unredacted_log_handlers()
    if not is_http_event(event):
        return _http_error(400, "not an API Gateway or Function URL event")
    from gh_promotion.runtime.startup import StartupRefused

    try:
        config = checked_config()
    except StartupRefused as exc:
        logger.error("refusing to serve: %s", exc.detail)
        return _http_error(500, f"refusing to serve: {exc}")
    refusal = _envelope_refusal(event)
    if refusal is not None:
        return refusal
    _note_payload_type(event, config)
    try:
        adapter = _http_adapter(stage_base_path(event), config)
    except StartupRefused as exc:
        logger.error("refusing to serve HTTP: %s", exc.detail)
        return _http_error(500, f"refusing to serve: {exc}")
    return adapter(event, context)


def handle_eventbridge(event: LambdaEvent, config: Config) -> Answer:
    """The status and body to answer one EventBridge event with."""
    from gh_promotion.runtime.dispatch import Answer, answer, error_body

    try:
        delivery = delivery_from_eventbridge(event)
    except IntakeError as exc:
        return Answer(exc.status, error_body(exc.message))
    return answer(delivery, config)


def handle_scheduled(config: Config) -> dict[str, Any]:
    """One reconcile run (the sweep, then redelivery), for a scheduled event; its summary.

    The summary is ``{"status": "reconciled", "outcomes": {...}, "needs_person",
    "notes", "results", ...}`` (:meth:`ReconcileReport.to_dict`), also logged as one
    line. A configuration the sweep cannot run with raises
    :class:`~gh_promotion.config.errors.ConfigError` (logged first), so the
    invocation counts as failed. Imported only here: a webhook's cold start does
    not load the sweep.
    """
    from gh_promotion.config.errors import ConfigError
    from gh_promotion.runtime.reconcile import log_report, run_reconcile

    try:
        report = run_reconcile(config)
    except ConfigError as exc:
        logger.error("refusing to reconcile: %s", exc)
        raise
    log_report(report)
    return {"status": "reconciled", **report.to_dict()}


def is_http_event(event: Any) -> bool:
    return isinstance(event, dict) and isinstance(event.get("requestContext"), dict)


def http_event_shape(event: LambdaEvent) -> str:
    """Which of ``lambda.payloadType``'s values this HTTP event is."""
    if event.get("version") == "2.0":
        domain = str(event["requestContext"].get("domainName", ""))
        return "lambda-url" if ".lambda-url." in domain else "api-gateway-v2"
    return "api-gateway-v1"


def stage_base_path(event: LambdaEvent) -> str:
    """``/{stage}`` when the request path starts with a named stage, else ``/``.

    An HTTP API (v2) with a named stage puts the stage in the path
    (``/prod/webhook``); mangum strips it when told the base path. The check is
    on whole path segments so a stage ``prod`` never eats ``/production``.
    """
    context = event.get("requestContext") or {}
    stage = str(context.get("stage") or "")
    if not stage or stage == "$default":
        return "/"
    if event.get("version") == "2.0":
        path = str((context.get("http") or {}).get("path") or event.get("rawPath") or "")
    else:
        path = str(event.get("path") or "")
    prefix = f"/{stage}"
    return prefix if path == prefix or path.startswith(f"{prefix}/") else "/"


def use_config(config: Config, origins: Mapping[str, str] | None = None) -> None:
    """Set the config the handler uses (the CLI does, from its flags); otherwise it
    is loaded from the environment and ./config.yaml on the first event."""
    with _container.lock:
        _container.config = config
        _container.origins = origins or {}
        _container.checked = False
        _container.asgi_app = None
        _container.http_adapters.clear()


def current_config() -> Config:
    """The container's config, loaded once: environment, then ./config.yaml if present."""
    with _container.lock:
        if _container.config is None:
            from gh_promotion.config.loader import resolve_with_provenance
            from gh_promotion.runtime.startup import log_startup_warnings

            _container.config, _container.origins = resolve_with_provenance(environ=os.environ)
            _start_logging(_container.config)
            log_startup_warnings(_container.config)
        return _container.config


def checked_config() -> Config:
    """:func:`current_config`, its credentials checked once per container (in ssm mode,
    the parameter read) before any event is processed.

    Raises :class:`~gh_promotion.runtime.startup.StartupRefused` while the check
    fails; it runs again on the next event, so a container outlives a fixed
    parameter or a passing SSM outage.
    """
    config = current_config()
    if _container.checked:
        return config
    from gh_promotion.runtime.startup import check_credentials

    with _container.lock:
        check_credentials(config, _container.origins)
        _container.checked = True
    return config


def _start_logging(config: Config) -> None:
    """JSON lines on stdout (CloudWatch reads it), with the config's secrets redacted."""
    from gh_promotion import log
    from gh_promotion.gateway.credentials import configured_secrets

    log.configure(
        verbosity=config.global_.logging.verbosity,
        caller_trace=config.global_.logging.caller_trace,
        stream=sys.stdout,
        secrets=configured_secrets(config.github),
    )


def _drop_unredacted_log_handlers() -> None:
    """Under the Lambda runtime, keep only log handlers that redact secrets.

    awslambdaric adds its own plain-text handler to the root logger; records
    through it would bypass the redaction of :class:`gh_promotion.log.JsonLinesHandler`
    and be written twice. Outside the Runtime API (tests, local invoke) nothing is touched.
    """
    if not os.environ.get("AWS_LAMBDA_RUNTIME_API"):
        return
    from gh_promotion.log import JsonLinesHandler

    root = logging.getLogger()
    for log_handler in list(root.handlers):
        if not isinstance(log_handler, JsonLinesHandler):
            root.removeHandler(log_handler)


def _http_adapter(base_path: str, config: Config) -> Any:
    """One mangum adapter per API stage base path, around one shared Flask app."""
    with _container.lock:
        adapter = _container.http_adapters.get(base_path)
        if adapter is None:
            from a2wsgi import WSGIMiddleware
            from mangum import Mangum

            if _container.asgi_app is None:
                from gh_promotion.runtime.webapp import create_app

                flask_app = _whole_body_is_input(create_app(config))
                _container.asgi_app = WSGIMiddleware(flask_app, workers=2)
            adapter = Mangum(_container.asgi_app, lifespan="off", api_gateway_base_path=base_path)
            _container.http_adapters[base_path] = adapter
        return adapter


def _whole_body_is_input(app: Any) -> Any:
    """Mark the request body stream as ending where the event's body ends.

    An API Gateway event need not carry ``content-length``; without it (and
    without ``wsgi.input_terminated``) Werkzeug reads an empty body, and a
    valid delivery would fail its signature check.
    """

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
        environ["wsgi.input_terminated"] = True
        return app(environ, start_response)

    return wsgi_app


def _note_payload_type(event: LambdaEvent, config: Config) -> None:
    """``lambda.payloadType`` no longer selects a parser (mangum detects the shape);
    it is kept so old configs load, and a mismatch is worth one warning."""
    shape = http_event_shape(event)
    if not _container.shape_warned and shape != config.lambda_.payload_type:
        _container.shape_warned = True
        logger.warning(
            "lambda.payloadType is %s but the event is %s; it is handled as %s",
            config.lambda_.payload_type,
            shape,
            shape,
        )


def _envelope_refusal(event: LambdaEvent) -> dict[str, Any] | None:
    """A 400 answer for an HTTP event mangum would crash on (one log line), else None."""
    from gh_promotion.intake.lambda_http import check_http_event

    try:
        check_http_event(event)
    except IntakeError as exc:
        logger.warning("refusing the Lambda HTTP event: %s", exc.message)
        return _http_error(exc.status, exc.message)
    return None


def _http_error(status: int, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"error": message}),
        "isBase64Encoded": False,
    }
