"""Where a delivery's payload says the promoted commit arrived, on GitHub's real payload shapes."""

from __future__ import annotations

from datetime import datetime

from gh_promotion.config.model import Config
from gh_promotion.metrics.deliveries import arrival
from testkit.payloads import check_suite, deployment_status, example, status

REPO = "octo/app"
PATH = {"gitops-promotion-path": "main,staging,canary"}
SHA = "c" * 40


def epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_on_the_first_stage_a_check_suite_gives_the_commit_time() -> None:
    payload = check_suite(REPO, SHA, properties=PATH)
    committed = payload["check_suite"]["head_commit"]["timestamp"]
    assert arrival(payload, "main", Config()) == epoch(committed)


def test_on_the_first_stage_a_status_gives_the_commit_time() -> None:
    payload = status(REPO, SHA, properties=PATH)
    committed = payload["commit"]["commit"]["committer"]["date"]
    assert arrival(payload, "main", Config()) == epoch(committed)


def test_on_a_later_stage_the_commit_time_is_not_its_arrival() -> None:
    assert arrival(check_suite(REPO, SHA, properties=PATH), "staging", Config()) is None
    assert (
        arrival(deployment_status(REPO, "staging", SHA, properties=PATH), "staging", Config())
        is None
    )


def test_a_review_gives_the_promotion_request_s_creation_on_any_stage() -> None:
    payload = example("pull_request_review/submitted.payload.json")
    payload["repository"]["custom_properties"] = PATH
    opened = epoch(payload["pull_request"]["created_at"])
    assert arrival(payload, "staging", Config()) == opened
    assert arrival(payload, "main", Config()) == opened
