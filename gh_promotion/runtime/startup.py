"""What every runtime checks before serving: credentials, the webhook secret, known pitfalls.

Run once per process (service start, Lambda cold start, local invoke), so a
misconfiguration is told once, at start, instead of as a 401, a 502 or a
traceback per delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from gh_promotion.config.model import Config, Secret
from gh_promotion.core.feedback import use_check_runs
from gh_promotion.errors import PromotionError
from gh_promotion.gateway import credentials
from gh_promotion.gateway.credentials import CredentialsError

logger = logging.getLogger(__name__)


class StartupRefused(PromotionError):
    """The runtime must not serve with this configuration; the message says how to fix it.

    ``str(error)`` is safe to answer a request with; ``detail`` may also name a
    file's path, for the operator (logs, stderr).
    """

    status = 500


def check_credentials(config: Config, origins: Mapping[str, str] | None = None) -> None:
    """Refuse to start unless ``github.authMode``'s credentials are there and usable.

    In ssm mode this reads the SSM parameter (then cached for the process).
    ``origins`` is the config loader's provenance, for a message that says where
    the bad value came from.
    """
    try:
        credentials.check_credentials(config.github, origins)
    except CredentialsError as exc:
        raise StartupRefused(str(exc), exc.detail) from None


def webhook_secret(config: Config) -> Secret:
    """The secret deliveries are signed with: configured, else (ssm mode) the App's from SSM.

    Raises :class:`StartupRefused` when there is none and signatures are not
    explicitly skipped: an unverified webhook endpoint lets anyone move branches.
    """
    github = config.github
    if github.webhook_secret:
        return github.webhook_secret
    if github.auth_mode == "ssm" and github.ssm_key:
        from gh_promotion.aws.ssm import fetch_app_credentials

        try:
            secret = fetch_app_credentials(github.ssm_key).webhook_secret
        except CredentialsError as exc:
            why = "cannot read the webhook secret"
            raise StartupRefused(f"{why}: {exc}", f"{why}: {exc.detail}") from None
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
