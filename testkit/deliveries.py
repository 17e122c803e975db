"""Webhook deliveries exactly as GitHub sends them: headers, body, signature."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from gh_promotion.intake import sign

SECRET = "It's a Secret to Everybody"


def signed(
    event: str,
    payload: Mapping[str, Any] | bytes,
    *,
    secret: str = SECRET,
    delivery_id: str | None = None,
    content_type: str = "application/json",
) -> tuple[dict[str, str], bytes]:
    """Headers and body exactly as GitHub sends a delivery."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "Content-Type": content_type,
        "User-Agent": "GitHub-Hookshot/044aadd",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "109948940",
        "X-Hub-Signature-256": sign(body, secret),
    }
    return headers, body
