"""``gh-promotion service`` over real HTTP on loopback: routes, refusals, logs, slow clients.

The service runs as users run it (``python -m gh_promotion service``) in a
subprocess; deliveries are signed exactly as GitHub signs them.
"""

from __future__ import annotations

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
from tests.payloads import example
from tests.runtime.helpers import SECRET, ServiceProcess, clean_env, http, signed

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


def test_each_request_leaves_one_json_access_line(service: ServiceProcess) -> None:
    headers, body = signed("ping", example("ping/payload.json"), delivery_id="access-line-1")
    assert http("POST", service.base_url, body, headers)[0] == 200
    deadline = time.monotonic() + 5
    lines: list[dict] = []
    while not lines and time.monotonic() < deadline:
        lines = [
            r
            for r in service.log_records()
            if r.get("logger") == "gh_promotion.access" and r.get("delivery_id") == "access-line-1"
        ]
        time.sleep(0.05)
    assert len(lines) == 1
    line = lines[0]
    assert (line["event"], line["status"], line["method"]) == ("ping", 200, "POST")
    assert line["duration_ms"] >= 0
    assert SECRET not in "".join(service.stdout)


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
