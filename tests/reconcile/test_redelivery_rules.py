"""The redelivery rules (gh_promotion.core.redelivery) on GitHub's "hook-delivery-item"
shapes: which GUIDs a run asks GitHub to redeliver, and the Result of each."""

from __future__ import annotations

from typing import Any

from gh_promotion.config.model import SUPPORTED_EVENTS
from gh_promotion.core.redelivery import (
    About,
    about,
    attempt_from_item,
    is_wanted,
    redelivery_result,
    to_redeliver,
)
from gh_promotion.core.result import Status

SECOND = "2026-12-03T11:00:00Z"  # delivered_at has one-second resolution
EPOCH = 1796295600.0  # SECOND


def item(number: int, guid: str, code: int, **fields: Any) -> dict[str, Any]:
    """A list entry as GitHub's docs show one (https://docs.github.com/en/rest/apps/webhooks)."""
    return {
        "id": number,
        "guid": guid,
        "delivered_at": SECOND,
        "redelivery": False,
        "duration": 0.27,
        "status": "OK" if code == 200 else f"Invalid HTTP Response: {code}",
        "status_code": code,
        "event": "push",
        "action": None,
        "installation_id": 7,
        "repository_id": 9,
        **fields,
    }


def chosen(*items: dict[str, Any], since: float = 0.0) -> list[tuple[str, int]]:
    attempts = [attempt_from_item(i) for i in items]
    picked = to_redeliver([a for a in attempts if a], acts_on=SUPPORTED_EVENTS, since=since)
    return [(a.guid, a.id) for a in picked]


def test_the_latest_attempt_is_the_highest_id_whatever_the_list_order() -> None:
    failed_then_ok = (item(2, "a", 200, redelivery=True), item(1, "a", 502))
    ok_then_failed = (item(3, "b", 200), item(4, "b", 504, redelivery=True))
    assert chosen(*failed_then_ok) == []
    assert chosen(*reversed(failed_then_ok)) == []
    assert chosen(*ok_then_failed) == [("b", 4)]


def test_only_no_answer_and_5xx_are_redelivered() -> None:
    codes = {"ok": 200, "moved": 301, "refused": 401, "bad": 422, "down": 0, "error": 500}
    items = [item(n, guid, code) for n, (guid, code) in enumerate(codes.items(), 1)]
    assert chosen(*items) == [("down", 5), ("error", 6)]


def test_oldest_guid_first_one_entry_per_guid() -> None:
    items = (item(9, "new", 502), item(8, "old", 0, redelivery=True), item(3, "old", 0))
    assert chosen(*items) == [("old", 8), ("new", 9)]


def test_events_gh_promotion_does_not_act_on_are_left() -> None:
    assert chosen(item(1, "p", 502, event="ping"), item(2, "i", 502, event="issues")) == []


def test_attempts_before_the_window_do_not_count() -> None:
    assert chosen(item(1, "a", 502), since=EPOCH + 1) == []
    assert chosen(item(1, "a", 502), since=EPOCH) == [("a", 1)]


def test_entries_not_shaped_like_githubs_are_skipped() -> None:
    assert attempt_from_item({"id": "1", "guid": "a"}) is None
    assert attempt_from_item(item(1, "a", 502, delivered_at="yesterday")) is None
    assert attempt_from_item(item(True, "a", 502)) is None
    assert attempt_from_item([]) is None


def test_the_payload_names_the_repository_and_a_push_its_branch_and_commit() -> None:
    push = {"ref": "refs/heads/rollback-production", "after": "c" * 40}
    push["repository"] = {"full_name": "octo/app"}
    assert about(push) == About("octo/app", "rollback-production", "c" * 40)
    assert about({"ref": "refs/tags/v1", "repository": {}}) == About()
    assert about(None) == About()


def test_repository_names_compare_without_case() -> None:
    assert is_wanted("Octo/App", ("octo/app",))
    assert is_wanted("octo/app", ())
    assert not is_wanted("octo/other", ("octo/app",))
    assert not is_wanted("", ("octo/app",))


def test_the_result_lists_the_guid_and_the_request_made_or_planned() -> None:
    attempt = attempt_from_item(
        item(5, "guid-5", 0, action="submitted", event="pull_request_review")
    )
    assert attempt is not None
    subject = About("octo/app")
    done = redelivery_result(attempt, subject, tries=2, dry_run=False)
    planned = redelivery_result(attempt, subject, tries=2, dry_run=True)
    refused = redelivery_result(attempt, subject, tries=2, dry_run=False, refusal="Not Found")
    assert (done.status, done.delivery_id, done.repository, done.ok) == (
        Status.REDELIVERED,
        "guid-5",
        "octo/app",
        True,
    )
    assert done.reason == (
        "pull_request_review.submitted delivery guid-5 (not answered, attempt 2):"
        " asked GitHub to redeliver it"
    )
    assert [(w.action, w.target, w.outcome) for w in done.writes] == [
        ("redeliver", "delivery 5", "done")
    ]
    assert (planned.writes[0].outcome, planned.dry_run) == ("planned", True)
    assert (refused.status, refused.writes[0].outcome, refused.ok) == (
        Status.FAILED,
        "failed",
        False,
    )
    assert done.to_dict()["status"] == "redelivered"
