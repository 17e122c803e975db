"""The one base of every error answered to a sender, each class with its status.

Like Click's ``ClickException.exit_code``: the HTTP status a runtime answers
with is a class attribute, so ``runtime.dispatch`` maps every expected failure
with one ``except PromotionError`` and the map lives with the types. A
subclass per status; no status is passed around.

``message`` is one line safe to send to anyone (an answer, a result);
``detail`` may say more, such as a file's path, and goes only to logs and
stderr. :meth:`answer` is what a sender is told.

Not in this family, on purpose: the ``GitHubRefusal`` answers the gateway
hands the core to branch on (never answered to a sender), ``ConfigError``
(exit 2 before anything serves) and ``DeliveryNotHandled`` (raised to Lambda).
"""

from __future__ import annotations

from typing import ClassVar


class PromotionError(Exception):
    """An expected failure: the status to answer with, a safe message, a detail for logs."""

    status: ClassVar[int] = 500

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or message

    def answer(self) -> str:
        """The ``error`` text a sender is answered with."""
        return self.message
