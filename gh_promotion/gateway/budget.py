"""How long one delivery (or command) may spend on GitHub, all requests and waits included.

GitHub drops a webhook delivery after 10 seconds, and a worker held longer is a
worker other deliveries, pings and ``/healthz`` wait for. So every wait on
GitHub — a request's timeout, a backoff before a retry, a ``Retry-After``, a
rate-limit reset — is taken out of one deadline, and a wait that does not fit
is not started: the request fails at once instead. Commands run outside
webhooks pass a longer budget of their own.
"""

from __future__ import annotations

import time

from gh_promotion.core.errors import GitHubUnavailable

# No request is started with less time left than this: it could not finish.
MIN_ATTEMPT_SECONDS = 0.25


class Budget:
    """A deadline on the monotonic clock, started when the budget is made."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._deadline = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._deadline - time.monotonic())

    def allows(self, wait: float) -> bool:
        """True when ``wait`` seconds still leave time for one more request."""
        return wait + MIN_ATTEMPT_SECONDS <= self.remaining()

    def timeout(self, longest: float, what: str) -> float:
        """The timeout for the next request: ``longest``, or what is left of the budget."""
        left = self.remaining()
        if left < MIN_ATTEMPT_SECONDS:
            raise GitHubUnavailable(f"{what}: the {self.seconds:g} s time budget is spent")
        return min(longest, left)
