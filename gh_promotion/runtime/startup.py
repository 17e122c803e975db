"""What every runtime checks before serving: the webhook secret and known pitfalls.

Run once per process (service start, Lambda cold start, local invoke), so a
misconfiguration is told once, at start, instead of as a 401 per delivery.
"""

from __future__ import annotations

import logging

from gh_promotion.config.model import Config, Secret
from gh_promotion.core.feedback import use_check_runs

logger = logging.getLogger(__name__)


class StartupRefused(Exception):
    """The runtime must not serve with this configuration; the message says how to fix it."""


def webhook_secret(config: Config) -> Secret:
    """The secret deliveries are signed with: configured, else (ssm mode) the App's from SSM.

    Raises :class:`StartupRefused` when there is none and signatures are not
    explicitly skipped: an unverified webhook endpoint lets anyone move branches.
    """
    github = config.github
    if github.webhook_secret:
        return github.webhook_secret
    if github.auth_mode == "ssm" and github.ssm_key:
        from gh_promotion.aws.ssm import SsmCredentialsError, fetch_app_credentials

        try:
            secret = fetch_app_credentials(github.ssm_key).webhook_secret
        except SsmCredentialsError as exc:
            raise StartupRefused(f"cannot read the webhook secret: {exc}") from None
        if secret:
            return secret
    if github.insecure_skip_signature:
        return Secret("")
    raise StartupRefused(
        "no webhook secret: set github.webhookSecret (GITHUB_WEBHOOK_SECRET), or put "
        "webhook_secret in the SSM parameter github.ssmKey, or pass "
        "--insecure-skip-signature to accept unsigned deliveries"
    )


def startup_warnings(config: Config) -> list[str]:
    """Configurations that work, but not as a reader of the YAML might expect."""
    warnings = []
    if config.github.insecure_skip_signature:
        warnings.append(
            "--insecure-skip-signature: webhook signatures are NOT checked; "
            "anyone who can reach this endpoint can trigger promotions"
        )
    if config.promotion.feedback.check_run.enabled and not use_check_runs(config):
        warnings.append(
            "check-run feedback needs a GitHub App (a token cannot create check runs): "
            "commit statuses are used instead"
        )
    return warnings


def log_startup_warnings(config: Config) -> None:
    for warning in startup_warnings(config):
        logger.warning(warning)
