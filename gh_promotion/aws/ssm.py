"""GitHub App credentials from one SSM parameter (``github.ssmKey``).

The parameter (a SecureString, usually) holds the JSON
``{"app_id": ..., "private_key": ..., "webhook_secret": ...}`` — the format the
Go gh-promotion-app reads. It is fetched once per process: a warm Lambda or a
long-running service must not call SSM per delivery.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

from gh_promotion.config.model import Secret
from gh_promotion.gateway.credentials import AppCredentials, CredentialsError, validated_app
from gh_promotion.log import register_secret

logger = logging.getLogger(__name__)

_cache: dict[str, AppCredentials] = {}
_cache_lock = threading.Lock()


class SsmCredentialsError(CredentialsError):
    """The App credentials could not be read from SSM; the message says which and why.

    Runtimes answer it 503 (SSM may come back), unlike a parameter that was read
    and holds an unusable key (a plain :class:`CredentialsError`).
    """

    status = 503  # our SSM parameter, not the sender, is at fault; SSM may come back

    def answer(self) -> str:
        return self.message  # as before the hierarchy: the SSM failure, not "configuration error"


def fetch_app_credentials(parameter_name: str) -> AppCredentials:
    """The App credentials stored in ``parameter_name`` (a name or an ARN), cached.

    The lock is held across the fetch so concurrent first deliveries make one
    ``GetParameter`` call, not one each. A failure is not cached: the next call
    asks SSM again.
    """
    if not parameter_name:
        raise SsmCredentialsError("github.ssmKey is empty: set the SSM parameter holding the App")
    with _cache_lock:
        cached = _cache.get(parameter_name)
        if cached is None:
            cached = _parse(parameter_name, _get_parameter(parameter_name))
            _cache[parameter_name] = cached
        return cached


def forget_cached_credentials() -> None:
    """Drop the cache, so the next call reads SSM again (after a key rotation, or in tests)."""
    with _cache_lock:
        _cache.clear()


def _get_parameter(parameter_name: str) -> str:
    import boto3  # here, not at the top: cold starts without SSM stay fast
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        with _body_not_logged():
            response = boto3.client("ssm").get_parameter(Name=parameter_name, WithDecryption=True)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ParameterNotFound":
            raise SsmCredentialsError(f"SSM parameter {parameter_name!r} does not exist") from None
        raise SsmCredentialsError(
            f"cannot read SSM parameter {parameter_name!r}: {code or exc}"
        ) from None
    except BotoCoreError as exc:
        raise SsmCredentialsError(f"cannot read SSM parameter {parameter_name!r}: {exc}") from None
    return response["Parameter"]["Value"]


@contextlib.contextmanager
def _body_not_logged() -> Iterator[None]:
    """botocore logs a response's body at debug level, and this one is the App's key and
    webhook secret, before anything could register them with the log redactor: keep
    botocore at info for the one call (made under the cache lock, so once per process)."""
    botocore = logging.getLogger("botocore")
    previous = botocore.level
    if botocore.getEffectiveLevel() < logging.INFO:
        botocore.setLevel(logging.INFO)
    try:
        yield
    finally:
        botocore.setLevel(previous)


def _parse(parameter_name: str, raw: str) -> AppCredentials:
    """The credentials in the parameter's JSON; its secrets registered with the log
    redactor (they never came through the config), the whole value when it is not
    the expected JSON. No message quotes any of it."""
    try:
        data: Any = json.loads(raw)
    except json.JSONDecodeError:
        register_secret(raw)
        raise SsmCredentialsError(
            f"SSM parameter {parameter_name!r} is not JSON with app_id, private_key, webhook_secret"
        ) from None
    if not isinstance(data, dict):
        register_secret(raw)
        raise SsmCredentialsError(f"SSM parameter {parameter_name!r} must hold a JSON object")
    missing = [key for key in ("app_id", "private_key") if not data.get(key)]
    if missing:
        register_secret(raw)
        raise SsmCredentialsError(f"SSM parameter {parameter_name!r} lacks {', '.join(missing)}")
    webhook_secret = Secret(str(data.get("webhook_secret") or ""))
    register_secret(webhook_secret)
    app = validated_app(data["app_id"], data["private_key"], f"SSM parameter {parameter_name!r}")
    credentials = app._replace(webhook_secret=webhook_secret)
    logger.info("read GitHub App %s credentials from SSM %s", credentials.app_id, parameter_name)
    return credentials
