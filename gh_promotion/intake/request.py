"""One HTTP webhook request → one :class:`Delivery`, or a refusal.

The checks run cheapest-first and the signature comes before anything looks
inside the body: an unsigned request learns nothing but 401.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gh_promotion.config.model import GITHUB_MAX_PAYLOAD_BYTES
from gh_promotion.core.delivery import Delivery
from gh_promotion.core.errors import UnsupportedEvent
from gh_promotion.core.events import check_event_name
from gh_promotion.intake.body_size import check_body_size
from gh_promotion.intake.errors import IntakeError
from gh_promotion.intake.payload import decode_payload
from gh_promotion.intake.signature import verify_signature

EVENT_HEADER = "x-github-event"
DELIVERY_HEADER = "x-github-delivery"


def read_delivery(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes,
    *,
    secret: str,
    skip_signature: bool = False,
    max_body_bytes: int = GITHUB_MAX_PAYLOAD_BYTES,
) -> Delivery:
    """Check a webhook request the way GitHub's delivery contract allows, and decode it.

    Raises :class:`IntakeError` with 400 (missing header, an event name GitHub
    never sends, malformed payload), 401 (signature), 413 (body too large) or 415
    (content type). ``skip_signature`` exists only for ``--insecure-skip-signature``.
    """
    lowered = lower_case_headers(headers)
    event = _required(lowered, EVENT_HEADER, "X-GitHub-Event")
    delivery_id = _required(lowered, DELIVERY_HEADER, "X-GitHub-Delivery")
    check_body_size(len(body), max_body_bytes)
    if not skip_signature:
        verify_signature(lowered, body, secret)
    try:
        check_event_name(event)
    except UnsupportedEvent as exc:
        raise IntakeError(exc.message) from None
    payload = decode_payload(lowered.get("content-type", ""), body)
    return Delivery(event=event, delivery_id=delivery_id, payload=payload)


def lower_case_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header names are case-insensitive (RFC 9110 §5.1); compare them lower-cased."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name.lower(): value for name, value in items}


def _required(headers: dict[str, str], name: str, shown: str) -> str:
    value = headers.get(name, "").strip()
    if not value:
        raise IntakeError(f"missing {shown} header")
    return value
