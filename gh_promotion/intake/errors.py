"""The one error intake raises: a refusal with the HTTP status to answer."""

from __future__ import annotations


class IntakeError(Exception):
    """A delivery refused before it reaches the core.

    ``status`` is the 4xx to answer with and ``message`` a one-line reason for
    the sender; neither ever carries a traceback or a secret.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
