"""``gh-promotion service`` over real HTTP on loopback: routes, refusals, logs, slow clients.

The service runs as users run it (``python -m gh_promotion service``) in a
subprocess; deliveries are signed exactly as GitHub signs them.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from gh_promotion import __version__
from testkit.deliveries import SECRET, signed
from testkit.payloads import example
from tests.runtime.helpers import ServiceProcess, clean_env, http

BODY_LIMIT = 65_536
WEBHOOK_PATH = "/hooks/github"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    args = [
        "--github-webhook-secret",
        SECRET,
        "-A",
        "token",
        "--github-api-url",
        "http://127.0.0.1:9",  # discard port: nothing here may reach GitHub
        "--max-body-bytes",
        str(BODY_LIMIT),
        "-P",
        WEBHOOK_PATH,
        "-t",
        "2s",
    ]
    env = clean_env(GITHUB_TOKEN="ghp_" + "x" * 36)
    running = ServiceProcess(args, env, tmp_path_factory.mktemp("service"))
    try:
        running.wait_listening()
        yield running
    finally:
        running.kill()


def test_healthz_answers_with_the_version(service: ServiceProcess) -> None:
    status, body, headers = http("GET", f"{service.root}/healthz")
    assert (status, body) == (200, {"status": "ok", "version": __version__})
    assert headers["Content-Type"] == "application/json"


def test_ping_is_answered_with_pong(service: ServiceProcess) -> None:
    headers, body = signed("ping", example("ping/payload.json"), delivery_id="ping-1")
    status, answer, _ = http("POST", service.base_url, body, headers)
    assert status == 200
    assert (answer["status"], answer["delivery_id"]) == ("pong", "ping-1")


def test_form_encoded_deliveries_are_accepted(service: ServiceProcess) -> None:
    """GitHub's other content type: the JSON URL-encoded in a ``payload`` field."""
    form = urlencode({"payload": json.dumps(example("ping/payload.json"))}).encode()
    headers, body = signed(
        "ping", form, delivery_id="form-1", content_type="application/x-www-form-urlencoded"
    )
    status, answer, _ = http("POST", service.base_url, body, headers)
    assert (status, answer["status"], answer["delivery_id"]) == (200, "pong", "form-1")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_on_the_webhook_path_are_405(service: ServiceProcess, method: str) -> None:
    status, body, headers = http(method, service.base_url)
    assert status == 405
    assert headers["Allow"] == "POST"
    assert "error" in body


def test_unknown_paths_are_404_json(service: ServiceProcess) -> None:
    status, body, headers = http("POST", f"{service.root}/not-the-hook", b"{}")
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert "error" in body


def _without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in headers.items() if key != name}


def _refusals() -> list[tuple[str, dict[str, str], bytes, int, str]]:
    """(case, headers, body, status, words in the error) for every intake refusal."""
    ping = example("ping/payload.json")
    headers, body = signed("ping", ping)
    sha1_only = _without(headers, "X-Hub-Signature-256") | {"X-Hub-Signature": "sha1=" + "0" * 40}
    bad_json_headers, bad_json = signed("push", b'{"ref": ')
    array_headers, array = signed("push", b"[]")
    invalid_headers, invalid = signed("invalid", example("star/created.payload.json"))
    text_headers, text = signed("ping", b"zen", content_type="text/plain")
    return [
        ("no event", _without(headers, "X-GitHub-Event"), body, 400, "X-GitHub-Event"),
        ("no delivery", _without(headers, "X-GitHub-Delivery"), body, 400, "X-GitHub-Delivery"),
        ("unsigned", _without(headers, "X-Hub-Signature-256"), body, 401, "X-Hub-Signature-256"),
        ("sha1 only", sha1_only, body, 401, "SHA-1"),
        ("wrong sig", headers | {"X-Hub-Signature-256": "sha256=" + "0" * 64}, body, 401, "match"),
        ("tampered", headers, body.replace(b"Hello", b"Howdy"), 401, "match"),
        ("text/plain", text_headers, text, 415, "Content-Type"),
        ("malformed", bad_json_headers, bad_json, 400, "not valid JSON"),
        ("not object", array_headers, array, 400, "JSON object"),
        ("unknown event", invalid_headers, invalid, 400, "unknown event type: invalid"),
    ]


@pytest.mark.parametrize(
    ("headers", "body", "status", "words"),
    [case[1:] for case in _refusals()],
    ids=[case[0] for case in _refusals()],
)
def test_every_intake_refusal_is_a_4xx_json_error(
    service: ServiceProcess, headers: dict[str, str], body: bytes, status: int, words: str
) -> None:
    answered, answer, response_headers = http("POST", service.base_url, body, headers)
    assert answered == status
    assert response_headers["Content-Type"] == "application/json"
    assert words in answer["error"]
    assert "Traceback" not in json.dumps(answer)


def test_a_body_over_the_limit_is_413(service: ServiceProcess) -> None:
    payload = example("ping/payload.json") | {"padding": "x" * BODY_LIMIT}
    headers, body = signed("ping", payload)
    status, answer, _ = http("POST", service.base_url, body, headers)
    assert status == 413
    assert str(BODY_LIMIT) in answer["error"]


def _port(service: ServiceProcess) -> int:
    return int(service.root.rsplit(":", 1)[1])


def _raw_exchange(service: ServiceProcess, request: bytes) -> tuple[int, dict, str]:
    """Send ``request`` as it is; the status, JSON body and Content-Type of the answer."""
    with socket.create_connection(("127.0.0.1", _port(service)), timeout=10) as sock:
        sock.sendall(request)
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), json.loads(body), fields["Content-Type"]


def _access_lines(service: ServiceProcess, delivery_id: str) -> list[dict]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [
            r
            for r in service.log_records()
            if r.get("logger") == "gh_promotion.access" and r.get("delivery_id") == delivery_id
        ]
        if lines:
            return lines
        time.sleep(0.05)
    return []


def _headers(delivery_id: str, framing: str) -> bytes:
    return (
        f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: ping\r\n"
        f"X-GitHub-Delivery: {delivery_id}\r\nContent-Type: application/json\r\n"
        f"{framing}\r\n\r\n"
    ).encode()


def test_a_body_far_over_the_limit_is_a_json_413_with_its_access_line(
    service: ServiceProcess,
) -> None:
    """Above twice the limit waitress itself used to answer, in plain text, unlogged."""
    request = _headers("huge-1", f"Content-Length: {3 * BODY_LIMIT}")
    status, answer, content_type = _raw_exchange(service, request)
    assert (status, content_type) == (413, "application/json")
    assert answer == {"error": f"body is {3 * BODY_LIMIT} bytes, over the {BODY_LIMIT}-byte limit"}
    (line,) = _access_lines(service, "huge-1")
    assert (line["status"], line["event"], line["path"]) == (413, "ping", WEBHOOK_PATH)


def test_a_chunked_body_over_the_limit_is_a_json_413_with_its_access_line(
    service: ServiceProcess,
) -> None:
    """Chunked bodies have no Content-Length to refuse early; past twice the limit
    waitress used to answer them in plain text."""
    chunk = b"x" * (2 * BODY_LIMIT + 1)
    body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
    request = _headers("chunked-1", "Transfer-Encoding: chunked") + body
    status, answer, content_type = _raw_exchange(service, request)
    assert (status, content_type) == (413, "application/json")
    assert str(BODY_LIMIT) in answer["error"]
    (line,) = _access_lines(service, "chunked-1")
    assert line["status"] == 413


def test_each_request_leaves_one_json_line(service: ServiceProcess) -> None:
    """A delivery's own line carries the HTTP fields; no access line repeats it.
    A request refused before a delivery is read gets the access line instead."""
    headers, body = signed("ping", example("ping/payload.json"), delivery_id="one-line-1")
    assert http("POST", service.base_url, body, headers)[0] == 200
    headers["X-GitHub-Delivery"] = "one-line-2"
    headers["X-Hub-Signature-256"] = "sha256=" + "0" * 64
    assert http("POST", service.base_url, body, headers)[0] == 401
    lines = _lines_of(service, "one-line-1", "one-line-2")
    (delivery,) = [line for line in lines if line["delivery_id"] == "one-line-1"]
    assert delivery["logger"] == "gh_promotion.delivery"
    assert (delivery["event"], delivery["http_status"], delivery["status"]) == ("ping", 200, "pong")
    assert (delivery["method"], delivery["path"]) == ("POST", WEBHOOK_PATH)
    assert delivery["remote_addr"] == "127.0.0.1"
    (refused,) = [line for line in lines if line["delivery_id"] == "one-line-2"]
    assert refused["logger"] == "gh_promotion.access"
    assert (refused["status"], refused["method"]) == (401, "POST")
    assert "Signature" in refused["reason"]
    assert refused["duration_ms"] >= 0
    assert SECRET not in "".join(service.stdout)


def _lines_of(service: ServiceProcess, *delivery_ids: str) -> list[dict]:
    """The log lines naming these deliveries, once each has one (and a moment for strays)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [r for r in service.log_records() if r.get("delivery_id") in delivery_ids]
        if {line["delivery_id"] for line in lines} == set(delivery_ids):
            time.sleep(0.2)
            return [r for r in service.log_records() if r.get("delivery_id") in delivery_ids]
        time.sleep(0.05)
    raise AssertionError(f"no log line for {delivery_ids} within 5 s")


def _slow_client(url_port: int, stop: threading.Event) -> None:
    """Sends a request line and headers one byte every 50 ms, never finishing."""
    with socket.create_connection(("127.0.0.1", url_port)) as sock:
        request = (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: ping\r\n"
            + "X-Pad: a\r\n" * 50
        ).encode()
        for byte in request:
            if stop.is_set():
                return
            sock.sendall(bytes([byte]))
            time.sleep(0.05)


def test_eight_slow_clients_do_not_stop_signed_deliveries(service: ServiceProcess) -> None:
    port = int(service.root.rsplit(":", 1)[1])
    stop = threading.Event()
    slow = [threading.Thread(target=_slow_client, args=(port, stop), daemon=True) for _ in range(8)]
    for thread in slow:
        thread.start()
    time.sleep(0.3)  # every slow client is connected and dribbling headers
    try:

        def deliver(number: int) -> tuple[int, float]:
            headers, body = signed(
                "ping", example("ping/payload.json"), delivery_id=f"slow-{number}"
            )
            started = time.monotonic()
            status = http("POST", service.base_url, body, headers, timeout=5)[0]
            return status, time.monotonic() - started

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(deliver, range(24)))
        assert all(thread.is_alive() for thread in slow), "the slow clients were still sending"
    finally:
        stop.set()
    assert [status for status, _ in answers] == [200] * 24
    assert max(seconds for _, seconds in answers) < 2


def test_it_refuses_to_start_without_a_webhook_secret(tmp_path: Path) -> None:
    env = clean_env(GITHUB_TOKEN="ghp_" + "x" * 36)
    refused = ServiceProcess(["-A", "token"], env, tmp_path)
    assert refused.process.wait(20) == 2
    stderr = "".join(refused.stderr) + "".join(refused.stdout)
    assert "no webhook secret" in stderr
    assert "--insecure-skip-signature" in stderr


def test_insecure_skip_signature_starts_with_a_warning_and_accepts_unsigned(tmp_path: Path) -> None:
    env = clean_env(GITHUB_TOKEN="ghp_" + "x" * 36)
    insecure = ServiceProcess(["-A", "token", "--insecure-skip-signature"], env, tmp_path)
    try:
        insecure.wait_listening()
        headers, body = signed("ping", example("ping/payload.json"))
        del headers["X-Hub-Signature-256"]
        assert http("POST", insecure.base_url, body, headers)[0] == 200
        assert insecure.stop() == 0
    finally:
        insecure.kill()
    warnings = [r["message"] for r in insecure.log_records() if r.get("level") == "warning"]
    assert any("NOT checked" in message for message in warnings)
    assert any("commit statuses are used instead" in message for message in warnings)


def test_an_idle_connection_is_closed_after_the_io_timeout(service: ServiceProcess) -> None:
    """``-t 2s``: a client that connects and says nothing is let go, not kept forever."""
    port = int(service.root.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(10)
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server
        waited = time.monotonic() - started
    assert 1.5 <= waited < 8


class Tricklers:
    """``count`` connections that each send a byte of an unfinished request every 0.2 s."""

    def __init__(self, port: int, count: int) -> None:
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        for sock in self.sockets:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Pad: ")
        self._thread.start()

    def _trickle(self) -> None:
        while not self._stop.wait(0.2):
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.sendall(b"a")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for sock in self.sockets:
            sock.close()


def test_more_slow_clients_than_waitress_default_limit_do_not_lock_others_out(
    service: ServiceProcess,
) -> None:
    """waitress stops accepting at 100 connections by default; each byte kept them alive."""
    slow = Tricklers(_port(service), 150)
    try:
        time.sleep(0.5)
        status, body, _ = http("GET", f"{service.root}/healthz", timeout=5)
        headers, ping = signed("ping", example("ping/payload.json"))
        pinged = http("POST", service.base_url, ping, headers, timeout=5)[0]
    finally:
        slow.close()
    assert (status, body["status"], pinged) == (200, "ok", 200)


@pytest.fixture(scope="module")
def strict_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """A request deadline of 1 s, and an idle timeout far longer, so only the deadline acts."""
    args = ["--github-webhook-secret", SECRET, "-A", "token", "--github-api-url"]
    args += ["http://127.0.0.1:9", "--request-deadline", "1s", "-t", "60s", "-P", WEBHOOK_PATH]
    env = clean_env(GITHUB_TOKEN="ghp_" + "x" * 36)
    running = ServiceProcess(args, env, tmp_path_factory.mktemp("strict"))
    try:
        running.wait_listening()
        yield running
    finally:
        running.kill()


def _seconds_until_closed(port: int, start: bytes, then: bytes) -> float:
    """Send ``start``, then ``then`` a byte every 0.1 s; how long until the server closed."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(0.1)
        sock.sendall(start)
        for byte in then:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1) == b"":
                    break
            except TimeoutError:
                continue
            except OSError:
                break
    return time.monotonic() - started


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_request_not_complete_within_the_deadline_is_closed(
    strict_service: ServiceProcess, where: str
) -> None:
    """Each byte used to restart the idle timeout: a trickle held a connection forever."""
    if where == "headers":
        start, then = b"POST / HTTP/1.1\r\nHost: x\r\nX-Pad: ", b"a" * 100
    else:
        start, then = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", b"{" * 99
    seconds = _seconds_until_closed(_port(strict_service), start, then)
    assert seconds < 6, f"still open after {seconds:.1f} s of a 10 s trickle"
    assert strict_service.process.poll() is None
    status, _, _ = http("GET", f"{strict_service.root}/healthz", timeout=5)
    assert status == 200
    logged = [r.get("message", "") for r in strict_service.log_records()]
    assert any("not complete within 1 s" in message for message in logged)


def test_a_slow_but_timely_request_is_answered(strict_service: ServiceProcess) -> None:
    headers, body = signed("ping", example("ping/payload.json"), delivery_id="timely-1")
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n{head}\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", _port(strict_service)), timeout=10) as sock:
        half = len(request) // 2
        sock.sendall(request[:half])
        time.sleep(0.3)
        sock.sendall(request[half:])
        answer = sock.makefile("rb").readline()
    assert answer.startswith(b"HTTP/1.1 200")
