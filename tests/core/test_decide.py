"""What each delivery means, decided from real payload shapes alone (no GitHub needed)."""

from __future__ import annotations

import pytest

from gh_promotion import core
from gh_promotion.config.model import Config, PromotionConfig, RollbackConfig
from gh_promotion.core import BadDelivery, Delivery, Status, UnsupportedEvent
from gh_promotion.core.decide import decide
from gh_promotion.core.intents import (
    FastForward,
    FastForwardSha,
    MarkPending,
    OpenPromotion,
    Rollback,
    Skip,
)
from gh_promotion.core.path import promotion_path
from testkit import payloads

REPO = "octo/app"
SHA = "a" * 40
OLD = "c" * 40
CONFIG = Config()


def intent_of(event: str, payload: dict, config: Config = CONFIG):
    return decide(Delivery(event, "d-1", payload), config)


def with_promotion(**changes) -> Config:
    return CONFIG._replace(promotion=CONFIG.promotion._replace(**changes))


# -- the promotion path -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stages"),
    [
        ("main, qa ,prod,", ("main", "qa", "prod")),
        ("main,,qa", ("main", "qa")),
        (["main", "refs/heads/qa", "prod"], ("main", "qa", "prod")),
        ("", ("main", "staging", "canary", "production")),
        (None, ("main", "staging", "canary", "production")),
        ("main", ("main",)),  # the whole path: nothing is promoted (the Go tool agrees)
        (["main"], ("main",)),
        (" , ,", ("main", "staging", "canary", "production")),  # empty after cleaning
        ([], ("main", "staging", "canary", "production")),
    ],
)
def test_path_comes_from_the_custom_property_string_or_list(value, stages):
    repository = {"custom_properties": {} if value is None else {"gitops-promotion-path": value}}
    assert promotion_path(repository, PromotionConfig()).stages == stages


def test_path_ignores_the_property_when_dynamic_promotion_is_off():
    repository = {"custom_properties": {"gitops-promotion-path": "a,b"}}
    config = PromotionConfig()._replace(
        dynamic_promotion=PromotionConfig().dynamic_promotion._replace(enabled=False),
        default_stages=("dev", "prod"),
    )
    assert promotion_path(repository, config).stages == ("dev", "prod")


# -- push ----------------------------------------------------------------------------


def test_push_to_a_stage_opens_a_promotion_to_the_next_stage():
    intent = intent_of("push", payloads.push(REPO, "staging", SHA))
    assert isinstance(intent, OpenPromotion)
    assert (intent.source, intent.target, intent.head_sha, intent.draft) == (
        "staging",
        "canary",
        SHA,
        False,
    )
    assert intent.repo.full_name == REPO and intent.repo.installation_id == 1


def test_push_follows_the_repository_path_and_its_draft_property():
    props = {"gitops-promotion-path": "dev,prod", "gitops-promotion-draft-pr": "true"}
    intent = intent_of("push", payloads.push(REPO, "dev", SHA, properties=props))
    assert isinstance(intent, OpenPromotion)
    assert (intent.target, intent.draft) == ("prod", True)


@pytest.mark.parametrize(
    ("branch", "kwargs", "why"),
    [
        ("production", {}, "last stage"),
        ("feature", {}, "not a stage"),
        ("main", {"ref": "refs/tags/v1"}, "not a branch push"),
        ("main", {"deleted": True}, "deleted"),
    ],
)
def test_pushes_that_promote_nothing_are_skipped(branch, kwargs, why):
    after = "0" * 40 if kwargs.get("deleted") else SHA
    intent = intent_of("push", payloads.push(REPO, branch, after, **kwargs))
    assert isinstance(intent, Skip)
    assert why in intent.reason


def test_push_to_the_rollback_branch_rolls_back_the_last_stage_and_cascade_in_path():
    config = with_promotion(rollback=RollbackConfig(True, "rollback-", ("canary", "qa")))
    intent = intent_of("push", payloads.push(REPO, "rollback-production", OLD), config)
    assert isinstance(intent, Rollback)
    assert intent.stages == ("production", "canary")  # qa is not in the path
    assert intent.sha == OLD


def test_rollback_branch_is_an_ordinary_branch_while_rollback_is_off():
    intent = intent_of("push", payloads.push(REPO, "rollback-production", OLD))
    assert isinstance(intent, Skip)


# -- pull requests and reviews ---------------------------------------------------------


def promotion_pull(**kwargs) -> dict:
    return payloads.pull(REPO, 7, "main", "staging", SHA, **kwargs)


def test_a_reopened_promotion_request_is_marked_pending():
    intent = intent_of("pull_request", payloads.pull_request("reopened", REPO, promotion_pull()))
    assert isinstance(intent, MarkPending)
    assert (intent.request.number, intent.request.head_sha) == (7, SHA)


@pytest.mark.parametrize("action", ["opened", "synchronize"])
def test_an_opened_or_updated_request_was_reported_pending_by_its_push(action):
    payload = payloads.pull_request(action, REPO, promotion_pull())
    skipped = intent_of("pull_request", payload)
    assert isinstance(skipped, Skip) and "push to main reported it pending" in skipped.reason
    without_pushes = with_promotion(events=("pull_request", "pull_request_review"))
    intent = intent_of("pull_request", payload, without_pushes)
    assert isinstance(intent, MarkPending) and intent.request.head_sha == SHA


def test_ready_for_review_is_a_signal_to_fast_forward():
    pr = promotion_pull(draft=False)
    intent = intent_of("pull_request", payloads.pull_request("ready_for_review", REPO, pr))
    assert isinstance(intent, FastForward)
    assert intent.requests[0].draft is False


@pytest.mark.parametrize(
    ("pr", "action", "why"),
    [
        (promotion_pull(draft=True), "opened", "draft"),
        (promotion_pull(), "closed", "not a promotion signal"),
        (payloads.pull(REPO, 7, "main", "canary", SHA), "opened", "not a promotion request"),
        (promotion_pull(fork=True), "opened", "fork"),
        (promotion_pull(state="closed"), "reopened", "closed"),
    ],
)
def test_pull_requests_that_are_not_open_promotion_requests_are_skipped(pr, action, why):
    intent = intent_of("pull_request", payloads.pull_request(action, REPO, pr))
    assert isinstance(intent, Skip)
    assert why in intent.reason


def test_an_approval_of_the_head_fast_forwards():
    intent = intent_of("pull_request_review", payloads.review(REPO, promotion_pull()))
    assert isinstance(intent, FastForward)
    assert intent.requests[0].head_sha == SHA


def test_an_approval_of_an_older_commit_never_promotes_the_newer_head():
    payload = payloads.review(REPO, promotion_pull(), commit_id=OLD)
    intent = intent_of("pull_request_review", payload)
    assert isinstance(intent, Skip)
    assert "not of the pull request's head" in intent.reason


@pytest.mark.parametrize("state", ["commented", "changes_requested"])
def test_reviews_that_are_not_approvals_are_skipped(state):
    intent = intent_of("pull_request_review", payloads.review(REPO, promotion_pull(), state=state))
    assert isinstance(intent, Skip)


def test_an_approved_draft_waits_for_ready_for_review():
    payload = payloads.review(REPO, promotion_pull(draft=True))
    assert "draft" in intent_of("pull_request_review", payload).reason


# -- check suites, workflow runs, deployments and statuses ------------------------------


@pytest.mark.parametrize(
    ("event", "build"),
    [("check_suite", payloads.check_suite), ("workflow_run", payloads.workflow_run)],
)
def test_a_successful_run_fast_forwards_the_listed_requests_at_its_head(event, build):
    other = payloads.pull(REPO, 8, "main", "staging", OLD)  # listed, but not at this head
    intent = intent_of(event, build(REPO, SHA, pulls=[promotion_pull(), other]))
    assert isinstance(intent, FastForward)
    assert [r.number for r in intent.requests] == [7]
    assert intent.requests[0].draft is None  # the payload does not say


@pytest.mark.parametrize(
    ("event", "build"),
    [("check_suite", payloads.check_suite), ("workflow_run", payloads.workflow_run)],
)
def test_a_run_without_listed_requests_searches_by_sha(event, build):
    intent = intent_of(event, build(REPO, SHA, head_branch="canary"))
    assert isinstance(intent, FastForwardSha)
    assert (intent.sha, intent.branches) == (SHA, ("canary",))


@pytest.mark.parametrize(
    ("conclusion", "action"),
    [("failure", "completed"), (None, "requested"), ("cancelled", "completed")],
)
def test_runs_that_did_not_succeed_are_skipped(conclusion, action):
    payload = payloads.check_suite(REPO, SHA, conclusion=conclusion, action=action)
    assert isinstance(intent_of("check_suite", payload), Skip)


def test_a_successful_deployment_of_a_stage_promotes_by_sha():
    intent = intent_of("deployment_status", payloads.deployment_status(REPO, "staging", SHA))
    assert isinstance(intent, FastForwardSha)
    assert intent.branches == ("staging",)


@pytest.mark.parametrize(("ref", "state"), [("production", "success"), ("staging", "failure")])
def test_deployments_that_cannot_promote_are_skipped(ref, state):
    payload = payloads.deployment_status(REPO, ref, SHA, state=state)
    assert isinstance(intent_of("deployment_status", payload), Skip)


def test_a_success_status_narrows_the_search_to_stage_branches_at_that_commit():
    branches = {"main": SHA, "feature": SHA, "staging": OLD}
    intent = intent_of("status", payloads.status(REPO, SHA, branches=branches))
    assert isinstance(intent, FastForwardSha)
    assert intent.branches == ("main",)


def test_a_status_listing_ten_branches_may_have_left_ours_out():
    branches = {f"b{i}": OLD for i in range(10)}
    intent = intent_of("status", payloads.status(REPO, SHA, branches=branches))
    assert isinstance(intent, FastForwardSha)
    assert intent.branches == ()


def test_a_status_on_a_commit_no_branch_points_at_is_skipped():
    intent = intent_of("status", payloads.status(REPO, SHA, branches={"main": OLD}))
    assert isinstance(intent, Skip)


@pytest.mark.parametrize("state", ["pending", "failure", "error"])
def test_statuses_other_than_success_are_skipped(state):
    assert isinstance(intent_of("status", payloads.status(REPO, SHA, state=state)), Skip)


# -- through handle(): no GitHub is needed for any of these ----------------------------


class NoGitHub:
    """A way to GitHub that fails the test if the core takes it."""

    def repository(self, *args: object) -> None:
        raise AssertionError("the core asked for a repository")

    def own_app_id(self) -> None:
        raise AssertionError("the core asked for the App's id")


def handle(delivery: Delivery, config: Config) -> core.Result:
    return core.handle(delivery, config, NoGitHub())


def test_ping_is_answered_and_unknown_events_are_rejected():
    ping = payloads.example("ping/payload.json")
    assert handle(Delivery("ping", "d", ping), CONFIG).status is Status.PONG
    with pytest.raises(UnsupportedEvent, match="unknown event type: invalid"):
        handle(Delivery("invalid", "d", payloads.example("star/created.payload.json")), CONFIG)


def test_github_events_it_does_not_act_on_are_skipped():
    result = handle(Delivery("star", "d", payloads.example("star/created.payload.json")), CONFIG)
    assert (result.status, result.reason) == (
        Status.SKIPPED,
        "gh-promotion does not act on star events",
    )
    assert result.writes == ()


def test_switched_off_events_are_skipped():
    config = with_promotion(events=("push",))
    payload = payloads.status(REPO, SHA, branches={"main": SHA})
    result = handle(Delivery("status", "d", payload), config)
    assert result.status is Status.SKIPPED and "switched off" in result.reason
    assert result.writes == ()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.pop("repository"), "payload has no repository"),
        (lambda p: p.update(ref=5), "ref must be a string"),
        (lambda p: p["repository"].update(owner="octo"), "repository.owner must be an object"),
        (lambda p: p.update(installation={"id": "1"}), "installation.id must be an integer"),
        (lambda p: p.update(deleted="false"), "deleted must be true or false"),
        (
            lambda p: p["repository"].update(custom_properties=["main,prod"]),
            "repository.custom_properties must be an object",
        ),
    ],
)
def test_malformed_payloads_are_bad_deliveries_naming_the_field(mutate, message):
    payload = payloads.push(REPO, "main", SHA)
    mutate(payload)
    with pytest.raises(BadDelivery, match=message) as caught:
        handle(Delivery("push", "d", payload), CONFIG)
    assert 400 <= caught.value.status < 500


def test_a_draft_flag_that_is_not_a_boolean_is_refused_not_read_as_false():
    pr = payloads.pull(REPO, 7, "main", "staging", SHA)
    pr["draft"] = "true"
    payload = payloads.review(REPO, pr)
    with pytest.raises(BadDelivery, match=r"pull_request\.draft must be true or false"):
        handle(Delivery("pull_request_review", "d", payload), CONFIG)


def test_skipped_delivery_reports_where_it_came_from():
    result = handle(Delivery("push", "d-9", payloads.push(REPO, "production", SHA)), CONFIG)
    assert (result.status, result.event, result.delivery_id, result.repository) == (
        Status.SKIPPED,
        "push",
        "d-9",
        REPO,
    )
