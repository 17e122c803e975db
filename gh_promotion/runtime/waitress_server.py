"""The waitress server the service runs, with what plain waitress lacks for a public webhook.

- **A deadline per request.** waitress's ``channel_timeout`` counts from the
  last byte received, so a client sending one byte a second holds its
  connection forever, and 100 such clients (the default ``connection_limit``)
  stop the server accepting anyone. Here a request whose headers and body are
  not complete ``request_deadline`` seconds after its first byte is closed, and
  the connection limit is far above what a handful of slow clients can fill.
- **A quick lane.** Requests that never wait on GitHub — ``/healthz``, pings,
  refusals waitress makes itself, anything that is not a delivery — run on
  their own small thread pool, so deliveries waiting on a slow GitHub never
  delay a health check or a ping.
- **Threads for deliveries that wait.** Deliveries run on a pool that grows by
  one thread for each delivery waiting on GitHub (``DeliveryPool``).
- **JSON errors.** What waitress refuses itself (a body over the limit,
  malformed HTTP) is answered in the same JSON as the app's refusals, with the
  same access-log line, instead of waitress's plain text and silence.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from gh_promotion.intake.body_size import too_large

logger = logging.getLogger(__name__)
access_log = logging.getLogger("gh_promotion.access")  # the app's access log (webapp)

WAITING_SECONDS = 0.25  # a delivery running longer is taken to be waiting on GitHub
ACCEPT_BATCH = 64  # connections accepted per turn of the event loop, at most
LINGER_SECONDS = 2.0  # how long a refused client may go on sending before it is closed
# GitHub's pings are a few kB; a larger "ping" goes to the delivery threads
QUICK_PING_BYTES = 64 * 1024


class GuardedChannel(HTTPChannel):
    """A connection that knows when the request it is receiving began, and that lingers
    after refusing a request so the client can read the refusal (see ``handle_close``)."""

    request_started = 0.0  # time.monotonic() of the first byte of the partial request
    linger_on_close = False  # set when a refusal is answered before the body was read
    lingering_since: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.monotonic()
        return super().received(data)

    def overdue(self, now: float, deadline: float) -> bool:
        """Receiving one request for longer than ``deadline``, with nothing in flight."""
        if self.lingering_since is not None:
            return now - self.lingering_since > LINGER_SECONDS
        return (
            self.request is not None
            and not self.requests
            and not self.will_close
            and now - self.request_started > deadline
        )

    def handle_close(self) -> None:
        """After a refusal, send FIN and read (and drop) what the client is still sending.

        Closing with unread input makes the kernel answer RST, and a client still
        writing its body then loses the 413 it was sent. Reading on until the
        client closes (or ``LINGER_SECONDS``) is the "lingering close" of nginx
        and Apache.
        """
        if self.linger_on_close and self.lingering_since is None and not self.total_outbufs_len:
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            else:
                self._linger()
                return
        super().handle_close()

    def _linger(self) -> None:
        # Instance attributes, not overrides: the event loop asks every channel
        # readable()/writable() on every turn, and only lingering ones differ.
        self.lingering_since = time.monotonic()
        self.will_close = self.close_when_flushed = False
        self.readable = lambda: True  # type: ignore[method-assign]
        self.writable = lambda: False  # type: ignore[method-assign]
        self.handle_read = lambda: self.recv(self.adj.recv_bytes)  # type: ignore[method-assign]

    def close_when_idle(self) -> None:
        """For a shutdown: close now if nothing is in flight, once flushed if answered."""
        if self.lingering_since is not None:
            super().handle_close()
        elif not self.requests:
            self.close_when_flushed = True


class JsonErrorTask(ErrorTask):
    """waitress's own refusals (413, 400, 431...) as the app answers: JSON, logged."""

    def execute(self) -> None:
        error = self.request.error
        message = str(error.body)
        if error.code == 413:
            message = too_large(self.request.content_length, self.channel.server.body_limit)
        body = json.dumps({"error": message}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.channel.linger_on_close = True
        self.content_length = len(body)
        self.write(body)
        _log_refusal(self.channel, self.request, error.code)


def _log_refusal(channel: GuardedChannel, request: Any, status: int) -> None:
    """The access-log line the app writes for the requests it answers (``webapp``)."""
    entry = {
        "method": request.command or "",
        "path": request.path or "",
        "status": status,
        "duration_ms": round((time.monotonic() - channel.request_started) * 1000, 3),
        "delivery_id": request.headers.get("X_GITHUB_DELIVERY", ""),
        "event": request.headers.get("X_GITHUB_EVENT", ""),
        "remote_addr": channel.addr[0] if channel.addr else "",
    }
    access_log.info("%s %s %s", entry["method"], entry["path"], status, extra=entry)


GuardedChannel.error_task_class = JsonErrorTask


class DeliveryPool(ThreadedTaskDispatcher):
    """Threads for deliveries: ``computing`` of them, plus one for each delivery that has
    been running longer than ``WAITING_SECONDS`` (waiting on GitHub), up to ``most``.

    A fixed pool is wrong either way: 8 threads let 8 deliveries stuck on a slow
    GitHub hold up everything behind them; 32 threads all busy computing (a
    burst of skipped deliveries) contend for the GIL and answer fewer a second
    than 8. A delivery that waits costs an idle thread, so one is added for it.
    """

    def __init__(self, computing: int, most: int) -> None:
        super().__init__()
        self.computing, self.most = computing, most
        self.started: dict[int, float] = {}  # id of a running task -> time.monotonic()
        self.set_thread_count(computing)

    def add_task(self, task: Any) -> None:
        super().add_task(_Timed(task, self.started))
        self.fit()

    def fit(self) -> None:
        """Called from the event loop: as many threads as computing + waiting need."""
        cutoff = time.monotonic() - WAITING_SECONDS
        waiting = sum(1 for started in list(self.started.values()) if started < cutoff)
        wanted = min(self.most, self.computing + waiting)
        with self.lock:
            current = len(self.threads) - self.stop_count
        if wanted > current or (wanted < current and not self.queue):
            self.set_thread_count(wanted)


class _Timed:
    """A waitress task (a channel) whose running time the pool can see."""

    def __init__(self, task: Any, started: dict[int, float]) -> None:
        self.task, self._started = task, started

    def service(self) -> None:
        self._started[id(self)] = time.monotonic()
        try:
            self.task.service()
        finally:
            del self._started[id(self)]

    def cancel(self) -> None:
        self.task.cancel()


class GuardedServer(TcpWSGIServer):
    """waitress's TCP server with a request deadline and a quick lane (see the module doc)."""

    channel_class = GuardedChannel

    def __init__(
        self,
        app: Any,
        adj: Adjustments,
        *,
        webhook_path: str,
        request_deadline: float,
        quick_threads: int,
        most_threads: int,
    ) -> None:
        self.webhook_path = webhook_path
        self.request_deadline = request_deadline
        self.body_limit = adj.max_request_body_size - 1  # waitress refuses at >= its setting
        self.quick_dispatcher = ThreadedTaskDispatcher()
        self.quick_dispatcher.set_thread_count(quick_threads)
        deliveries = DeliveryPool(computing=adj.threads, most=most_threads)
        super().__init__(app, dispatcher=deliveries, adj=adj, sockinfo=adj.listen[0])

    def handle_accept(self) -> None:
        """Accept every waiting connection, not one per turn of the event loop.

        A turn costs time in proportion to the open connections (waitress asks
        each whether it wants to read or write), so when hundreds of slow clients
        reconnect at once, accepting one per turn left a health check waiting
        behind all of them in the listen queue.
        """
        for _ in range(ACCEPT_BATCH):
            if len(self._map) >= self.adj.connection_limit:
                return
            before = len(self._map)
            super().handle_accept()
            if len(self._map) == before:  # nothing was waiting (or accept failed)
                return

    def add_task(self, channel: HTTPChannel) -> None:
        """Deliveries to the delivery pool; what cannot wait on GitHub to the quick one."""
        if self.is_delivery(channel.requests[0]):
            self.task_dispatcher.add_task(channel)
        else:
            self.quick_dispatcher.add_task(channel)

    def is_delivery(self, request: Any) -> bool:
        if request.error or request.command != "POST" or request.path != self.webhook_path:
            return False
        is_ping = request.headers.get("X_GITHUB_EVENT", "").strip().lower() == "ping"
        return not (is_ping and request.content_length <= QUICK_PING_BYTES)

    def maintenance(self, now: float) -> None:
        """waitress's idle timeout, then the deadline on requests still arriving and the
        end of lingering after a refusal."""
        super().maintenance(now)
        self.task_dispatcher.fit()
        clock = time.monotonic()
        late = 0
        for channel in list(self.active_channels.values()):
            if not channel.overdue(clock, self.request_deadline):
                continue
            if channel.lingering_since is not None:
                HTTPChannel.handle_close(channel)
            else:
                channel.will_close = True
                late += 1
        if late:  # at most one line per cleanup interval (1 s), however many
            logger.warning(
                "closed %d connection(s) whose request was not complete within %g s",
                late,
                self.request_deadline,
            )

    def shutdown_workers(self, timeout: float) -> None:
        self.task_dispatcher.shutdown(cancel_pending=True, timeout=timeout)
        self.quick_dispatcher.shutdown(cancel_pending=True, timeout=timeout)
