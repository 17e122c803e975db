"""Bad input through the real service: hundreds of broken deliveries, none acted on.

Every case is sent over HTTP to ``gh-promotion service``. Each must be answered
with a 4xx JSON error (or a 2xx skip where GitHub could legitimately send it),
never a 5xx or a traceback, and not one write may reach the simulated GitHub.
The tally is written to ``bad-input-tally.txt`` in the test's tmp dir and
printed (visible with ``-s``).
"""

from __future__ import annotations

import collections
import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gh_promotion.runtime import aws_lambda
from testkit import lambda_events
from testkit.deliveries import signed as signed_as_github
from tests.reliability.bad_inputs import BadRequest, Good, all_cases, lambda_envelope_cases
from tests.reliability.conftest import BODY_LIMIT, SECRET, GitHub, open_promotion, writes

PULL_FIELDS = [
    ("pull_request",),
    ("pull_request", "number"),
    ("pull_request", "head"),
    ("pull_request", "head", "ref"),
    ("pull_request", "head", "sha"),
    ("pull_request", "base"),
    ("pull_request", "base", "ref"),
]
REPO_FIELDS = [
    ("repository",),
    ("repository", "name"),
    ("repository", "owner"),
    ("repository", "owner", "login"),
    ("installation", "id"),
]


def good_deliveries(github: GitHub) -> dict[str, Good]:
    """Deliveries that, sent as they are, would each make GitHub writes."""
    repo = github.new_repo()
    pull = open_promotion(repo)
    run_fields = lambda kind: [  # noqa: E731
        ("action",),
        (kind,),
        (kind, "conclusion"),
        (kind, "head_sha"),
        (kind, "pull_requests"),
        (kind, "pull_requests", "0"),
        (kind, "pull_requests", "0", "number"),
        (kind, "pull_requests", "0", "head", "sha"),
        (kind, "pull_requests", "0", "base", "ref"),
    ]
    goods = [
        Good("push", github.push(repo, "main"), [("ref",), ("after",), *REPO_FIELDS]),
        Good(
            "pull_request_review",
            github.review(repo, pull),
            [("action",), ("review",), ("review", "state"), ("review", "commit_id"), *PULL_FIELDS],
        ),
        Good("pull_request", github.ready(repo, pull), [("action",), *PULL_FIELDS]),
        Good(
            "check_suite",
            github.run("check_suite", repo, pull),
            run_fields("check_suite"),
            frozenset({("check_suite", "pull_requests")}),  # empty for forks: search by sha
        ),
        Good(
            "workflow_run",
            github.run("workflow_run", repo, pull),
            run_fields("workflow_run"),
            frozenset({("workflow_run", "pull_requests")}),
        ),
        Good(
            "deployment_status",
            github.deployment(repo, pull),
            [
                ("deployment_status",),
                ("deployment_status", "state"),
                ("deployment",),
                ("deployment", "ref"),
                ("deployment", "sha"),
            ],
        ),
        Good(
            "status",
            github.status(repo, pull),
            [("state",), ("sha",), ("branches",), ("branches", "0"), ("branches", "0", "name")],
            frozenset({("branches",)}),  # only narrows the search: GitHub may send none
        ),
    ]
    return {good.event: good for good in goods}


def send(base_url: str, case: BadRequest) -> tuple[int, bytes]:
    target = urlsplit(base_url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    try:
        connection.putrequest("POST", target.path or "/", skip_accept_encoding=True)
        for name, value in case.headers.items():
            connection.putheader(name, value.encode("utf-8"))
        connection.putheader("Content-Length", str(len(case.body)))
        connection.endheaders(case.body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def verdict(case: BadRequest, status: int, raw: bytes) -> str:
    """ "" when the answer is acceptable, else what is wrong with it."""
    text = raw.decode("utf-8", "replace")
    if "Traceback" in text or 'File "' in text:
        return "traceback in the answer"
    try:
        answer = json.loads(raw)
    except ValueError:
        return f"{status} answer is not JSON: {text[:80]!r}"
    if status in case.allowed:
        return "" if isinstance(answer.get("error"), str) else f"{status} without an error message"
    if 200 <= status < 300 and case.skip_ok and answer.get("status") == "skipped":
        return ""
    return f"unexpected {status}: {text[:160]}"


def test_hundreds_of_bad_deliveries_are_refused_or_skipped_and_nothing_is_written(
    github: GitHub, tmp_path: Path
) -> None:
    cases = all_cases(good_deliveries(github), SECRET, BODY_LIMIT)
    assert len(cases) >= 200
    seen = len(github.sim.requests)
    tally: collections.Counter[str] = collections.Counter()
    problems = []
    for case in cases:
        status, raw = send(github.service.base_url, case)
        tally[f"{status}" + (" skipped" if status < 300 else "")] += 1
        wrong = verdict(case, status, raw)
        if wrong:
            problems.append(f"{case.name}: {wrong}")
    written = writes(github.sim.requests[seen:])
    report = [f"{len(cases)} bad deliveries, answered:"]
    report += [f"  {answer}: {count}" for answer, count in sorted(tally.items())]
    report += [f"GitHub writes reaching the simulator: {len(written)}"]
    report += [f"problem: {p}" for p in problems]
    (tmp_path / "bad-input-tally.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    assert problems == []
    assert [(r.method, r.path) for r in written] == []
    assert not any(status.startswith("5") for status in tally)
    assert sum(tally.values()) == len(cases)
    assert "Logging error" not in "".join(github.service.stderr)  # no record was lost


def test_malformed_lambda_http_events_are_400_and_nothing_is_written(github: GitHub) -> None:
    """Each wraps a push to a stage that would open a pull request; none reaches mangum."""
    aws_lambda.use_config(github.config())
    repo = github.new_repo()
    repo.push("main", "feature: ahead of staging")
    headers, body = signed_as_github("push", github.push(repo, "main"), secret=SECRET)
    seen = len(github.sim.requests)
    answers = {}
    for name, event in lambda_envelope_cases(headers, body):
        response = aws_lambda.handler(event, None)  # a raise here is API Gateway's 502
        answers[name] = (response["statusCode"], "error" in json.loads(response["body"]))
    assert answers == {name: (400, True) for name in answers}
    assert writes(github.sim.requests[seen:]) == []
    # The same delivery, well wrapped, does write: the check above can fail.
    good = aws_lambda.handler(lambda_events.http_api_v2(headers, body), None)
    assert (good["statusCode"], json.loads(good["body"])["status"]) == (200, "pending")
    assert writes(github.sim.requests[seen:]) != []


@pytest.mark.parametrize("event", ["push", "pull_request_review", "status"])
def test_the_good_deliveries_do_write_so_the_check_above_can_fail(
    github: GitHub, event: str
) -> None:
    goods = good_deliveries(github)
    seen = len(github.sim.requests)
    status, answer = github.post(event, goods[event].payload)
    assert status == 200 and answer["status"] in ("pending", "promoted"), answer
    assert writes(github.sim.requests[seen:]) != []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_json_body_that_is_not_utf8_is_refused(github: GitHub, encoding: str) -> None:
    """Found by this suite and fixed in cbfb98a: json.loads on bytes accepts UTF-16/32."""
    repo = github.new_repo()
    payload = {**github.push(repo, "main"), "ref": "refs/heads/feature/x"}  # harmless if taken
    body = json.dumps(payload).encode(encoding)
    status, _ = github.post("push", body)
    assert status == 400
