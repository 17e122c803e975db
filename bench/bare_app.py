"""The ceiling: a Flask app that reads the body and answers 200, under the service's own server.

``python -m bench.bare_app`` serves it on 127.0.0.1 and a free port with
:func:`gh_promotion.runtime.service.build_server`, so the only difference from
``gh-promotion service`` is the work the product does per request.
"""

from __future__ import annotations

import signal
import sys

from flask import Flask, Response, request

from gh_promotion.config.model import Config
from gh_promotion.runtime.service import GracefulServer, build_server


def create_app() -> Flask:
    app = Flask("bare")

    @app.post("/")
    def ok() -> Response:
        request.get_data(cache=False)
        return Response("{}", status=200, mimetype="application/json")

    return app


def main() -> None:
    base = Config()
    config = base._replace(service=base.service._replace(addr="127.0.0.1", port=0))
    server = build_server(create_app(), config)
    loop = GracefulServer(server)
    signal.signal(signal.SIGTERM, loop.request_stop)
    host, port = server.effective_host, server.effective_port
    print(f"bare flask listening on http://{host}:{port}/", file=sys.stderr, flush=True)
    loop.run()


if __name__ == "__main__":
    main()
