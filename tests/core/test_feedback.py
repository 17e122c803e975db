"""How outcomes read on a commit: GitHub's limits and the formats people see."""

from datetime import datetime, timezone

from gh_promotion.config.model import Config, GitHubConfig
from gh_promotion.core import Status
from gh_promotion.core import feedback as fb

STAGES = ("main", "staging", "canary", "production")
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def outcome(status: Status, reason: str = "why", target: str = "canary") -> fb.Feedback:
    return fb.Feedback(status, "staging", target, "a" * 40, STAGES, reason, 3)


def test_status_description_shows_progress_and_time_or_the_reason():
    assert fb.status_description(outcome(Status.PROMOTED), NOON) == "✅ 3/4 @ 2026-11-26T12:00:00Z"
    assert fb.status_description(outcome(Status.PENDING), NOON) == "⏳ 3/4 @ 2026-11-26T12:00:00Z"
    assert fb.status_description(outcome(Status.BLOCKED, "needs ci"), NOON) == "🚧 needs ci"


def test_status_description_never_exceeds_githubs_140_characters():
    text = fb.status_description(outcome(Status.FAILED, "x" * 500), NOON)
    assert len(text) == 140 and text.endswith("…")


def test_states_and_conclusions_per_outcome():
    pairs = {
        s: (fb.status_state(outcome(s)), fb.check_run_conclusion(outcome(s)))
        for s in (Status.PROMOTED, Status.PENDING, Status.BLOCKED, Status.FAILED, Status.REJECTED)
    }
    assert pairs == {
        Status.PROMOTED: ("success", "success"),
        Status.PENDING: ("pending", "neutral"),
        Status.BLOCKED: ("pending", "neutral"),
        Status.FAILED: ("failure", "failure"),
        Status.REJECTED: ("failure", "failure"),
    }
    assert not outcome(Status.SKIPPED).reportable


def test_flowchart_highlights_this_promotion_only():
    text = fb.check_run_output(outcome(Status.PROMOTED), NOON)["text"]
    assert "s0 --> s1" in text and "s2 --> s3" in text
    styled = [line.split()[1] for line in text.splitlines() if line.strip().startswith("style")]
    assert styled == ["s1", "s2"]


def test_token_auth_swaps_check_runs_for_commit_statuses():
    app = Config()
    token = Config(github=GitHubConfig(auth_mode="token"))
    assert (fb.use_check_runs(app), fb.use_commit_statuses(app)) == (True, False)
    assert (fb.use_check_runs(token), fb.use_commit_statuses(token)) == (False, True)


def test_names_fill_source_and_target():
    assert fb.title("{source}→{target}", outcome(Status.PROMOTED)) == "staging→canary"
