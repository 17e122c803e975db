"""Webhook deliveries: signed, ordered, and shaped like GitHub's own examples (octokit/webhooks)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from testkit.payloads import example as _example

SECRET = "It's a Secret to Everybody"


def _keys(data: dict) -> set[str]:
    return set(data)


@pytest.fixture
def hooked(sim, receiver):
    sim.set_webhook(receiver.url, SECRET)
    sim.clear_deliveries()
    yield receiver
    sim.wait_for_webhooks(timeout=10)
    sim.set_webhook(None)


@pytest.fixture(scope="module")
def installed(sim):
    app = sim.create_app(slug="hooks")
    return sim.install_app(app, "octo")


def _delivered(sim, receiver) -> list[tuple[str, dict]]:
    sim.wait_for_webhooks(timeout=10)
    return receiver.payloads()


def test_deliveries_are_signed_with_the_secret(sim, hooked, repo):
    repo.push("main", "feat")
    sim.wait_for_webhooks(timeout=10)
    headers, raw = hooked.received[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature-256"] == expected
    legacy = "sha1=" + hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()
    assert headers["X-Hub-Signature"] == legacy
    assert headers["X-GitHub-Event"] == "push"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("GitHub-Hookshot/")
    assert len(headers["X-GitHub-Delivery"]) == 36
    [record] = sim.deliveries
    assert (record.event, record.status, record.delivery_id) == (
        "push",
        202,
        headers["X-GitHub-Delivery"],
    )


def test_push_payload_has_githubs_shape(sim, hooked, installed, repo):
    before = repo.branch_sha("main")
    after = repo.push("main", "feat", {"a.txt": "x"})
    [(event, payload)] = _delivered(sim, hooked)
    example = _example("push/with-installation.payload.json")
    assert event == "push"
    assert _keys(payload) == _keys(example)
    assert _keys(payload["repository"]) == _keys(example["repository"])
    assert _keys(payload["repository"]["owner"]) == _keys(example["repository"]["owner"])
    assert (payload["before"], payload["after"], payload["ref"]) == (
        before,
        after,
        "refs/heads/main",
    )
    assert (payload["created"], payload["deleted"], payload["forced"]) == (False, False, False)
    assert [c["id"] for c in payload["commits"]] == [after]
    assert _keys(payload["commits"][0]) == _keys(
        _example("push/with-new-branch.payload.json")["commits"][0]
    )
    assert payload["head_commit"]["id"] == after
    assert payload["installation"]["id"] == installed
    assert payload["repository"]["full_name"] == repo.full_name
    assert payload["repository"]["custom_properties"] == {"gitops-promotion-path": "main,staging"}
    assert isinstance(payload["repository"]["pushed_at"], int)  # as in GitHub's push payloads


def test_push_flags_for_created_forced_and_deleted_branches(sim, hooked, repo):
    old = repo.branch_sha("main")
    new = repo.push("topic", "topic")
    repo.set_branch("topic", old)
    repo.delete_branch("topic")
    pushes = [p for e, p in _delivered(sim, hooked) if e == "push"]
    flags = [(p["created"], p["forced"], p["deleted"]) for p in pushes]
    assert flags == [(True, False, False), (False, True, False), (False, False, True)]
    assert pushes[0]["before"] == "0" * 40 and pushes[0]["after"] == new
    assert pushes[2]["after"] == "0" * 40 and pushes[2]["head_commit"] is None


@pytest.mark.parametrize("action", ["opened", "synchronize", "closed"])
def test_pull_request_payloads_have_githubs_shape(sim, gh, hooked, installed, repo, action):
    repo.push("main", "one")
    pr = gh.get_repo(repo.full_name).create_pull(base="staging", head="main", title="t")
    newer = repo.push("main", "two")
    gh.get_repo(repo.full_name).get_git_ref("heads/staging").edit(newer)
    events = [(e, p) for e, p in _delivered(sim, hooked) if e == "pull_request"]
    assert [p["action"] for _, p in events] == ["opened", "synchronize", "closed"]
    payload = next(p for _, p in events if p["action"] == action)
    example = _example(f"pull_request/{action}.payload.json")
    assert _keys(payload) == _keys(example)
    assert _keys(payload["pull_request"]) == _keys(example["pull_request"])
    for side in ("head", "base"):
        assert _keys(payload["pull_request"][side]) == _keys(example["pull_request"][side])
    assert _keys(payload["repository"]) == _keys(example["repository"])
    assert payload["number"] == pr.number
    if action == "closed":
        assert payload["pull_request"]["merged"] is True
        assert payload["pull_request"]["head"]["sha"] == newer


def test_ready_for_review_payload(sim, hooked, repo):
    repo.push("main", "feat")
    number = repo.open_pull_request("main", "staging", draft=True)
    repo.mark_ready_for_review(number)
    [payload] = [p for e, p in _delivered(sim, hooked) if p.get("action") == "ready_for_review"]
    example = _example("pull_request/ready_for_review.with-installation.payload.json")
    assert _keys(payload["pull_request"]) == _keys(example["pull_request"])
    assert payload["pull_request"]["draft"] is False


def test_status_payload_has_githubs_shape(sim, hooked, installed, repo):
    sha = repo.branch_sha("main")
    repo.set_status(sha, "success", "ci")
    [(event, payload)] = _delivered(sim, hooked)
    example = _example("status/with-installation.payload.json")
    assert event == "status"
    assert _keys(payload) == _keys(example)
    assert (payload["sha"], payload["state"], payload["context"]) == (sha, "success", "ci")
    assert {b["name"] for b in payload["branches"]} == {"main", "staging"}


def test_check_suite_completed_lists_the_pull_requests(sim, hooked, installed, repo):
    sha = repo.push("main", "feat")
    number = repo.open_pull_request("main", "staging")
    repo.complete_check_suite(sha, "success")
    [payload] = [p for e, p in _delivered(sim, hooked) if e == "check_suite"]
    example = _example("check_suite/completed.payload.json")
    assert _keys(payload) == _keys(example) | {"installation"}
    assert _keys(payload["check_suite"]) == _keys(example["check_suite"])
    suite = payload["check_suite"]
    assert (suite["head_sha"], suite["conclusion"], suite["head_branch"]) == (
        sha,
        "success",
        "main",
    )
    assert [p["number"] for p in suite["pull_requests"]] == [number]
    assert _keys(suite["pull_requests"][0]) == _keys(example["check_suite"]["pull_requests"][0])


def test_review_submitted_payload(sim, hooked, installed, repo):
    sha = repo.push("main", "feat")
    number = repo.open_pull_request("main", "staging")
    repo.approve(number, login="reviewer")
    [payload] = [p for e, p in _delivered(sim, hooked) if e == "pull_request_review"]
    example = _example("pull_request_review/submitted.payload.json")
    assert _keys(payload) == _keys(example)
    assert _keys(payload["review"]) == _keys(example["review"])
    assert _keys(payload["pull_request"]) == _keys(example["pull_request"])
    assert (payload["review"]["state"], payload["review"]["commit_id"]) == ("APPROVED", sha)
    assert payload["sender"]["login"] == "reviewer"


def test_ref_moved_through_the_api_is_a_push_sent_by_the_caller(sim, gh, hooked, repo):
    sha = repo.push("main", "feat")
    sim.wait_for_webhooks(timeout=10)
    hooked.received.clear()
    gh.get_repo(repo.full_name).get_git_ref("heads/staging").edit(sha)
    [(event, payload)] = _delivered(sim, hooked)
    assert (event, payload["ref"], payload["after"]) == ("push", "refs/heads/staging", sha)
    assert payload["sender"]["login"] == "octocat"


def test_no_secret_means_no_signature_headers(sim, receiver, repo):
    sim.set_webhook(receiver.url, "")
    repo.push("main", "feat")
    sim.wait_for_webhooks(timeout=10)
    sim.set_webhook(None)
    headers, _ = receiver.received[0]
    assert "X-Hub-Signature-256" not in headers and "X-Hub-Signature" not in headers


def test_deliveries_are_recorded_without_a_webhook(sim, repo):
    sim.set_webhook(None)
    sim.clear_deliveries()
    repo.push("main", "feat")
    sim.wait_for_webhooks(timeout=10)
    assert [(d.event, d.status) for d in sim.deliveries] == [("push", None)]


def test_workflow_run_completed_payload(sim, hooked, installed, repo):
    sha = repo.push("main", "feat")
    number = repo.open_pull_request("main", "staging")
    repo.complete_workflow_run(sha, "success", name="CI")
    [payload] = [p for e, p in _delivered(sim, hooked) if e == "workflow_run"]
    example = _example("workflow_run/completed.with-pull-requests.payload.json")
    assert _keys(payload) | {"organization"} == _keys(example) | {"installation"}
    assert _keys(payload["workflow_run"]) == _keys(example["workflow_run"])
    assert _keys(payload["workflow"]) == _keys(example["workflow"])
    run = payload["workflow_run"]
    assert (run["head_sha"], run["conclusion"], run["status"]) == (sha, "success", "completed")
    assert [p["number"] for p in run["pull_requests"]] == [number]


def test_deployment_status_payload(sim, hooked, installed, repo):
    sha = repo.branch_sha("staging")
    repo.create_deployment_status(sha, "success", environment="staging")
    [payload] = [p for e, p in _delivered(sim, hooked) if e == "deployment_status"]
    example = _example("deployment_status/with-installation.payload.json")
    assert _keys(payload) == _keys(example)
    assert _keys(payload["deployment"]) == _keys(example["deployment"])
    assert _keys(payload["deployment_status"]) >= _keys(example["deployment_status"])
    assert (payload["deployment"]["sha"], payload["deployment_status"]["state"]) == (sha, "success")


def test_simulator_level_check_suite_completion(sim, repo):
    sha = repo.branch_sha("main")
    suite = sim.complete_check_suite(repo.full_name, sha, "failure")
    assert (suite["head_sha"], suite["conclusion"]) == (sha, "failure")
