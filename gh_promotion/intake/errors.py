"""The refusals intake raises: a delivery refused before it reaches the core.

Each carries its HTTP status as a class attribute (:mod:`gh_promotion.errors`);
the message is a one-line reason for the sender, never a traceback or a secret.
"""

from __future__ import annotations

from gh_promotion.errors import PromotionError


class IntakeError(PromotionError):
    """A malformed request or event: a missing header, a body that is no payload."""

    status = 400


class Unauthorized(IntakeError):
    """No signature, or one that does not match the body and the webhook secret."""

    status = 401


class PayloadTooLarge(IntakeError):
    """A body over ``service.max_body_bytes``."""

    status = 413


class UnsupportedMediaType(IntakeError):
    """A Content-Type GitHub never sends."""

    status = 415
