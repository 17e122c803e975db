"""A strict local GitHub for tests, benchmarks and the demo (never imported by product code).

See docs/simulator.md.
"""

from gh_promotion.simulator.errors import ApiError
from gh_promotion.simulator.model import SimApp
from gh_promotion.simulator.server import SimRepository, Simulator
from gh_promotion.simulator.traffic import LoggedRequest
from gh_promotion.simulator.webhooks import SentDelivery, signature

__all__ = [
    "ApiError",
    "LoggedRequest",
    "SentDelivery",
    "SimApp",
    "SimRepository",
    "Simulator",
    "signature",
]
