"""The sweep: recompute, from GitHub, what missed webhooks would have done (issue 13).

Placeholder agreed between the engineers building issue 13: the sweep itself
is built here, its scheduling and redelivery in :mod:`gh_promotion.runtime.reconcile`.
"""

from __future__ import annotations

from collections.abc import Sequence

from gh_promotion.config.model import Config
from gh_promotion.core.result import Result


def sweep_repositories(
    config: Config, repositories: Sequence[str], *, dry_run: bool
) -> list[Result]:
    """One Result per ``source → target`` pair of each repository (``OWNER/REPO``).

    ``repositories`` empty: every repository the configuration names
    (``reconcile.repositories``), else every repository of every installation
    of the App.
    """
    raise NotImplementedError("the sweep is being built (issue 13)")
