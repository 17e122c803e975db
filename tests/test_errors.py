"""One error hierarchy: every expected failure carries the HTTP status it is answered with.

The statuses are the ones the runtimes answered before the hierarchy existed
(tests/runtime and tests/reliability pin the answers end to end); here the
types themselves are checked, and that dispatch needs one ``except`` for them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gh_promotion.aws.ssm import SsmCredentialsError
from gh_promotion.core.errors import (
    BadDelivery,
    CredentialsRejected,
    GitHubRefusal,
    GitHubUnavailable,
    UnsupportedEvent,
)
from gh_promotion.errors import PromotionError
from gh_promotion.gateway.credentials import CredentialsError
from gh_promotion.gateway.ratelimit import InstallationSuspended, RateLimited
from gh_promotion.intake.errors import (
    IntakeError,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from gh_promotion.runtime.startup import StartupRefused

DISPATCH = Path(__file__).resolve().parent.parent / "gh_promotion" / "runtime" / "dispatch.py"


@pytest.mark.parametrize(
    ("error", "status", "answer"),
    [
        (IntakeError("missing X-GitHub-Event header"), 400, "missing X-GitHub-Event header"),
        (Unauthorized("missing X-Hub-Signature-256 header"), 401, None),
        (PayloadTooLarge("body is over the 10-byte limit"), 413, None),
        (UnsupportedMediaType("unsupported Content-Type 'text/plain'"), 415, None),
        (BadDelivery("payload has no repository"), 422, None),
        (UnsupportedEvent("invalid"), 400, "unknown event type: invalid"),
        (
            GitHubUnavailable("GET x: GitHub answered 503"),
            502,
            "GitHub unavailable: GET x: GitHub answered 503",
        ),
        (RateLimited("GET x: rate limit", until=0.0), 502, "GitHub unavailable: GET x: rate limit"),
        (CredentialsRejected("the App's key is refused"), 503, "the App's key is refused"),
        (InstallationSuspended("installation 7 is suspended"), 503, "installation 7 is suspended"),
        (SsmCredentialsError("SSM parameter '/x' does not exist"), 503, None),
        (
            CredentialsError("github.privateKey: not set"),
            500,
            "configuration error: github.privateKey: not set",
        ),
        (StartupRefused("refusing: no webhook secret"), 500, None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_each_error_carries_its_status_and_the_words_a_sender_sees(
    error: PromotionError, status: int, answer: str | None
) -> None:
    assert isinstance(error, PromotionError)
    assert error.status == status
    assert error.answer() == (answer if answer is not None else error.message)
    assert str(error) == error.message


def test_the_detail_for_logs_stays_apart_from_the_message_for_answers() -> None:
    error = CredentialsError("github.privateKey: file is not readable", "… /etc/keys/app.pem …")
    assert "/etc/keys" not in error.answer()
    assert error.detail.endswith("app.pem …")
    assert PromotionError("plain").detail == "plain"  # no detail: the message is all there is


def test_githubs_refusals_are_not_answered_to_a_sender() -> None:
    """The core branches on them; escaping it, one is an unexpected error (500), not a 4xx."""
    assert not issubclass(GitHubRefusal, PromotionError)


def test_dispatch_answers_every_expected_error_with_one_except() -> None:
    tree = ast.parse(DISPATCH.read_text())
    handle = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_handle"
    )
    caught = [ast.unparse(h.type) for h in ast.walk(handle) if isinstance(h, ast.ExceptHandler)]
    assert caught == ["PromotionError", "Exception"]
