"""A strict local GitHub for tests, benchmarks and the demo; it stands alone.

It imports nothing of the rest of ``gh_promotion`` (tests/test_layering_simulator.py),
and the only product module importing it is ``gh_promotion.runtime.demo``, loaded by
``gh-promotion demo`` alone; the Lambda zip and the container image leave it out.
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
