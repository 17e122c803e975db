"""Who is calling: personal tokens, GitHub App JWTs and installation tokens, checked per call.

GitHub's rules, enforced the way GitHub enforces them:
https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
(RS256, `iss` = the App's id, `exp` at most 10 minutes after `iat`/now) and installation
tokens that expire after an hour and only reach the installation's repositories.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, replace

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gh_promotion.simulator.errors import ApiError, bad_credentials, installation_suspended
from gh_promotion.simulator.model import Actor, Installation, SimApp, next_id

MAX_JWT_LIFETIME = 600
CLOCK_SKEW = 60
JWT_DOCS = "https://docs.github.com/rest"


@dataclass(frozen=True)
class Identity:
    """The authenticated caller of one request."""

    kind: str  # "personal" | "installation" | "jwt" | "none"
    login: str = ""
    app: SimApp | None = None
    installation: Installation | None = None
    admin: bool = False  # a repository admin (personal tokens, unless made as a writer)

    @property
    def actor(self) -> Actor:
        if self.kind == "installation" and self.app:
            return Actor(self.app.bot_login, "Bot", self.app.app_id)
        return Actor(self.login or "ghost")


ANONYMOUS = Identity("none")


def new_app_keys() -> tuple[str, str]:
    """A fresh RSA key pair (private PEM, public PEM), as GitHub generates for an App."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class TokenBook:
    """Every credential the simulator has issued, and the rules to check one."""

    def __init__(self, installation_token_ttl: float = 3600.0) -> None:
        self._lock = threading.Lock()
        self._personal: dict[str, str] = {}
        self._writers: set[str] = set()  # personal tokens of people without the admin role
        self._installation: dict[str, tuple[Installation, float]] = {}
        self.apps: dict[int, SimApp] = {}
        self.installations: dict[int, Installation] = {}
        self.installation_token_ttl = installation_token_ttl

    def personal(self, login: str, admin: bool = True) -> str:
        token = "ghp_" + secrets.token_hex(18)
        with self._lock:
            self._personal[token] = login
            if not admin:
                self._writers.add(token)
        return token

    def add_app(self, slug: str, webhook_secret: str = "") -> SimApp:
        private, public = new_app_keys()
        app = SimApp(next_id(), private, slug, public, webhook_secret)
        with self._lock:
            self.apps[app.app_id] = app
        return app

    def install(self, app: SimApp, owner: str) -> Installation:
        with self._lock:
            for existing in self.installations.values():
                if existing.app.app_id == app.app_id and existing.owner == owner:
                    return existing
            installation = Installation(next_id(), app, owner)
            self.installations[installation.id] = installation
        return installation

    def installation_for(self, owner: str, app: SimApp | None = None) -> Installation | None:
        """The installation covering `owner` (of `app` when given, else the first one)."""
        with self._lock:
            for installation in self.installations.values():
                if installation.owner == owner and (app is None or installation.app == app):
                    return installation
        return None

    def issue_installation_token(self, installation: Installation) -> tuple[str, float]:
        token = "ghs_" + secrets.token_hex(18)
        expires = time.time() + self.installation_token_ttl
        with self._lock:
            self._installation[token] = (installation, expires)
        return token, expires

    def expire_installation_tokens(self) -> None:
        """Make every issued installation token stale now (tests of token refresh)."""
        with self._lock:
            for token, (installation, _) in list(self._installation.items()):
                self._installation[token] = (installation, time.time() - 1)

    def revoke_installation_tokens(self, app: SimApp | None = None) -> int:
        """Revoke every installation token (of `app`, or of every App), as a key rotation
        or an uninstall and reinstall does: GitHub answers 401 `Bad credentials` to them.
        Returns how many were revoked."""
        with self._lock:
            revoked = [
                token
                for token, (installation, _) in self._installation.items()
                if app is None or installation.app.app_id == app.app_id
            ]
            for token in revoked:
                del self._installation[token]
        return len(revoked)

    def rotate_key(self, app: SimApp) -> SimApp:
        """A new key pair for `app`: JWTs signed with the old key are refused from now on."""
        private, public = new_app_keys()
        rotated = replace(self.apps[app.app_id], private_key_pem=private, public_key_pem=public)
        with self._lock:
            self.apps[app.app_id] = rotated
            for installation in self.installations.values():
                if installation.app.app_id == app.app_id:
                    installation.app = rotated
        return rotated

    def set_suspended(self, installation: Installation, suspended: bool) -> None:
        with self._lock:
            installation.suspended_at = time.time() if suspended else None

    def identify(self, header: str | None) -> Identity:
        """Map an `Authorization` header to a caller; unknown or stale credentials → 401."""
        if not header:
            return ANONYMOUS
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            raise bad_credentials()
        token = token.strip()
        with self._lock:
            login = self._personal.get(token)
            admin = token not in self._writers
            entry = self._installation.get(token)
        if login is not None:
            return Identity("personal", login=login, admin=admin)
        if entry is not None:
            installation, expires = entry
            if time.time() >= expires:
                raise bad_credentials()
            if installation.suspended_at is not None:
                raise installation_suspended()
            return Identity("installation", app=installation.app, installation=installation)
        if token.count(".") == 2:
            return Identity("jwt", app=self._verify_jwt(token))
        raise bad_credentials()

    def _verify_jwt(self, token: str) -> SimApp:
        """RS256 against the issuing App's public key; `iss` may be a string or a number."""
        claims = _claims(token, None)
        try:
            app = self.apps.get(int(claims.get("iss")))
        except (TypeError, ValueError):
            app = None
        if app is None:
            raise _jwt_error("Integration not found")
        _check_lifetime(_claims(token, app.public_key_pem))
        return app


def _claims(token: str, public_key: str | None) -> dict:
    """The JWT's claims; with a key, only if the RS256 signature verifies."""
    try:
        if public_key is None:
            raw = jwt.api_jws.PyJWS().decode(token, options={"verify_signature": False})
        else:
            raw = jwt.api_jws.PyJWS().decode(token, public_key, algorithms=["RS256"])
        claims = json.loads(raw)
    except (jwt.PyJWTError, ValueError):
        raise _jwt_error("A JSON web token could not be decoded") from None
    if not isinstance(claims, dict):
        raise _jwt_error("A JSON web token could not be decoded")
    return claims


def _check_lifetime(claims: dict) -> None:
    """GitHub's limits: issued now (±skew), expiring in the future, at most 10 minutes long."""
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(iat, int | float) or iat > now + CLOCK_SKEW:
        raise _jwt_error(
            "'Issued at' claim ('iat') must be an Integer representing the time"
            " that the assertion was issued"
        )
    if not isinstance(exp, int | float) or exp <= now:
        raise _jwt_error(
            "'Expiration time' claim ('exp') must be a numeric value representing"
            " the future time at which the assertion expires"
        )
    if exp - iat > MAX_JWT_LIFETIME + CLOCK_SKEW or exp - now > MAX_JWT_LIFETIME + CLOCK_SKEW:
        raise _jwt_error("'Expiration time' claim ('exp') is too far in the future")


def _jwt_error(message: str) -> ApiError:
    return ApiError(401, message, documentation_url=JWT_DOCS)
