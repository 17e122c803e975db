"""Soak time against the simulator: the arrival is read from GitHub's branch activity."""

from __future__ import annotations

from gh_promotion.core.result import Status

SOAK = (("staging", 30 * 60.0),)


def test_a_signal_during_the_soak_is_pending_and_a_later_one_promotes(github) -> None:
    config = github.gated(soak=SOAK)
    repo = github.staged_repo()
    pull = github.request(repo, "staging", "canary")
    head = pull["head"]["sha"]
    github.advance(18 * 60)

    early = github.approve(repo, pull, config)

    assert early.status is Status.PENDING
    assert early.reason.startswith("soaking in staging until ")
    assert early.reason.endswith("(12 min left)")
    assert repo.branch_sha("canary") != head
    [check] = [c for c in repo.check_runs(head) if c["name"] == "staging→canary"]
    assert check["output"]["summary"].startswith(early.reason)

    github.advance(12 * 60 + 1)
    later = github.approve(repo, pull, config)

    assert later.status is Status.PROMOTED, later.reason
    assert repo.branch_sha("canary") == head


def test_a_newer_commit_restarts_the_soak(github) -> None:
    config = github.gated(soak=SOAK)
    repo = github.staged_repo()
    pull = github.request(repo, "staging", "canary")
    github.advance(20 * 60)
    newer = repo.push("staging", message="a newer commit")
    github.advance(15 * 60)  # 35 min after the first commit, 15 after the newer one

    result = github.approve(repo, pull, config)

    assert result.sha == newer
    assert result.status is Status.PENDING
    assert result.reason.endswith("(15 min left)")


def test_any_newer_mode_counts_from_when_the_stage_left_the_target(github) -> None:
    config = github.gated(soak=SOAK, soak_mode="any-newer")
    repo = github.staged_repo()
    pull = github.request(repo, "staging", "canary")
    github.advance(20 * 60)
    newer = repo.push("staging", message="a newer commit")
    github.advance(15 * 60)

    result = github.approve(repo, pull, config)

    assert result.status is Status.PROMOTED, result.reason
    assert repo.branch_sha("canary") == newer


def test_a_manual_push_starts_the_soak_like_a_promotion(github) -> None:
    """No gh-promotion feedback or merged request is needed: the activity records it."""
    config = github.gated(soak=(("canary", 600.0),))
    repo = github.staged_repo()
    pushed = repo.push("canary", message="pushed by hand")
    number = repo.open_pull_request("canary", "production")
    pull = repo.pull_request(number)

    result = github.approve(repo, pull, config)

    assert (result.status, result.sha) == (Status.PENDING, pushed)
    assert result.reason.endswith("(10 min left)")


def test_soak_reads_the_activity_once_and_only_for_a_soaked_source(github) -> None:
    config = github.gated(soak=(("canary", 600.0),))
    repo = github.staged_repo()
    pull = github.request(repo, "staging", "canary")
    mark = len(github.sim.requests)

    result = github.approve(repo, pull, config)

    assert result.status is Status.PROMOTED
    assert not [c for c in github.requests_since(mark) if c[1].endswith("/activity")]

    pull = github.request(repo, "canary", "production")
    mark = len(github.sim.requests)
    github.approve(repo, pull, config)
    reads = [c for c in github.requests_since(mark) if c[0] == "GET"]
    assert reads == [("GET", f"/repos/{repo.full_name}/activity")]


def test_a_commit_status_says_it_is_soaking(github) -> None:
    """With commit statuses (a token), the 140-character description carries the soak."""
    config = github.gated(soak=SOAK, auth_mode="token")
    repo = github.staged_repo()
    pull = github.request(repo, "staging", "canary")

    result = github.approve(repo, pull, config)

    assert result.status is Status.PENDING
    [status] = [s for s in repo.statuses(pull["head"]["sha"]) if s["context"] == "staging→canary"]
    assert status["state"] == "pending"
    assert status["description"] == f"⏳ 3/4 {result.reason}"
    assert "soaking in staging until" in status["description"]
