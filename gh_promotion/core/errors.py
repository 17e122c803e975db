"""Errors that cross the core's boundaries: with the runtimes, and with the gateway.

The first group are :class:`~gh_promotion.errors.PromotionError` s, each with
the HTTP status a runtime answers it with: a :class:`BadDelivery` is the
sender's fault (4xx, retrying will not help), a :class:`GitHubUnavailable` is
GitHub's (5xx, so GitHub marks the delivery failed and it can be redelivered). The second group, the
:class:`GitHubRefusal` family, is what the gateway raises through the port
(:mod:`gh_promotion.core.ports`) for the answers the core branches on. They
live here, in the core, so that the gateway depends on the core's types and
never the other way round.
"""

from __future__ import annotations

from gh_promotion.errors import PromotionError


class BadDelivery(PromotionError):
    """The delivery cannot be handled as sent: malformed or missing fields."""

    status = 422


class UnsupportedEvent(BadDelivery):
    """An event name GitHub never sends (documented but unused events are skipped)."""

    status = 400

    def __init__(self, event: str) -> None:
        super().__init__(f"unknown event type: {event}")
        self.event = event


class GitHubUnavailable(PromotionError):
    """GitHub kept failing (5xx, rate limits, timeouts) after our retries: 502, so
    GitHub marks the delivery failed and it can be redelivered."""

    status = 502

    def answer(self) -> str:
        return f"GitHub unavailable: {self.message}"


class CredentialsRejected(GitHubUnavailable):
    """GitHub is up but refuses our credentials even after a fresh token.

    Not GitHub's fault and not the sender's: the App id, its private key, the
    installation or the token must be fixed before a redelivery can succeed.
    A :class:`GitHubUnavailable` so the core treats it as any failed request
    (nothing changed, or a partial rollback reported); runtimes answer it with
    its own status and message instead of "GitHub unavailable".
    """

    status = 503

    def answer(self) -> str:
        return self.message


# -- GitHub's refusals, by meaning --------------------------------------------------
# The core branches on these ("a pull request already exists", "not a fast
# forward", "protected branch") instead of reading HTTP statuses and messages;
# the gateway (gh_promotion.gateway.errors.classify) is the one place that reads
# GitHub's answers and raises them.


class GitHubRefusal(Exception):
    """GitHub answered a request with a definite no (4xx)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class PullRequestExists(GitHubRefusal):
    pass


class NoCommitsBetween(GitHubRefusal):
    pass


class BranchMissing(GitHubRefusal):
    """A pull request's base or head branch does not exist."""


class ReferenceExists(GitHubRefusal):
    pass


class NotFastForward(GitHubRefusal):
    pass


class BranchProtected(GitHubRefusal):
    """Branch protection refused the update (required checks or reviews not met yet)."""


class RulesViolated(BranchProtected):
    """A repository ruleset refused the update (GH013 "Repository rule violations found").

    ``rules`` are GitHub's lines naming each violated rule, e.g.
    ``Required status check "ci" is expected.``; the message quotes them all.
    """

    def __init__(self, rules: tuple[str, ...], status: int = 422) -> None:
        super().__init__(" ".join(("Repository rule violations found:", *rules)), status)
        self.rules = rules


class NotFound(GitHubRefusal):
    pass
