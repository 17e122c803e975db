"""The body of a delivery: JSON, or a form with a ``payload=`` field.

GitHub webhooks have two content types
(https://docs.github.com/en/webhooks/using-webhooks/creating-webhooks#content-type):
``application/json`` sends the JSON as the body, ``application/x-www-form-urlencoded``
sends it URL-encoded in a ``payload`` field.
"""

from __future__ import annotations

import json
import sys
from typing import Any
from urllib.parse import parse_qs

from gh_promotion.intake.errors import IntakeError, UnsupportedMediaType

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


def media_type(content_type: str) -> str:
    """``application/json; charset=utf-8`` → ``application/json``."""
    return content_type.split(";", 1)[0].strip().lower()


def decode_payload(content_type: str, body: bytes) -> dict[str, Any]:
    """The payload object, or a 415/400 :class:`IntakeError` saying what is wrong."""
    kind = media_type(content_type)
    if kind == JSON_TYPE:
        return _json_object(body)
    if kind == FORM_TYPE:
        return _json_object(_form_payload(body))
    shown = kind or "none"
    raise UnsupportedMediaType(
        f"unsupported Content-Type {shown!r}: use {JSON_TYPE} or {FORM_TYPE}"
    )


def _form_payload(body: bytes) -> bytes:
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise IntakeError(f"form body is not valid: {exc}") from None
    values = fields.get("payload")
    if not values:
        raise IntakeError("form body has no payload field")
    return values[0].encode("utf-8")


def _json_object(raw: bytes) -> dict[str, Any]:
    """Decode UTF-8 explicitly: ``json.loads`` on bytes would also guess UTF-16 and
    UTF-32, which RFC 8259 §8.1 excludes and GitHub never sends."""
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise IntakeError("payload is not valid JSON: it is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise IntakeError(f"payload is not valid JSON: {exc}") from None
    except RecursionError:
        raise IntakeError("payload is not valid JSON: nested too deeply") from None
    except ValueError:
        # Python refuses to convert integers of more digits than this (4300 by
        # default: the conversion takes quadratic time, CVE-2020-10735).
        limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
        raise IntakeError(f"payload has an integer of over {limit} digits") from None
    if not isinstance(payload, dict):
        raise IntakeError(f"payload must be a JSON object, got {type(payload).__name__}")
    return payload
