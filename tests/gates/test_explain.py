"""`explain` shows every gate of each step: soak left, an open freeze window, the stopped line,
an open hold issue — in JSON, and in the text's NEXT column."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from gh_promotion.runtime.explain import explain_repository, render
from tests.gates.conftest import HOLD, absolute


def _steps(github, repo, config):
    document = explain_repository(config, repo.full_name, clock=github.now)
    return document, {(s["source"], s["target"]): s for s in document["steps"]}


def test_explain_shows_the_soak_the_window_and_the_hold(github) -> None:
    now = github.now()
    window = absolute(now - timedelta(minutes=1), now + timedelta(hours=2), reason="release")
    window = window._replace(stages=("production",))
    config = github.gated(rollback=HOLD, freeze=(window,), soak=(("main", 1800.0),))
    repo = github.staged_repo()
    number = repo.create_issue(
        "Promotions into production are held after rollback to 0000000",
        '<!-- gh-promotion-hold {"stages": ["production"]} -->',
        ("promotion-hold",),
    )
    into_staging = github.request(repo, "main", "staging")
    repo.approve(into_staging["number"])
    github.request(repo, "canary", "production")
    github.advance(600)

    document, steps = _steps(github, repo, config)

    soaking = steps[("main", "staging")]
    assert soaking["state"] == "ready"
    assert soaking["gates"]["verdict"] == "pending"
    assert soaking["gates"]["soak"]["remaining_seconds"] in range(1195, 1201)
    assert soaking["next"].startswith("soaking in main until ")
    assert "(20 min left); then: " in soaking["next"]

    production = steps[("canary", "production")]["gates"]
    assert production["verdict"] == "frozen"
    assert production["freeze"]["reason"] == "release"
    assert production["freeze"]["until"] == window_end(window)
    assert production["hold"]["issue"] == number
    assert steps[("staging", "canary")]["gates"] == {
        "verdict": "pass",
        "reason": "",
        "freeze": None,
        "hold": None,
        "soak": None,
    }
    text = render(document)
    assert "soaking in main until" in text
    assert "frozen: release until" in text


def window_end(window) -> str:
    return datetime.fromtimestamp(window.end, timezone.utc).isoformat()


def test_explain_shows_the_stopped_line_on_a_step_without_a_request(github) -> None:
    config = github.gated()
    repo = github.staged_repo()
    repo.set_custom_properties(repo.state.custom_properties | {"gitops-promotion-freeze": "true"})
    repo.push("main", message="ahead, no request open")

    _, steps = _steps(github, repo, config)

    step = steps[("main", "staging")]
    assert step["state"] == "no_request"
    assert step["gates"]["freeze"]["stop_the_line"] is True
    assert step["gates"]["verdict"] == "frozen"
