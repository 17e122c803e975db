"""What gh-promotion needs to act on GitHub, loaded and checked in one place.

Every runtime calls :func:`check_credentials` before its first delivery (the
service at start, a Lambda on its cold start), so a missing token, a key file
that is not there or a key that is not a key is told once, as a configuration
error naming the key and where its value came from — not as "GitHub
unavailable" on every delivery, nor as a PyJWT traceback.

No message built here ever quotes a value that may be a secret. A key file's
path is named only in :attr:`CredentialsError.detail`, which goes to logs and to
the operator's terminal, never in an answer to a webhook's sender.

``cryptography`` (already installed as PyJWT's) is imported only when a key is
checked, so a token-mode cold start does not pay for it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from gh_promotion.config.model import GitHubConfig, Secret
from gh_promotion.errors import PromotionError
from gh_promotion.log import register_secret

# A longer value is key material, not a file name: a 1024-bit RSA key alone is
# ~800 base64 characters, while paths are far shorter than this.
MAX_PATH_LENGTH = 512
_WHERE_TO_SET = {
    "github.token": "GITHUB_TOKEN or --github-token",
    "github.app_id": "GITHUB_APP_ID or --github-app-id",
    "github.private_key": "GITHUB_APP_PRIVATE_KEY or --github-app-private-key "
    "(PEM text or the path of a .pem file)",
    "github.ssm_key": "GITHUB_APP_SSM_ARN or --github-app-ssm-arn "
    "(the SSM parameter holding the App)",
}
_YAML_KEYS = {
    "github.auth_mode": "github.authMode",
    "github.token": "github.token",
    "github.app_id": "github.appId",
    "github.private_key": "github.privateKey",
    "github.ssm_key": "github.ssmKey",
}


class CredentialsError(PromotionError):
    """A credential is missing or unusable: a configuration error, not GitHub's fault.

    ``str(error)`` is one line safe to send to anyone; ``detail`` is the same line
    with what only the operator should see (a file's path), for logs and stderr.
    Checked at start, so rarely met by a delivery: 500, "configuration error".
    """

    status = 500

    def answer(self) -> str:
        return f"configuration error: {self.message}"


class AppCredentials(NamedTuple):
    """A GitHub App's credentials, from SSM (`github.ssmKey`) or the config."""

    app_id: str
    private_key: Secret
    webhook_secret: Secret = Secret("")


def check_credentials(github: GitHubConfig, origins: Mapping[str, str] | None = None) -> None:
    """Raise :class:`CredentialsError` unless ``github.authMode``'s credentials are usable.

    ``origins`` (the loader's provenance) lets the message say where a value came
    from. In ssm mode this reads the SSM parameter (once; it is then cached).
    """
    origins = origins or {}
    if github.auth_mode == "token":
        if not github.token:
            raise _not_set("github.token", github, origins)
        return
    if github.auth_mode == "ssm":
        _ssm_credentials(github, origins)
        return
    app_credentials(github, origins)


def app_credentials(
    github: GitHubConfig, origins: Mapping[str, str] | None = None
) -> AppCredentials:
    """The App's credentials, checked: from SSM in ``ssm`` mode, else from the config.

    Cached per configuration, so a key file is read once per process.
    """
    origins = origins or {}
    if github.auth_mode == "ssm":
        return _ssm_credentials(github, origins)
    with _cache_lock:
        cached = _cache.get(github)
        if cached is None:
            cached = _cache[github] = _from_config(github, origins)
        return cached


def forget_cached_credentials() -> None:
    """Drop the App credentials read from the config (tests that rotate keys use this)."""
    with _cache_lock:
        _cache.clear()


def configured_secrets(github: GitHubConfig) -> list[str]:
    """The configured values that are secrets themselves, for the log redactor.

    A private key given as a file path is not one (the file's content is, and is
    registered when read): hiding a path such as ``/etc/gh-promotion/app.pem``
    would hide the word "promotion" from every log line.
    """
    secrets = [github.webhook_secret, github.token]
    if github.private_key and not is_path(github.private_key):
        secrets.append(github.private_key)
    return secrets


def validated_app(app_id: object, private_key: object, where: str) -> AppCredentials:
    """An App id and PEM key from SSM, checked like the config's; ``where`` names the source."""
    if not _is_app_id(app_id):
        raise CredentialsError(f"{where}: app_id must be the App's numeric id")
    pem = normalise_pem(str(private_key))
    register_secret(pem)  # even when it is no key: it may still be a piece of one
    problem = rsa_key_problem(pem)
    if problem:
        raise CredentialsError(f"{where}: private_key is {problem}")
    return AppCredentials(str(app_id).strip(), Secret(pem))


def normalise_pem(text: str) -> str:
    """PEM text as PyJWT wants it: real newlines (environment variables often carry
    them as the two characters ``\\n``), no surrounding blanks, one final newline."""
    text = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\r\n", "\n")
    return text.strip() + "\n"


def is_path(value: str) -> bool:
    """True when ``value`` names a key file rather than being the key itself."""
    return not (
        "-----BEGIN" in value or "\n" in value or len(value) > MAX_PATH_LENGTH or not value.strip()
    )


def rsa_key_problem(pem: str) -> str:
    """Why ``pem`` is not an unencrypted RSA private key, or ``""`` when it is one.

    The key's internal consistency is not checked (``unsafe_skip_rsa_key_validation``:
    OpenSSL's check costs ~40 ms a cold start would pay twice, PyJWT repeating it);
    a key that parses but is wrong is refused by GitHub.
    """
    if "-----BEGIN" not in pem or "PRIVATE KEY-----" not in pem:
        return "not a PEM private key (no BEGIN ... PRIVATE KEY line)"
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), None, unsafe_skip_rsa_key_validation=True)
    except TypeError:
        return "encrypted with a passphrase, which a GitHub App key never is"
    except Exception:  # ValueError, or cryptography's UnsupportedAlgorithm
        return "not a valid PEM private key (it does not decode)"
    return "" if isinstance(key, RSAPrivateKey) else "a private key, but not an RSA one"


# --- private ---------------------------------------------------------------------------

_cache: dict[GitHubConfig, AppCredentials] = {}
_cache_lock = threading.Lock()


def _from_config(github: GitHubConfig, origins: Mapping[str, str]) -> AppCredentials:
    if not github.app_id:
        raise _not_set("github.app_id", github, origins)
    if not _is_app_id(github.app_id):
        raise CredentialsError(
            f"{_named('github.app_id', origins)}: expected the App's numeric id "
            "(shown on the App's settings page as App ID)"
        )
    if not github.private_key:
        raise _not_set("github.private_key", github, origins)
    pem = _read_private_key(github.private_key, _named("github.private_key", origins))
    return AppCredentials(str(github.app_id).strip(), Secret(pem))


def _read_private_key(value: str, named: str) -> str:
    """The PEM text ``value`` is, or the content of the file it names; checked."""
    if is_path(value):
        path = Path(value.strip()).expanduser()
        try:
            pem = normalise_pem(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or "not UTF-8 text"
            raise CredentialsError(
                f"{named}: cannot read the key file ({why})",
                detail=f"{named}: cannot read the key file {str(path)!r} ({why})",
            ) from None
        source = "the key file"
    else:
        pem = normalise_pem(value)
        source = "the value"
    register_secret(pem)  # even when it is no key: it may still be a piece of one
    problem = rsa_key_problem(pem)
    if problem:
        raise CredentialsError(f"{named}: {source} is {problem}")
    return pem


def _ssm_credentials(github: GitHubConfig, origins: Mapping[str, str]) -> AppCredentials:
    if not github.ssm_key:
        raise _not_set("github.ssm_key", github, origins)
    from gh_promotion.aws.ssm import fetch_app_credentials

    try:
        return fetch_app_credentials(github.ssm_key)
    except CredentialsError as error:
        named = _named("github.ssm_key", origins)
        raise type(error)(f"{named}: {error}", detail=f"{named}: {error.detail}") from None


def _is_app_id(value: object) -> bool:
    text = str(value).strip()
    return not isinstance(value, bool) and text.isascii() and text.isdigit() and int(text) > 0


def _named(key: str, origins: Mapping[str, str]) -> str:
    """``github.appId (from env GITHUB_APP_ID)``: the key as the YAML spells it, and its origin."""
    origin = origins.get(key)
    return f"{_YAML_KEYS[key]} (from {origin})" if origin else _YAML_KEYS[key]


def _not_set(key: str, github: GitHubConfig, origins: Mapping[str, str]) -> CredentialsError:
    mode = f"github.authMode is {github.auth_mode}"
    origin = origins.get("github.auth_mode")
    if origin:
        mode += " (the default)" if origin == "default" else f" (from {origin})"
    return CredentialsError(f"{_YAML_KEYS[key]}: not set, but {mode}: set {_WHERE_TO_SET[key]}")
