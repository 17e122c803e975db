"""The body-size limit (``service.max_body_bytes``): one check, one wording.

Three layers see an oversized body: waitress (before the app, from the
declared length or while reading a chunked body), Flask (a body over
``MAX_CONTENT_LENGTH`` while reading) and intake (the body read). All answer
413 with the words below, so a sender cannot tell which layer refused.
"""

from __future__ import annotations

from gh_promotion.intake.errors import PayloadTooLarge


def check_body_size(size: int | None, limit: int) -> None:
    """Raise a 413 :class:`IntakeError` when ``size`` bytes exceed ``limit``.

    ``None`` is a size not known yet (no ``Content-Length``): checked once read.
    """
    if size is not None and size > limit:
        raise PayloadTooLarge(too_large(size, limit))


def too_large(size: int | None, limit: int) -> str:
    """Why a body over ``limit`` is refused; ``size`` when known (a chunked body declares none)."""
    if size is not None and size > limit:
        return f"body is {size} bytes, over the {limit}-byte limit"
    return f"body is over the {limit}-byte limit"
