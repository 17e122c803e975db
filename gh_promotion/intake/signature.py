"""Webhook signatures: HMAC-SHA256 of the raw body, keyed with the webhook secret.

GitHub sends it as ``X-Hub-Signature-256: sha256=<hex>``
(https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
The legacy SHA-1 ``X-Hub-Signature`` is not accepted: SHA-1 HMAC is what
GitHub itself keeps only for compatibility.
"""

from __future__ import annotations

import hashlib
import hmac

from gh_promotion.intake.errors import Unauthorized

SIGNATURE_HEADER = "x-hub-signature-256"
LEGACY_SIGNATURE_HEADER = "x-hub-signature"


def sign(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature-256`` value GitHub would send for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(headers: dict[str, str], body: bytes, secret: str) -> None:
    """Raise a 401 :class:`IntakeError` unless ``body`` carries a valid signature.

    ``headers`` has lower-case names. The comparison is constant-time
    (:func:`hmac.compare_digest`) so the answer time tells an attacker nothing
    about how much of a forged signature was right.
    """
    provided = headers.get(SIGNATURE_HEADER, "")
    if not provided:
        if headers.get(LEGACY_SIGNATURE_HEADER):
            raise Unauthorized(
                "missing X-Hub-Signature-256 header (SHA-1 X-Hub-Signature is not accepted)"
            )
        raise Unauthorized("missing X-Hub-Signature-256 header")
    expected = sign(body, secret)
    if not hmac.compare_digest(expected.encode("ascii"), provided.strip().encode("utf-8")):
        raise Unauthorized("X-Hub-Signature-256 does not match the body and webhook secret")
