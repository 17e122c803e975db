"""gh-promotion: promote code along a path of branches by fast-forwarding them.

Layout, in the order a delivery travels (docs/architecture.md):

- ``intake``   — HTTP webhook deliveries become :class:`~gh_promotion.core.delivery.Delivery`
- ``core``     — decides what a delivery means for the promotion path, and asks
  GitHub through its port (:mod:`gh_promotion.core.ports`); no I/O of its own
- ``gateway``  — the only code that talks to GitHub: implements the core's port
- ``runtime``  — the service and the AWS Lambda shells around the core, and the
  wiring that hands the core its gateway
- ``config``   — flags, environment and YAML resolved into one immutable object
- ``simulator``— a strict local GitHub for tests, benchmarks and the demo; it imports
  nothing of the product, and only ``runtime.demo`` imports it.
"""

__version__ = "0.1.0"
