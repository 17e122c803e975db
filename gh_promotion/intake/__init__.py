"""Intake: every way in becomes a :class:`Delivery`, or a refusal with its 4xx.

- :mod:`.request`     — an HTTP webhook request (headers and raw body)
- :mod:`.lambda_http` — a Lambda HTTP event's envelope, checked before mangum reads it
- :mod:`.eventbridge` — an EventBridge event (the payload in ``detail``)
- :mod:`.body_size`   — the one body-size check, and its words

Pure functions, no web framework and no I/O: the shells in ``runtime/`` hand
in what they received and get back a delivery or an :class:`IntakeError`
carrying the 4xx status to answer with.
"""

from gh_promotion.intake.errors import IntakeError
from gh_promotion.intake.request import read_delivery
from gh_promotion.intake.signature import sign, verify_signature

__all__ = ["IntakeError", "read_delivery", "sign", "verify_signature"]
