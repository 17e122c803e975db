"""Security through the real service: forged deliveries are refused, no secret reaches a log.

Each forgery carries a push that, signed properly, opens a promotion request;
each must be answered 401 with nothing sent to GitHub. The last test scans
every log line captured in this session (the service's stdout and stderr at
debug verbosity, and this process's log records) for the configured secrets
and for anything shaped like a GitHub token, JWT or private key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest

from gh_promotion.intake import sign
from testkit.deliveries import signed
from tests.reliability.conftest import SECRET, GitHub, open_promotion
from tests.reliability.test_faults import git
from tests.runtime.helpers import http


def forgeries(body: bytes) -> dict[str, dict[str, str]]:
    """Signature headers that must not pass, by name."""
    good = sign(body, SECRET)
    sha1 = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    return {
        "wrong signature of the right length": {"X-Hub-Signature-256": "sha256=" + "f" * 64},
        "signature made for another body": {"X-Hub-Signature-256": sign(body + b"\n", SECRET)},
        "signature made with another secret": {"X-Hub-Signature-256": sign(body, "not-the-secret")},
        "only the old SHA-1 X-Hub-Signature (valid)": {"X-Hub-Signature": sha1},
        "empty signature": {"X-Hub-Signature-256": ""},
        "digest without the sha256= prefix": {"X-Hub-Signature-256": good[len("sha256=") :]},
        "one hex digit changed": {
            "X-Hub-Signature-256": good[:-1] + ("0" if good[-1] != "0" else "1")
        },
    }


@pytest.fixture
def promotable(github: GitHub) -> tuple[object, dict, bytes]:
    repo = github.new_repo()
    repo.push("main", message="would be promoted")
    payload = github.push(repo, "main")
    return repo, payload, json.dumps(payload).encode()


@pytest.mark.parametrize(
    "forgery", list(forgeries(b"").keys()), ids=lambda name: name.replace(" ", "-")
)
def test_a_forged_delivery_is_401_and_nothing_is_written(
    github: GitHub, promotable: tuple, forgery: str
) -> None:
    repo, _, body = promotable
    headers, _ = signed("push", body, secret=SECRET)
    del headers["X-Hub-Signature-256"]
    headers.update(forgeries(body)[forgery])
    seen = len(github.sim.requests)
    status, answer, _ = http("POST", github.service.base_url, body, headers)
    assert status == 401 and "signature" in answer["error"].lower(), answer
    assert github.sim.requests[seen:] == []
    assert repo.pull_requests(state="all") == []


def test_the_same_delivery_properly_signed_is_acted_on(github: GitHub, promotable: tuple) -> None:
    repo, payload, _ = promotable
    status, answer = github.post("push", payload)
    assert (status, answer["status"]) == (200, "pending")
    assert len(repo.pull_requests()) == 1


TOKEN_SHAPES = {
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"),
    "JWT": re.compile(r"\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
}


def secrets_of(github: GitHub) -> dict[str, str]:
    """Every secret this suite configured or the simulator issued."""
    found = {"webhook secret": SECRET, "personal token": github.personal_token}
    key_lines = [line for line in github.app.private_key_pem.splitlines() if len(line) >= 40]
    found.update({f"private key line {i}": line for i, line in enumerate(key_lines)})
    for i, token in enumerate(github.sim.tokens._installation):  # the tokens it issued
        found[f"installation token {i}"] = token
    return found


def exercise_every_log_path(github: GitHub) -> None:
    """Deliveries that make the service log each kind of line it has, whatever ran before:
    a promotion opened and fast-forwarded, a rollback, GitHub failing, bad and forged input."""
    repo = github.new_repo(history=3)
    repo.push("main", message="logged")
    github.post("push", github.push(repo, "main"))
    (pull,) = repo.pull_requests()
    github.post(*github.signal("pull_request_review", repo, pull))
    released = repo.branch_sha("staging")
    for stage in ("canary", "production"):
        repo.set_branch(stage, released)
    repo.set_branch("rollback-production", git(repo, "rev-parse", f"{released}^"))
    github.post("push", github.push(repo, "rollback-production"))
    other = github.new_repo()
    other_pull = open_promotion(other)
    github.sim.inject_fault(
        method="PATCH", path=f"^/repos/{other.full_name}/", status=503, count=50
    )
    try:
        github.post(*github.signal("status", other, other_pull))
    finally:
        github.sim.clear_faults()
    github.post("push", {"repository": "not an object"})
    headers, body = signed("push", github.push(repo, "main"), secret="guess")
    http("POST", github.service.base_url, body, headers)


def test_no_secret_in_any_log_line_of_the_suite(github: GitHub) -> None:
    exercise_every_log_path(github)
    service_lines = github.service.stdout + github.service.stderr
    lines = service_lines + github.in_process_logs
    assert len(service_lines) > 20  # the scan reads a real amount of logging
    assert any('"level": "error"' in line for line in service_lines)
    assert any("delivery" in line for line in service_lines)
    assert github.sim.tokens._installation  # tokens were issued: could leak
    leaks = [
        f"{what} in: {line[:200]}"
        for line in lines
        for what, secret in secrets_of(github).items()
        if secret and secret in line
    ]
    leaks += [
        f"{shape} shape in: {line[:200]}"
        for line in lines
        for shape, pattern in TOKEN_SHAPES.items()
        if pattern.search(line)
    ]
    assert leaks == []
