"""JSON-lines logging: fields, levels, caller, delivery context, and no secret ever."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import threading
import time
from collections.abc import Iterator

import pytest

from gh_promotion import log
from gh_promotion.config.model import Secret
from gh_promotion.simulator import Simulator
from testkit.deliveries import signed
from testkit.simulated_app import SimulatedGitHub
from tests.runtime.helpers import ServiceProcess, app_env, http

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HECdnH\n"
    "lWu2/a1gB9JW5TBQ+AVpum9Okx7KfqkfBKL9mcHgSL0yWMdjMfNOqNtrQqKlN4kE\n"
    "-----END RSA PRIVATE KEY-----"
)


def _records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _configured(**kwargs) -> io.StringIO:
    stream = io.StringIO()
    log.configure(stream=stream, **kwargs)
    return stream


def test_one_json_object_per_record_with_extra_fields():
    stream = _configured(verbosity=1)
    logging.getLogger("gh_promotion.test").info("promoted %s", "main", extra={"sha": "abc123"})
    (record,) = _records(stream)
    assert record["level"] == "info"
    assert record["logger"] == "gh_promotion.test"
    assert record["message"] == "promoted main"
    assert record["sha"] == "abc123"
    assert record["time"].endswith("+00:00")
    assert "caller" not in record


def test_verbosity_sets_the_level():
    for verbosity, shown in (
        (0, {"warning"}),
        (1, {"warning", "info"}),
        (2, {"warning", "info", "debug"}),
    ):
        stream = _configured(verbosity=verbosity)
        logger = logging.getLogger("gh_promotion.levels")
        logger.debug("d")
        logger.info("i")
        logger.warning("w")
        assert {r["level"] for r in _records(stream)} == shown


def test_caller_trace_names_file_and_line():
    stream = _configured(caller_trace=True)
    logging.getLogger("x").warning("here")
    line = test_caller_trace_names_file_and_line.__code__.co_firstlineno + 2
    assert _records(stream)[0]["caller"] == f"test_logging.py:{line}"


def test_configure_twice_does_not_duplicate_records():
    _configured()
    stream = _configured()
    logging.getLogger("x").warning("once")
    assert len(_records(stream)) == 1


def test_delivery_context_reaches_records_and_copied_threads():
    stream = _configured(verbosity=1)
    logger = logging.getLogger("gh_promotion.delivery")
    with log.delivery_context("d-42", "push", "octo/app"):
        logger.info("inside")
        context = contextvars.copy_context()
        thread = threading.Thread(target=context.run, args=(logger.info, "from a thread"))
        thread.start()
        thread.join()
    logger.info("outside")
    inside, threaded, outside = _records(stream)
    for record in (inside, threaded):
        assert (record["delivery_id"], record["event"], record["repository"]) == (
            "d-42",
            "push",
            "octo/app",
        )
    assert "delivery_id" not in outside


def test_concurrent_deliveries_keep_their_own_context():
    stream = _configured(verbosity=1)
    logger = logging.getLogger("gh_promotion.delivery")
    barrier = threading.Barrier(2)

    def handle(delivery_id: str) -> None:
        with log.delivery_context(delivery_id, "status", "octo/app"):
            barrier.wait()
            logger.info("handling", extra={"expected": delivery_id})

    threads = [threading.Thread(target=handle, args=(f"d-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r["delivery_id"] == r["expected"] for r in _records(stream))


def test_registered_secrets_never_reach_the_log():
    stream = _configured(secrets=["hook-secret-4711"])
    log.register_secret("fetched-from-ssm-0815")
    logger = logging.getLogger("x")
    logger.warning("bad signature with %s", "hook-secret-4711")
    logger.warning(
        "ssm said fetched-from-ssm-0815", extra={"detail": {"k": "fetched-from-ssm-0815"}}
    )
    text = stream.getvalue()
    assert "hook-secret-4711" not in text
    assert "fetched-from-ssm-0815" not in text
    assert text.count("***") == 3


def test_a_secret_registered_later_is_hidden_in_values_logged_before():
    """Redaction remembers recent field values; a new secret must not be served a stale answer."""
    stream = _configured()
    logger = logging.getLogger("x")
    for _ in range(2):
        logger.warning("first", extra={"repository": "acme/zq7wkv93mbx4"})
    log.register_secret("zq7wkv93mbx4")
    logger.warning("second", extra={"repository": "acme/zq7wkv93mbx4"})
    assert [r["repository"] for r in _records(stream)] == [
        "acme/zq7wkv93mbx4",
        "acme/zq7wkv93mbx4",
        "acme/***",
    ]


def test_tokens_keys_and_authorization_headers_are_redacted_without_registration():
    stream = _configured()
    logger = logging.getLogger("x")
    token = "ghs_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    logger.warning("token %s", token)
    logger.warning("key %s", PEM)
    logger.warning("headers %s", {"Authorization": "Bearer not-a-gh-token.abc", "Accept": "json"})
    logger.warning("raw header: Authorization: token 0123456789abcdef")
    logger.warning("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")
    text = stream.getvalue()
    for leaked in (
        token,
        "MIIEowIBAAKCAQEA",
        "not-a-gh-token",
        "0123456789abcdef",
        "github_pat_11",
    ):
        assert leaked not in text
    records = _records(stream)
    assert records[2]["message"] == "headers {'Authorization': '***', 'Accept': 'json'}"
    assert records[3]["message"] == "raw header: Authorization: ***"


def test_secret_values_in_extra_fields_and_exceptions_are_redacted():
    stream = _configured()
    logger = logging.getLogger("x")
    logger.warning("config", extra={"token": Secret("plain-secret-value")})
    try:
        raise RuntimeError("auth failed for ghp_" + "Z" * 36)
    except RuntimeError:
        logger.exception("boom")
    text = stream.getvalue()
    assert "plain-secret-value" not in text
    assert "ghp_ZZZZ" not in text
    first, second = _records(stream)
    assert first["token"] == "***"
    assert "RuntimeError: auth failed for ***" in second["exception"]


def test_library_records_are_redacted_too():
    """Records from other loggers (PyGithub, urllib3) pass the same handler."""
    stream = _configured(verbosity=2)
    logging.getLogger("urllib3.connectionpool").debug("Authorization: token abcdef123456")
    assert "abcdef123456" not in stream.getvalue()


def test_tiny_secrets_are_not_registered():
    """A one-letter 'secret' would turn every such letter in every log line into ***."""
    stream = _configured(secrets=["a"])
    logging.getLogger("x").warning("a cat")
    assert _records(stream)[0]["message"] == "a cat"


# -- one line per delivery, from the service at its default verbosity ------------------


@pytest.fixture(scope="module")
def quiet_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """``gh-promotion service`` at the default verbosity (warning), as the App on a simulator."""
    with Simulator() as sim:
        github = SimulatedGitHub.install(sim)
        env = app_env(sim.api_url, github.app)
        service = ServiceProcess([], env, tmp_path_factory.mktemp("quiet"))
        try:
            service.wait_listening()
            yield github, service
        finally:
            service.kill()


def _lines_of(service: ServiceProcess, delivery_id: str, logger: str) -> list[dict]:
    deadline = time.monotonic() + 5
    while True:
        lines = [
            r
            for r in service.log_records()
            if r.get("delivery_id") == delivery_id and r.get("logger") == logger
        ]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_each_delivery_leaves_one_line_with_its_outcome_and_cost(quiet_service):
    github, service = quiet_service
    repo = github.new_repo()
    head = repo.push("main", message="feature")
    github.sim.clear_requests()
    headers, body = signed("push", github.push(repo, "main"), delivery_id="one-line-1")

    assert http("POST", service.base_url, body, headers)[0] == 200

    (line,) = _lines_of(service, "one-line-1", "gh_promotion.delivery")
    assert line["level"] == "info"
    assert {k: line[k] for k in ("event", "repository", "status", "source", "target", "sha")} == {
        "event": "push",
        "repository": repo.full_name,
        "status": "pending",
        "source": "main",
        "target": "staging",
        "sha": head,
    }
    assert line["reason"].startswith("opened promotion request main→staging")
    # Every request counts, the first delivery's token exchange included.
    assert line["github_requests"] == len(github.sim.requests) == len(github.calls()) + 1 == 3
    assert line["http_status"] == 200 and line["duration_ms"] > 0
    assert (line["method"], line["remote_addr"]) == ("POST", "127.0.0.1")  # no access line
    about_it = [r for r in service.log_records() if r.get("delivery_id") == "one-line-1"]
    assert about_it == [line]  # nothing said twice


def test_a_refused_delivery_logs_why(quiet_service):
    github, service = quiet_service
    repo = github.new_repo()
    payload = github.push(repo, "main")
    del payload["ref"]
    headers, body = signed("push", payload, delivery_id="refused-1")
    assert http("POST", service.base_url, body, headers)[0] == 422
    (line,) = _lines_of(service, "refused-1", "gh_promotion.delivery")
    assert (line["level"], line["http_status"], line["github_requests"]) == ("warning", 422, 0)
    assert "ref" in line["reason"]

    headers, body = signed("push", payload, secret="not-the-secret", delivery_id="refused-2")
    status = http("POST", service.base_url, body, headers)[0]
    assert status == 401
    (access,) = _lines_of(service, "refused-2", "gh_promotion.access")
    assert access["status"] == 401 and "does not match" in access["reason"]
