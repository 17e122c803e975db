"""The gates' pure parts: window maths (cron, absolute, daylight saving), verdicts, words."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from gh_promotion.config.model import Config, FreezeWindow, PromotionConfig
from gh_promotion.core import gates
from gh_promotion.core.result import Status

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
WEEKEND = FreezeWindow(
    reason="weekend", schedule="0 18 * * 5", duration=63 * 3600.0, timezone="Europe/London"
)


def at(*parts: int, zone=UTC) -> datetime:
    return datetime(*parts, tzinfo=zone)


def config(**promotion) -> Config:
    return Config(promotion=PromotionConfig(**promotion))


@pytest.mark.parametrize(
    ("now", "closes"),
    [
        (at(2026, 12, 4, 17, 59), None),  # Friday, a minute before
        (at(2026, 12, 4, 18, 0), at(2026, 12, 7, 9, 0)),  # opens on the minute
        (at(2026, 12, 6, 12, 0), at(2026, 12, 7, 9, 0)),  # Sunday
        (at(2026, 12, 7, 8, 59, 59), at(2026, 12, 7, 9, 0)),
        (at(2026, 12, 7, 9, 0), None),  # closes on the minute
    ],
)
def test_a_cron_window_is_open_from_each_firing_for_its_duration(now, closes) -> None:
    assert gates.window_closes(WEEKEND, now) == closes


def test_a_cron_window_follows_local_time_across_daylight_saving() -> None:
    window = FreezeWindow(schedule="0 9 * * *", duration=3600.0, timezone="Europe/London")
    # London moves to BST on 2027-03-28: 09:00 local is 09:00 UTC before, 08:00 UTC after.
    assert gates.window_closes(window, at(2027, 3, 27, 8, 30)) is None
    assert gates.window_closes(window, at(2027, 3, 27, 9, 30)) == at(2027, 3, 27, 10, 0)
    assert gates.window_closes(window, at(2027, 3, 29, 8, 30)) == at(2027, 3, 29, 9, 0)
    assert gates.window_closes(window, at(2027, 3, 29, 9, 30)) is None
    # and back to GMT on 2027-10-31
    assert gates.window_closes(window, at(2027, 10, 30, 8, 30)) == at(2027, 10, 30, 9, 0)
    assert gates.window_closes(window, at(2027, 11, 1, 8, 30)) is None


def test_an_absolute_window_is_open_from_its_start_to_its_end() -> None:
    window = FreezeWindow(start=at(2026, 12, 24).timestamp(), end=at(2026, 12, 27).timestamp())
    assert gates.window_closes(window, at(2026, 12, 23, 23, 59)) is None
    assert gates.window_closes(window, at(2026, 12, 24)) == at(2026, 12, 27)
    assert gates.window_closes(window, at(2026, 12, 27)) is None


def test_a_window_freezes_only_its_stages_and_the_latest_closing_one_is_reported() -> None:
    short = FreezeWindow("short", start=at(2026, 1, 1).timestamp(), end=at(2026, 1, 2).timestamp())
    long = short._replace(reason="long", end=at(2026, 1, 5).timestamp(), stages=("production",))
    settings = config(freeze=(short, long))
    now = at(2026, 1, 1, 12)
    assert gates.freeze_on("production", now, settings, ()) == gates.Freeze("long", at(2026, 1, 5))
    assert gates.freeze_on("staging", now, settings, ()) == gates.Freeze("short", at(2026, 1, 2))
    assert gates.freeze_on("staging", at(2026, 1, 3), settings, ()) is None


@pytest.mark.parametrize(
    ("value", "frozen"),
    [
        ("true", {"staging", "canary", "production"}),
        (True, {"staging", "canary", "production"}),
        ("canary, production", {"canary", "production"}),
        (["production"], {"production"}),
        ("false", set()),
        ("", set()),
        (None, set()),
    ],
)
def test_the_stop_the_line_property(value, frozen) -> None:
    values = gates.stop_the_line_values(value)
    stopped = {s for s in ("staging", "canary", "production") if gates.line_stopped(s, values)}
    assert stopped == frozen


FREEZE = gates.Freeze("holidays", at(2026, 12, 27))
HOLD = gates.HoldIssue(7, "Promotions into production are held", "https://x/7", ("production",))
NOW = at(2026, 12, 24, 14, 0)
SOAKING = gates.Soak("canary", at(2026, 12, 24, 14, 5), timedelta(minutes=5))


def test_a_freeze_beats_everything_and_the_override_passes_it_only() -> None:
    everything = gates.Gates(now=NOW, freeze=FREEZE, hold=HOLD, soak=SOAKING)
    assert everything.verdict.status is Status.FROZEN
    assert everything.verdict.reason == "frozen: holidays until 2026-12-27 00:00 UTC"
    overridden = everything._replace(override=True).verdict
    assert (overridden.status, overridden.overridden) == (Status.HELD, "holidays")
    soaking = everything._replace(override=True, hold=None).verdict
    assert soaking.status is Status.PENDING
    assert soaking.reason == "soaking in canary until 14:05 UTC (5 min left)"
    assert everything._replace(override=True, hold=None, soak=None).verdict.status is None


def test_a_finished_soak_passes() -> None:
    done = SOAKING._replace(remaining=timedelta(seconds=-1))
    assert gates.Gates(now=NOW, soak=done).verdict == gates.Verdict(None)


def test_the_hold_issue_says_which_stages_it_holds() -> None:
    body = gates.hold_body(("production", "canary"), "rollback-production", "a" * 40, "why")
    assert gates.hold_stages(body) == ("production", "canary")
    assert gates.hold_stages("edited away") == ()
    title = gates.hold_title(("production",), "abc1234def")
    assert title == "Promotions into production are held after rollback to abc1234"


def test_holds_are_read_only_for_stages_a_rollback_moves() -> None:
    rollback = PromotionConfig().rollback._replace(
        enabled=True, hold=True, cascade_stages=("canary",)
    )
    settings = config(rollback=rollback)
    stages = ("main", "staging", "canary", "production")
    assert [s for s in stages if gates.holds_apply(settings, stages, s)] == ["canary", "production"]
    assert not gates.holds_apply(config(), stages, "production")


@pytest.mark.parametrize(
    ("remaining", "words"),
    [
        (timedelta(seconds=0.2), "1 s"),
        (timedelta(seconds=40), "40 s"),
        (timedelta(seconds=61), "2 min"),
        (timedelta(minutes=12), "12 min"),
        (timedelta(hours=2, minutes=5), "2 h 5 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=1, hours=3), "1 d 3 h"),
    ],
)
def test_time_left_in_words(remaining, words) -> None:
    assert gates.left(remaining) == words


def test_when_shows_the_date_only_for_another_day() -> None:
    assert gates.when(at(2026, 12, 24, 14, 5), NOW) == "14:05 UTC"
    assert gates.when(at(2026, 12, 24, 14, 5, 30), NOW) == "14:05:30 UTC"
    assert gates.when(at(2026, 12, 25, 9, 0), NOW) == "2026-12-25 09:00 UTC"
    assert gates.when(at(2026, 12, 24, 15, 5, zone=LONDON), NOW) == "15:05 UTC"
