"""The gateway: the only code that talks to GitHub, within each delivery's time budget.

It implements the core's port (:class:`gh_promotion.core.ports.Repository`) over
GitHub's REST API with ``requests`` (:mod:`.github`, :mod:`.requester`,
:mod:`.http`), and keeps the per-installation connections, tokens and
rate-limit holds of the process (:mod:`.client`, :mod:`.tokens`,
:mod:`.ratelimit`). From the core it imports only the port's types and the
errors it raises (:mod:`gh_promotion.core.ports`, :mod:`gh_promotion.core.errors`);
``tests/test_architecture.py`` keeps it so. A runtime, not the core, chooses
and builds it (:mod:`gh_promotion.runtime.wiring`).
"""
