"""``gh-promotion service``: the webhook app behind a production WSGI server.

The server is waitress (see docs/runtimes.md for the measurements behind the
choice) with the guards of ``runtime/waitress_server.py``: its event loop reads
requests, so slow clients cost a socket each, not a worker, and a request not
received within ``service.requestDeadline`` is closed; deliveries run on a
pool of threads sized for deliveries that wait on GitHub, while health checks
and pings run on their own small pool and are never queued behind them.

Plain ``waitress.serve`` dies on SIGTERM with requests in flight. Here SIGTERM
(and SIGINT) close the listening socket, close idle and half-received
connections, let every request already received run to its answer, then exit 0.

With ``service.reconcileInterval`` set, a reconcile (the sweep, then
redelivery) also runs every interval on a thread of its own
(:mod:`gh_promotion.runtime.reconcile_loop`), reported by ``/healthz``; SIGTERM
stops it too, a run in flight getting what is left of the shutdown grace.
"""

from __future__ import annotations

import logging
import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from gh_promotion.config.model import Config
from gh_promotion.runtime.reconcile_loop import ReconcileLoop, check_reconcile
from gh_promotion.runtime.startup import StartupRefused, check_credentials, log_startup_warnings

logger = logging.getLogger(__name__)

DELIVERY_THREADS = 8  # deliveries computing at once: more only contend for the GIL
MOST_DELIVERY_THREADS = 40  # with one more per delivery waiting on GitHub, up to this
QUICK_THREADS = 2  # /healthz, pings and refusals: never wait on GitHub
CONNECTION_LIMIT = 1000  # open connections; slow clients each hold one until the deadline
FD_HEADROOM = 100  # descriptors beside client connections: GitHub connections, logs, pipes
POLL_SECONDS = 0.2  # how soon a stop request is noticed
FIT_INTERVAL = 0.1  # how often the delivery pool is sized to the deliveries waiting
SHUTDOWN_GRACE_SECONDS = 25.0  # under Kubernetes' and ECS's 30 s default stop timeout
EXIT_OK, EXIT_CONFIG = 0, 2


def serve(config: Config, origins: Mapping[str, str] | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then finish in-flight deliveries; the exit status.

    ``origins`` (where each value came from) makes a refusal name the flag, variable or file line.
    """
    log_startup_warnings(config)
    try:
        check_credentials(config, origins)
        check_reconcile(config)
        from gh_promotion.runtime.webapp import create_app, webhook_path

        sweeper = ReconcileLoop(config) if config.service.reconcile_interval > 0 else None
        app = create_app(config, health=sweeper.health if sweeper else None)
        server = build_server(app, config)
    except StartupRefused as exc:
        print(f"gh-promotion: refusing to start: {exc.detail}", file=sys.stderr)
        return EXIT_CONFIG
    except OSError as exc:
        print(f"gh-promotion: cannot listen on {_listen_address(config)}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    loop = GracefulServer(server)
    host, port = server.effective_host, server.effective_port
    _tell(f"gh-promotion service listening on http://{host}:{port}{webhook_path(config)}")

    def stop(*_: object) -> None:
        if sweeper is not None:
            sweeper.stop()
        loop.request_stop()

    if sweeper is not None:
        sweeper.start()
    with _stop_on_signals(stop):
        loop.run()
    if sweeper is not None and not sweeper.join(max(0.0, loop.grace_left())):
        logger.error("stopped with a reconcile run still going; the next run resumes it")
    return EXIT_OK


def build_server(app: Any, config: Config) -> Any:
    """A guarded waitress server bound to ``service.addr:service.port``, not yet serving.

    ``service.timeout`` becomes waitress's ``channel_timeout``: a connection
    with no request in progress and no read or write for that long is closed.
    ``service.requestDeadline`` bounds how long one request may take to arrive.
    """
    from waitress.adjustments import Adjustments

    from gh_promotion.runtime.waitress_server import GuardedServer
    from gh_promotion.runtime.webapp import webhook_path

    adjustments = Adjustments(
        host=config.service.addr or "0.0.0.0",
        port=config.service.port,
        threads=DELIVERY_THREADS,
        connection_limit=connection_limit(CONNECTION_LIMIT),
        channel_timeout=max(1, math.ceil(config.service.timeout)),
        cleanup_interval=1,  # how often idle timeouts and request deadlines are checked
        # waitress refuses a body of this many bytes or more: one over the app's limit.
        max_request_body_size=config.service.max_body_bytes + 1,
        ident="gh-promotion",
        asyncore_use_poll=True,
    )
    return GuardedServer(
        app,
        adjustments,
        webhook_path=webhook_path(config),
        request_deadline=config.service.request_deadline,
        quick_threads=QUICK_THREADS,
        most_threads=MOST_DELIVERY_THREADS,
    )


def connection_limit(wanted: int) -> int:
    """``wanted``, raising the soft open-file limit to fit it when the hard limit allows;
    else as many connections as the descriptors allow (often 1024 by default)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - FD_HEADROOM))


class GracefulServer:
    """Runs a waitress server's event loop so that a stop request drains it cleanly."""

    def __init__(self, server: Any, grace_seconds: float = SHUTDOWN_GRACE_SECONDS) -> None:
        self._server = server
        self._grace_seconds = grace_seconds
        self._stop = threading.Event()
        self._next_fit = 0.0
        self._deadline: float | None = None  # of the shutdown grace, once stopping

    def grace_left(self) -> float:
        """Seconds left of the shutdown grace (all of it before a stop)."""
        if self._deadline is None:
            return self._grace_seconds
        return self._deadline - time.monotonic()

    def request_stop(self, *_: object) -> None:
        """Safe from a signal handler: it only sets a flag the loop polls."""
        self._stop.set()

    def run(self) -> None:
        while not self._stop.is_set():
            self._poll_once()
        self._drain()

    def _poll_once(self) -> None:
        from waitress import wasyncore

        now = time.monotonic()
        if now >= self._next_fit:  # a thread for each delivery now waiting on GitHub
            self._next_fit = now + FIT_INTERVAL
            self._server.task_dispatcher.fit()
        wasyncore.loop(timeout=POLL_SECONDS, map=self._server._map, use_poll=True, count=1)

    def _drain(self) -> None:
        from waitress import wasyncore

        in_flight = sum(1 for channel in self._channels() if channel.requests)
        _tell(f"gh-promotion service stopping: finishing {in_flight} request(s) in flight")
        wasyncore.dispatcher.close(self._server)  # the listening socket only, not the trigger
        deadline = self._deadline = time.monotonic() + self._grace_seconds
        while self._server.active_channels and time.monotonic() < deadline:
            self._close_idle_channels()
            self._poll_once()
        if self._server.active_channels:
            logger.error("stopped with %d connection(s) still busy", len(self._channels()))
        self._server.shutdown_workers(timeout=1)
        self._server.trigger.close()
        _tell("gh-promotion service stopped")

    def _channels(self) -> list[Any]:
        return list(self._server.active_channels.values())

    def _close_idle_channels(self) -> None:
        """Keep-alive and half-received connections are not deliveries in flight: close
        them once what was already answered has been sent."""
        for channel in self._channels():
            channel.close_when_idle()


@contextmanager
def _stop_on_signals(stop: Callable[..., None]) -> Iterator[None]:
    """SIGTERM and SIGINT call ``stop`` while serving (main thread only, as Python requires)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _tell(line: str) -> None:
    """Lifecycle lines (listening, stopping, stopped) go to stderr at every verbosity,
    apart from the JSON log on stdout, for the person or supervisor watching."""
    print(line, file=sys.stderr, flush=True)


def _listen_address(config: Config) -> str:
    return f"{config.service.addr or '0.0.0.0'}:{config.service.port}"
