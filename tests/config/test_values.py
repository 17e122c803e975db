"""The value parsers every layer shares: durations, booleans, lists."""

from __future__ import annotations

import pytest

from gh_promotion.config.values import format_duration, parse_bool, parse_duration, split_list


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5s", 5.0),
        ("1m30s", 90.0),
        ("250ms", 0.25),
        ("1h", 3600.0),
        ("1.5h", 5400.0),
        ("2h45m", 9900.0),
        ("100us", 0.0001),
        ("300µs", 0.0003),
        ("0", 0.0),
        ("10", 10.0),
        ("2.5", 2.5),
        (" 7s ", 7.0),
        (12, 12.0),
        (0.5, 0.5),
    ],
)
def test_go_durations_and_plain_seconds(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["5 s", "5sec", "m", "1m30", "-1s", -3, True, "", "1d", None])
def test_not_durations(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize("seconds", [5.0, 90.0, 0.25, 3600.0, 5400.0, 0.0, 61.5, 7322.0])
def test_formatted_durations_parse_back(seconds):
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds)


def test_duration_spelling_matches_go():
    assert [format_duration(s) for s in (5.0, 90.0, 0.25, 3600.0)] == ["5s", "1m30s", "250ms", "1h"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *[("true", True), ("TRUE", True), ("1", True), ("yes", True), ("Yes", True)],
        *[("false", False), ("False", False), ("0", False), ("no", False), ("NO", False)],
    ],
)
def test_booleans_from_text(text, value):
    assert parse_bool(text) is value


@pytest.mark.parametrize("text", ["", "maybe", "2", "y e s"])
def test_not_booleans(text):
    assert parse_bool(text) is None


def test_lists_trim_spaces_and_drop_empties():
    assert split_list(" main , staging,,production , ") == ("main", "staging", "production")
    assert split_list("") == ()
