"""Freeze windows, the stopped line and the override label, against the simulator."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gh_promotion.aws.reports import build_report
from gh_promotion.config.model import FreezeWindow
from gh_promotion.core import Delivery
from gh_promotion.core.result import Status
from testkit import payloads
from testkit.simulated_app import CASCADE_ROLLBACK, PROPS
from tests.gates.conftest import absolute


def test_a_cron_window_freezes_its_stages_until_it_closes(github) -> None:
    now = github.now()
    window = FreezeWindow(
        reason="release train",
        stages=("production",),
        schedule=f"{now.minute} {now.hour} * * *",
        duration=3600.0,
    )
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    into_production = github.request(repo, "canary", "production")
    into_staging = github.request(repo, "main", "staging")

    frozen = github.approve(repo, into_production, config)
    elsewhere = github.approve(repo, into_staging, config)

    closes = now.replace(second=0, microsecond=0) + timedelta(hours=1)
    assert frozen.status is Status.FROZEN
    assert frozen.reason == f"frozen: release train until {closes:%H:%M} UTC"
    assert frozen.ok and frozen.writes[-1].action == "create_check_run"
    assert elsewhere.status is Status.PROMOTED
    github.advance(3600)
    after = github.approve(repo, into_production, config)

    assert after.status is Status.PROMOTED, after.reason
    assert repo.branch_sha("production") == into_production["head"]["sha"]


def test_an_absolute_window_freezes_until_its_end(github) -> None:
    now = github.now()
    window = absolute(now - timedelta(minutes=1), now + timedelta(minutes=10), reason="holidays")
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")

    frozen = github.approve(repo, pull, config)
    assert frozen.status is Status.FROZEN
    assert frozen.reason.startswith("frozen: holidays until ")

    github.advance(10 * 60)
    assert github.approve(repo, pull, config).status is Status.PROMOTED


def test_a_cron_window_opens_at_local_time_across_a_daylight_saving_change(github) -> None:
    """09:00 in London is 09:00 UTC before the change and 08:00 UTC after it."""
    london = ZoneInfo("Europe/London")
    window = FreezeWindow(
        reason="morning checks",
        schedule="0 9 * * *",
        duration=3600.0,
        timezone="Europe/London",
    )
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    change = _next_spring_forward(github.now(), london)
    before = datetime.combine(change.date() - timedelta(days=1), datetime.min.time(), london)
    github.advance((before.replace(hour=8, minute=30) - github.now()).total_seconds())
    pull = github.request(repo, "main", "staging")

    assert github.approve(repo, pull, config).status is Status.PROMOTED  # 08:30 UTC, GMT

    github.advance(2 * 86400)  # two days on, 08:30 UTC is 09:30 BST: inside the window
    pull = github.request(repo, "main", "staging")
    frozen = github.approve(repo, pull, config)
    assert frozen.status is Status.FROZEN
    assert frozen.reason.endswith("until 09:00 UTC")  # 10:00 BST


def _next_spring_forward(now: datetime, zone: ZoneInfo) -> datetime:
    day = now.astimezone(zone).replace(hour=12, minute=0, second=0, microsecond=0)
    while (day + timedelta(days=1)).utcoffset() == day.utcoffset():
        day += timedelta(days=1)
    return day + timedelta(days=1)


def test_stop_the_line_true_freezes_every_stage(github) -> None:
    config = github.gated()
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")

    result = github.approve(repo, pull, config, {"gitops-promotion-freeze": "true"})

    assert result.status is Status.FROZEN
    assert result.reason == "frozen: the line is stopped (custom property gitops-promotion-freeze)"


def test_stop_the_line_lists_the_stages_it_freezes(github) -> None:
    config = github.gated(stop_the_line_key="halt")
    repo = github.staged_repo()
    into_staging = github.request(repo, "main", "staging")
    into_production = github.request(repo, "canary", "production")
    halted = {"halt": ["production"]}  # a multi-select property

    assert github.approve(repo, into_staging, config, halted).status is Status.PROMOTED
    assert github.approve(repo, into_production, config, halted).status is Status.FROZEN
    listed = {"halt": "canary, production"}
    assert github.approve(repo, into_production, config, listed).status is Status.FROZEN


def test_the_override_label_passes_a_freeze_and_is_recorded(github) -> None:
    now = github.now()
    window = absolute(now - timedelta(minutes=1), now + timedelta(hours=1), reason="holidays")
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")
    repo.add_labels(pull["number"], "promotion-override")

    result = github.approve(repo, pull, config, {"gitops-promotion-freeze": "staging"})

    assert result.status is Status.PROMOTED
    assert result.override is True
    assert "the promotion-override label overrode the freeze" in result.reason
    assert repo.branch_sha("staging") == pull["head"]["sha"]
    [check] = [c for c in repo.check_runs(pull["head"]["sha"]) if c["name"] == "main→staging"]
    assert "promotion-override" in check["output"]["summary"]
    delivery = Delivery("pull_request_review", "d-1", {})
    report = build_report(delivery, result, now, 1.0)
    assert report["result"]["override"] is True


def test_the_override_label_is_read_when_a_check_suite_does_not_list_labels(github) -> None:
    now = github.now()
    window = absolute(now - timedelta(minutes=1), now + timedelta(hours=1))
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")
    mark = len(github.sim.requests)

    assert github.deliver(*github.signal("check_suite", repo, pull), config).status is Status.FROZEN
    assert ("GET", f"/repos/{repo.full_name}/pulls/{pull['number']}") in github.requests_since(mark)

    repo.add_labels(pull["number"], "promotion-override")
    result = github.deliver(*github.signal("check_suite", repo, pull), config)
    assert (result.status, result.override) == (Status.PROMOTED, True)


def test_no_freeze_in_force_costs_no_request(github) -> None:
    now = github.now()
    window = absolute(now + timedelta(hours=1), now + timedelta(hours=2))
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")
    mark = len(github.sim.requests)

    result = github.approve(repo, pull, config)

    assert (result.status, result.override) == (Status.PROMOTED, False)
    assert [c[0] for c in github.requests_since(mark)] == ["PATCH", "POST"]


def test_a_rollback_is_never_frozen(github) -> None:
    now = github.now()
    window = absolute(now - timedelta(minutes=1), now + timedelta(hours=1))
    config = github.gated(freeze=(window,), rollback=CASCADE_ROLLBACK)
    repo = github.staged_repo()
    old = repo.branch_sha("production")
    repo.push("production", message="bad")
    repo.create_branch("rollback-production", old)
    payload = payloads.push(
        repo.full_name,
        "rollback-production",
        old,
        properties=PROPS | {"gitops-promotion-freeze": "true"},
        installation_id=github.installation_id,
    )

    result = github.deliver("push", payload, config)

    assert result.status is Status.ROLLED_BACK, result.reason
    assert repo.branch_sha("production") == old


def test_a_status_signal_reads_the_labels_from_the_pull_request_list(github) -> None:
    """The by-sha path lists open pull requests anyway: their labels cost nothing more."""
    now = github.now()
    window = absolute(now - timedelta(minutes=1), now + timedelta(hours=1))
    config = github.gated(freeze=(window,))
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")
    repo.add_labels(pull["number"], "promotion-override")
    mark = len(github.sim.requests)

    result = github.deliver(*github.signal("status", repo, pull), config)

    assert (result.status, result.override) == (Status.PROMOTED, True)
    assert [c[0] for c in github.requests_since(mark)] == ["GET", "PATCH", "POST"]
