"""The one error a bad configuration raises.

It lives apart from the loader so the CLI, the Lambda handler and the option
parsers can all raise or catch it without importing each other.
"""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration the program cannot run with, told in one human line.

    The message names the key, what was expected and where the bad value came
    from (a flag, an environment variable, ``.env`` or ``file:line``), because the
    person reading it has to find and fix that one place.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)
