"""The documented Lambda handler path, kept stable; the shell is :mod:`.runtime.aws_lambda`."""

from gh_promotion.runtime.aws_lambda import event_handler, handler, http_handler

__all__ = ["event_handler", "handler", "http_handler"]
