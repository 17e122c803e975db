"""A webhook delivery, as every runtime hands it to the core."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class Delivery(NamedTuple):
    """One GitHub webhook delivery: the ``X-GitHub-Event`` name, the
    ``X-GitHub-Delivery`` id and the decoded JSON payload.

    The service and Lambda HTTP build it from headers and body after the
    signature is checked; Lambda EventBridge builds it from ``detail-type``,
    ``id`` and ``detail``.
    """

    event: str
    delivery_id: str
    payload: Mapping[str, Any]

    @property
    def repository(self) -> str:
        """``owner/name`` of the payload's repository, or ``""`` when absent."""
        repo = self.payload.get("repository")
        if isinstance(repo, Mapping) and isinstance(repo.get("full_name"), str):
            return repo["full_name"]
        return ""
