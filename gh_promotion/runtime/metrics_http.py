"""``GET /metrics`` for the service: the Prometheus sink, served on the service's port or its own.

With ``service.metricsPort`` set the exposition gets a listener of its own on
``service.addr`` (``prometheus_client``'s small threaded server), so it can be
kept off the port GitHub reaches; otherwise it is a route of the webhook app,
answered in waitress's quick lane (it never waits on GitHub). With
``metrics.enabled`` off, nothing is recorded and there is no route.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

from gh_promotion.config.model import Config
from gh_promotion.runtime.startup import StartupRefused

METRICS_PATH = "/metrics"


def serve_metrics(app: Flask, config: Config) -> Any:
    """Start recording; expose the registry on the app or on ``service.metricsPort``.

    Returns the sink (None when metrics are off); raises ``StartupRefused`` when
    the metrics port cannot be listened on.
    """
    if not config.metrics.enabled:
        return None
    from gh_promotion.metrics import record
    from gh_promotion.metrics.prometheus import CONTENT_TYPE, PrometheusSink

    sink = PrometheusSink(per_repository=config.metrics.per_repository)
    port = config.service.metrics_port
    if port:
        _listen(sink, config.service.addr or "0.0.0.0", port)
    else:

        def scrape() -> Response:
            return Response(sink.exposition(), status=200, content_type=CONTENT_TYPE)

        app.add_url_rule(METRICS_PATH, "metrics", scrape, methods=["GET"])
    record.install(sink)
    return sink


def _listen(sink: Any, addr: str, port: int) -> None:
    from prometheus_client import start_http_server

    try:
        start_http_server(port, addr=addr, registry=sink.registry)
    except OSError as exc:
        raise StartupRefused(
            f"cannot listen on {addr}:{port} for /metrics (service.metricsPort): {exc}"
        ) from None
