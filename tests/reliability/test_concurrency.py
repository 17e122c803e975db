"""Concurrency through the real service: copies of one delivery at once, and slow clients.

GitHub may deliver the same event several times at once (redeliveries, several
hooks) and several CI systems may report success for one commit at the same
moment. Whatever the interleaving: one promotion request, the target at the
right sha, no 5xx.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from tests.reliability.conftest import SIGNALS, GitHub, open_promotion, writes
from tests.reliability.test_faults import forced_pushes, git


def post_all(github: GitHub, deliveries: list[tuple[str, dict]]) -> list[tuple[int, dict]]:
    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        return list(pool.map(lambda d: github.post(*d), deliveries))


def test_fifty_concurrent_copies_of_one_push_open_exactly_one_request(github: GitHub) -> None:
    repo = github.new_repo()
    repo.push("main", message="feature")
    staging = repo.branch_sha("staging")
    answers = post_all(github, [("push", github.push(repo, "main"))] * 50)
    assert Counter(status for status, _ in answers) == {200: 50}
    assert {answer["status"] for _, answer in answers} == {"pending"}
    (pull,) = repo.pull_requests()
    assert (pull["head"]["ref"], pull["base"]["ref"]) == ("main", "staging")
    assert repo.branch_sha("staging") == staging


def test_fifty_concurrent_pushes_create_a_missing_target_once(github: GitHub) -> None:
    repo = github.new_repo(history=4, staging=False)
    root = git(repo, "rev-list", "--max-parents=0", "main")
    answers = post_all(github, [("push", github.push(repo, "main"))] * 50)
    assert Counter(status for status, _ in answers) == {200: 50}
    assert repo.branch_sha("staging") == root
    assert len(repo.pull_requests()) == 1
    created = [
        d
        for d in github.sim.deliveries
        if d.event == "push"
        and d.payload["repository"]["full_name"] == repo.full_name
        and d.payload["ref"] == "refs/heads/staging"
    ]
    assert len(created) == 1 and created[0].payload["created"] is True


def test_twenty_concurrent_success_signals_promote_once_to_the_right_sha(github: GitHub) -> None:
    repo = github.new_repo()
    pull = open_promotion(repo)
    head = pull["head"]["sha"]
    kinds = [SIGNALS[i % len(SIGNALS)] for i in range(20)]
    answers = post_all(github, [github.signal(kind, repo, pull) for kind in kinds])
    assert Counter(status for status, _ in answers) == {200: 20}, answers
    assert {a["status"] for _, a in answers} <= {"promoted", "skipped"}
    assert any(a["status"] == "promoted" for _, a in answers)
    assert repo.branch_sha("staging") == head
    assert repo.pull_requests() == []  # merged by the fast-forward, none opened again
    assert len(repo.pull_requests(state="all")) == 1
    assert forced_pushes(github, repo) == []


def slow_client(url: str, stop: threading.Event, pause: float = 0.05) -> None:
    """Send a request's headers one byte at a time, never finishing them."""
    target = urlsplit(url)
    request = (
        f"POST {target.path or '/'} HTTP/1.1\r\nHost: {target.netloc}\r\n"
        "X-GitHub-Event: push\r\nX-GitHub-Delivery: slow\r\n" + "X-Padding: " + "x" * 10_000
    ).encode()
    with socket.create_connection((target.hostname, target.port), timeout=10) as sock:
        for byte in request:
            if stop.is_set():
                return
            sock.sendall(bytes([byte]))
            time.sleep(pause)


def test_eight_slow_clients_do_not_stop_deliveries(github: GitHub) -> None:
    stop = threading.Event()
    slow = [
        threading.Thread(target=slow_client, args=(github.service.base_url, stop), daemon=True)
        for _ in range(8)
    ]
    for thread in slow:
        thread.start()
    try:
        time.sleep(0.5)  # all eight are connected and trickling
        repo = github.new_repo()
        pull = open_promotion(repo)
        timings = []
        for event, payload in [("ping", {"zen": "slow"})] * 5 + [
            github.signal("status", repo, pull)
        ]:
            started = time.monotonic()
            status, answer = github.post(event, payload)
            timings.append(time.monotonic() - started)
            assert status == 200, answer
        assert answer["status"] == "promoted"
        assert repo.branch_sha("staging") == pull["head"]["sha"]
        assert max(timings) < 2.0, timings
        assert all(thread.is_alive() for thread in slow)  # still connected, still slow
    finally:
        stop.set()
        for thread in slow:
            thread.join(5)


def test_fifty_concurrent_copies_of_one_delivery_do_the_work_once(github: GitHub) -> None:
    """The same ``X-GitHub-Delivery`` fifty times at once: one fast-forward, one check
    run; the 49 copies wait for the first and answer with its result."""
    repo = github.new_repo()
    pull = open_promotion(repo)
    event, payload = github.signal("pull_request_review", repo, pull)
    delivery_id = str(uuid.uuid4())
    requests_before = len(github.sim.requests)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(
            pool.map(lambda _: github.post(event, payload, delivery_id=delivery_id), range(50))
        )

    assert Counter(status for status, _ in answers) == {200: 50}, answers
    copies = [a for _, a in answers if "duplicate_of" in a]
    assert len(copies) == 49 and {a["duplicate_of"] for a in copies} == {delivery_id}
    first = next(a for _, a in answers if "duplicate_of" not in a)
    assert first["status"] == "promoted"
    assert all({**a, "duplicate_of": None} == {**first, "duplicate_of": None} for a in copies)
    made = [(r.method, r.path) for r in writes(github.sim.requests[requests_before:])]
    assert made == [
        ("PATCH", f"/repos/{repo.full_name}/git/refs/heads/staging"),
        ("POST", f"/repos/{repo.full_name}/check-runs"),
    ]
    assert len(repo.check_runs(pull["head"]["sha"])) == 1
    assert repo.branch_sha("staging") == pull["head"]["sha"]
