"""Intake: every way in becomes a :class:`Delivery`, or a refusal with its 4xx.

- :mod:`.request`     — an HTTP webhook request (headers and raw body)
- :mod:`.lambda_http` — a Lambda HTTP event's envelope, checked before mangum reads it
- :mod:`.eventbridge` — an EventBridge event (the payload in ``detail``)
- :mod:`.body_size`   — the one body-size check, and its words

Pure functions, no web framework and no I/O: the shells in ``runtime/`` hand
in what they received and get back a delivery or an :class:`IntakeError`
carrying the 4xx status to answer with.

The names below are loaded on first use: an EventBridge event needs no
signature, and importing ``hmac`` (OpenSSL) would cost its cold start ~3 ms.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from gh_promotion.intake.errors import IntakeError

_LAZY = {
    "read_delivery": "gh_promotion.intake.request",
    "sign": "gh_promotion.intake.signature",
    "verify_signature": "gh_promotion.intake.signature",
}

__all__ = ["IntakeError", "read_delivery", "sign", "verify_signature"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_LAZY[name]), name)
