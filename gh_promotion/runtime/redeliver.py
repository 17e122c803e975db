"""Redelivery of the App's failed webhook deliveries (issue 13).

Placeholder agreed between the engineers building issue 13.
"""

from __future__ import annotations

from collections.abc import Sequence

from gh_promotion.config.model import Config
from gh_promotion.core.result import Result


def redeliver_failed(config: Config, repositories: Sequence[str], *, dry_run: bool) -> list[Result]:
    """Ask GitHub to redeliver each failed delivery once; one Result per delivery GUID."""
    raise NotImplementedError("redelivery is being built (issue 13)")
