"""The Flask app both the service and Lambda HTTP serve.

Two routes: POST on ``service.path`` (the webhook) and ``GET /healthz`` (which
also reports the background reconcile, when the service runs one).
Every answer is JSON, every request leaves one JSON log line (a delivery's own
line, or the access line), and no
request, however malformed, gets a traceback or an HTML error page.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from gh_promotion import __version__
from gh_promotion.config.model import Config
from gh_promotion.intake import IntakeError, read_delivery
from gh_promotion.intake.body_size import check_body_size, too_large
from gh_promotion.log import log_context
from gh_promotion.runtime.dispatch import answer, error_body
from gh_promotion.runtime.startup import webhook_secret

access_log = logging.getLogger("gh_promotion.access")
logger = logging.getLogger(__name__)


def enable_access_log() -> None:
    """Access lines are logged at INFO but wanted at every verbosity: a server that
    says nothing about the requests it answered cannot be operated."""
    access_log.setLevel(logging.INFO)


HEALTH_PATH = "/healthz"


def create_app(config: Config, health: Callable[[], dict[str, Any]] | None = None) -> Flask:
    """The WSGI app for ``config``; raises ``StartupRefused`` when it has no webhook secret.

    ``health``, when given, adds its answer to ``/healthz`` as ``reconcile``.
    """
    secret = webhook_secret(config)
    enable_access_log()
    limit = config.service.max_body_bytes
    app = Flask("gh_promotion")
    app.config["MAX_CONTENT_LENGTH"] = limit

    def receive_webhook() -> Response:
        try:
            check_body_size(request.content_length, limit)  # before reading the body
            delivery = read_delivery(
                request.headers.items(),
                request.get_data(cache=False),
                secret=secret,
                skip_signature=config.github.insecure_skip_signature,
                max_body_bytes=limit,
            )
        except IntakeError as refusal:
            g.refusal = refusal.message  # the access line says why
            return json_response(refusal.status, error_body(refusal.message))
        with log_context(**_http_fields()):
            outcome = answer(delivery, config)
        g.delivery_logged = True  # its line carries the HTTP fields: no access line
        return json_response(outcome.status, outcome.body)

    def healthz() -> Response:
        body: dict[str, Any] = {"status": "ok", "version": __version__}
        if health is not None:
            body["reconcile"] = health()
        return json_response(200, body)

    app.add_url_rule(
        webhook_path(config),
        "webhook",
        receive_webhook,
        methods=["POST"],
        provide_automatic_options=False,
    )
    app.add_url_rule(HEALTH_PATH, "health", healthz, methods=["GET"])
    _install_error_handlers(app)
    _install_access_log(app)
    return app


def webhook_path(config: Config) -> str:
    """``service.path`` as a route: always absolute."""
    path = config.service.path.strip() or "/"
    return path if path.startswith("/") else f"/{path}"


def json_response(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _install_error_handlers(app: Flask) -> None:
    """404, 405, 413 and any unexpected error answer JSON, never HTML or a traceback."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = exc.get_response()  # keeps headers such as Allow on a 405
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            message = too_large(None, app.config["MAX_CONTENT_LENGTH"])
        response.set_data(json.dumps(error_body(message)))
        response.mimetype = "application/json"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        logger.exception("unexpected error serving %s %s", request.method, request.path)
        return json_response(500, error_body("internal error; the service log has the details"))


def _http_fields() -> dict[str, str]:
    """What the log says of the HTTP request: on the delivery's line, or the access line."""
    fields = {"method": request.method, "path": request.path}
    fields["remote_addr"] = request.remote_addr or ""
    aws_request_id = _aws_request_id(request.environ)
    if aws_request_id:
        fields["aws_request_id"] = aws_request_id
    return fields


def _install_access_log(app: Flask) -> None:
    """One JSON line per request that did not reach a delivery's own line.

    A delivery's line (:mod:`gh_promotion.runtime.dispatch`) already says what
    came in and what went out, with the HTTP fields added: writing a second
    line for it would double the log's volume (and cost) and the time spent on
    each delivery. ``/healthz``, refusals before a delivery is read and unknown
    routes get this line. The fields are ``extra`` on the record;
    :mod:`gh_promotion.log` writes them as JSON keys.
    """

    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        if g.get("delivery_logged"):
            return response
        started = g.get("started", time.perf_counter())
        entry: dict[str, Any] = {
            **_http_fields(),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            "delivery_id": request.headers.get("X-GitHub-Delivery", ""),
            "event": request.headers.get("X-GitHub-Event", ""),
        }
        if g.get("refusal"):
            entry["reason"] = g.refusal
        access_log.info("%s %s %s", request.method, request.path, response.status_code, extra=entry)
        return response


def _aws_request_id(environ: dict[str, Any]) -> str:
    """The Lambda request id, which a2wsgi exposes through the ASGI scope mangum built."""
    scope = environ.get("asgi.scope") or {}
    context = scope.get("aws.context")
    return str(getattr(context, "aws_request_id", "") or "")
