"""Intake: an HTTP webhook delivery (headers and raw body) becomes a :class:`Delivery`.

Pure functions, no web framework and no I/O: the service and Lambda HTTP hand
in what they received and get back a delivery or an :class:`IntakeError`
carrying the 4xx status to answer with.
"""

from gh_promotion.intake.errors import IntakeError
from gh_promotion.intake.request import read_delivery
from gh_promotion.intake.signature import sign, verify_signature

__all__ = ["IntakeError", "read_delivery", "sign", "verify_signature"]
