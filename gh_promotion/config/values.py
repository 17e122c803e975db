"""Turn a raw value (a flag, an environment string, a YAML scalar) into a typed one.

Every layer goes through the same parsers so ``PORT=8080``, ``--port 8080`` and
``port: "8080"`` mean the same thing, and every error names the key, what was
expected and where the value came from.

Standard library only: the Lambda handler imports this on a cold start.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gh_promotion.config.errors import ConfigError
from gh_promotion.config.model import Secret
from gh_promotion.config.options import Option

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})

# Go's time.ParseDuration units, in seconds.
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def describe(raw: Any) -> str:
    """A bad value as the user wrote it, quoted when it is text."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (list, tuple)):
        return "a list"
    if isinstance(raw, dict):
        return "a mapping"
    if raw is None:
        return "nothing (null)"
    return repr(raw) if isinstance(raw, str) else str(raw)


def _fail(option: Option, expected: str, raw: Any, origin: str) -> ConfigError:
    return ConfigError(
        f"{option.yaml_key}: expected {expected}, got {describe(raw)} (from {origin})"
    )


def parse_bool(raw: Any) -> bool | None:
    """true/false/1/0/yes/no/on/off in any case; ``None`` when it is none of them."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def parse_duration(raw: Any) -> float | None:
    """Seconds from a Go duration ("5s", "1m30s", "250ms", "1h") or a plain number.

    Returns ``None`` when the text is not a duration. Negative durations are
    rejected: a timeout cannot be negative.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw) if raw >= 0 else None
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text)
    if text.startswith("+"):
        text = text[1:]
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        return None
    return sum(float(number) * _DURATION_UNITS[unit] for number, unit in parts)


def format_duration(seconds: float) -> str:
    """The shortest Go-style spelling of a duration: 90.0 -> "1m30s", 0.25 -> "250ms"."""
    if seconds == 0:
        return "0s"
    if seconds < 1:
        return f"{round(seconds * 1000, 6):g}ms"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{int(hours)}h" if hours else ""
    text += f"{int(minutes)}m" if minutes else ""
    text += f"{round(secs, 6):g}s" if secs or not text else ""
    return text


def split_list(text: str) -> tuple[str, ...]:
    """Comma separated text as a list: spaces trimmed, empty items dropped."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _parse_str(option: Option, raw: Any, origin: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        quoted = "; quote it in YAML" if isinstance(raw, bool) else ""
        raise _fail(option, f"a string{quoted}", raw, origin)
    text = str(raw)
    if option.aliases:
        text = dict(option.aliases).get(text, text)
    if option.choices and text not in option.choices:
        raise _fail(option, "one of " + _choices_text(option), raw, origin)
    return text


def _choices_text(option: Option) -> str:
    text = ", ".join(option.choices)
    for alias, canonical in option.aliases:
        text += f" ({alias!r} means {canonical})"
    return text


def _parse_secret(option: Option, raw: Any, origin: str) -> Secret:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ConfigError(f"{option.yaml_key}: expected a string (from {origin})")
    return Secret(str(raw))


def _parse_bool(option: Option, raw: Any, origin: str) -> bool:
    value = parse_bool(raw)
    if value is None:
        raise _fail(option, "a boolean (true/false/1/0/yes/no)", raw, origin)
    return value


def _parse_int(option: Option, raw: Any, origin: str) -> int:
    if isinstance(raw, bool):
        raise _fail(option, "an integer", raw, origin)
    if isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw.strip()):
        value = int(raw.strip())
    elif isinstance(raw, int):
        value = raw
    else:
        raise _fail(option, "an integer", raw, origin)
    _check_range(option, value, raw, origin)
    return value


def _check_range(option: Option, value: int, raw: Any, origin: str) -> None:
    low, high = option.minimum, option.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _fail(option, f"an integer {bounds}", raw, origin)


def _parse_duration(option: Option, raw: Any, origin: str) -> float:
    value = parse_duration(raw)
    if value is None:
        raise _fail(
            option, "a duration such as 5s, 1m30s, 250ms or a number of seconds", raw, origin
        )
    return value


def _parse_list(option: Option, raw: Any, origin: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        items = split_list(raw)
    elif isinstance(raw, (list, tuple)) and all(isinstance(i, str) for i in raw):
        items = tuple(item.strip() for item in raw if item.strip())
    else:
        raise _fail(option, "a list of strings", raw, origin)
    unknown = [item for item in items if option.choices and item not in option.choices]
    if unknown:
        valid = ", ".join(option.choices)
        raise ConfigError(
            f"{option.yaml_key}: unknown value {unknown[0]!r} (from {origin}); valid: {valid}"
        )
    return items


def _parse_durations(option: Option, raw: Any, origin: str) -> tuple[tuple[str, float], ...]:
    from gh_promotion.config.structured import parse_durations

    return parse_durations(option, raw, origin)


def _parse_windows(option: Option, raw: Any, origin: str) -> tuple[Any, ...]:
    from gh_promotion.config.structured import parse_windows

    return parse_windows(option, raw, origin)


_PARSERS: dict[str, Callable[[Option, Any, str], Any]] = {
    "str": _parse_str,
    "secret": _parse_secret,
    "bool": _parse_bool,
    "int": _parse_int,
    "count": _parse_int,
    "duration": _parse_duration,
    "list": _parse_list,
    "durations": _parse_durations,
    "windows": _parse_windows,
}


def parse_value(option: Option, raw: Any, origin: str) -> Any:
    """The typed value of ``raw`` for ``option``, or a :class:`ConfigError` naming ``origin``."""
    return _PARSERS[option.kind](option, raw, origin)
