"""Every webhook event name GitHub documents, so intake can tell "not for us" from "not GitHub".

GitHub sends an App some events whatever it subscribes to (``installation``,
``installation_repositories``, ``installation_target``,
``github_app_authorization``, ``meta``), and an App may subscribe to more than
gh-promotion acts on. Those are answered 200 *skipped*: a 4xx would show as a
failed delivery in the App's settings, an alarm for nothing. A name that is no
GitHub event at all (``invalid``, ``PUSH``) is still refused with 400.

Vendored, not fetched: intake must not depend on the network, and the list
changes a few times a year. Source: the folder names under
``payload-schemas/api.github.com/`` (minus ``common``, shared definitions) of
https://github.com/octokit/webhooks at commit
3a58428aa5c399cf5aa12c8663aea1fb1f515254 (v7.6.1-43-g3a58428a, 2026-06-22),
the same commit as the example payloads the tests use. octokit/webhooks is
MIT-licensed. To refresh: list that folder at a newer commit and replace the
names below. A few newer names from GitHub's own list of webhook events
(docs.github.com, "Webhook events and payloads") are added after them.
"""

from __future__ import annotations

from gh_promotion.core.errors import UnsupportedEvent

GITHUB_EVENTS: frozenset[str] = frozenset(
    (
        "branch_protection_configuration",
        "branch_protection_rule",
        "check_run",
        "check_suite",
        "code_scanning_alert",
        "commit_comment",
        "create",
        "custom_property",
        "custom_property_values",
        "delete",
        "dependabot_alert",
        "deploy_key",
        "deployment",
        "deployment_protection_rule",
        "deployment_review",
        "deployment_status",
        "discussion",
        "discussion_comment",
        "fork",
        "github_app_authorization",
        "gollum",
        "installation",
        "installation_repositories",
        "installation_target",
        "issue_comment",
        "issues",
        "label",
        "marketplace_purchase",
        "member",
        "membership",
        "merge_group",
        "meta",
        "milestone",
        "org_block",
        "organization",
        "package",
        "page_build",
        "ping",
        "project",
        "project_card",
        "project_column",
        "projects_v2_item",
        "public",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
        "pull_request_review_thread",
        "push",
        "registry_package",
        "release",
        "repository",
        "repository_dispatch",
        "repository_import",
        "repository_vulnerability_alert",
        "secret_scanning_alert",
        "secret_scanning_alert_location",
        "security_advisory",
        "sponsorship",
        "star",
        "status",
        "team",
        "team_add",
        "watch",
        "workflow_dispatch",
        "workflow_job",
        "workflow_run",
    )
) | frozenset(
    # Listed on GitHub's "Webhook events and payloads" page but not (yet) in
    # octokit's schemas at that commit: newer events an App may subscribe to.
    # A wrong name here costs nothing worse than a 200 skip instead of a 400.
    (
        "issue_dependencies",
        "personal_access_token_request",
        "projects_v2",
        "projects_v2_status_update",
        "repository_advisory",
        "repository_ruleset",
        "secret_scanning_scan",
        "security_and_analysis",
        "sub_issues",
    )
)


def is_github_event(name: str) -> bool:
    """True for a webhook event name GitHub documents (names are lower-case, exact)."""
    return name in GITHUB_EVENTS


def check_event_name(name: str) -> None:
    """The one event-name check (intake and core both ask it): raise
    :class:`UnsupportedEvent` (400) for a name GitHub never sends."""
    if not is_github_event(name):
        raise UnsupportedEvent(name)
