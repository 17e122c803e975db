"""Typed reads of payload fields that turn a malformed delivery into a 422, not a 500.

``fields.string(payload, "pull_request", "head", "sha")`` returns the string or
raises :class:`BadDelivery` naming the field (``pull_request.head.sha``) and what
was wrong with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gh_promotion.core.errors import BadDelivery

_MISSING = object()


def _walk(data: Mapping[str, Any], keys: tuple[str, ...], where: str) -> Any:
    value: Any = data
    for depth, key in enumerate(keys):
        if not isinstance(value, Mapping):
            raise BadDelivery(f"{_name(where, keys[:depth])} must be an object")
        value = value.get(key, _MISSING)
        if value is _MISSING:
            raise BadDelivery(f"payload has no {_name(where, keys[: depth + 1])}")
    return value


def _name(where: str, keys: tuple[str, ...]) -> str:
    return ".".join((where, *keys) if where else keys) or "payload"


def _typed(data: Mapping[str, Any], keys: tuple[str, ...], where: str, kind: type, label: str):
    value = _walk(data, keys, where)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise BadDelivery(f"{_name(where, keys)} must be {label}, not {type(value).__name__}")
    return value


def string(data: Mapping[str, Any], *keys: str, where: str = "") -> str:
    value = _typed(data, keys, where, str, "a string")
    if not value:
        raise BadDelivery(f"{_name(where, keys)} must not be empty")
    return value


def optional_string(data: Mapping[str, Any], *keys: str, where: str = "") -> str | None:
    """A string that GitHub sends as null in some states (e.g. a run's conclusion)."""
    try:
        value = _walk(data, keys, where)
    except BadDelivery:
        return None
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadDelivery(f"{_name(where, keys)} must be a string, not {type(value).__name__}")
    return value


def optional_bool(data: Mapping[str, Any], *keys: str, where: str = "") -> bool:
    """A flag GitHub sends as a JSON boolean (``draft``, ``deleted``); absent is False.

    A string such as ``"true"`` is refused rather than read as False: a flag
    that protects a branch (a draft waits) must not be lost to a type slip.
    """
    try:
        value = _walk(data, keys, where)
    except BadDelivery:
        return False
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadDelivery(f"{_name(where, keys)} must be true or false, not {value!r}")
    return value


def integer(data: Mapping[str, Any], *keys: str, where: str = "") -> int:
    return _typed(data, keys, where, int, "an integer")


def mapping(data: Mapping[str, Any], *keys: str, where: str = "") -> Mapping[str, Any]:
    return _typed(data, keys, where, Mapping, "an object")


def sequence(data: Mapping[str, Any], *keys: str, where: str = "") -> Sequence[Any]:
    """A list field; absent or null counts as empty (GitHub omits empty lists in places)."""
    try:
        value = _walk(data, keys, where)
    except BadDelivery:
        return ()
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadDelivery(f"{_name(where, keys)} must be a list, not {type(value).__name__}")
    return value
