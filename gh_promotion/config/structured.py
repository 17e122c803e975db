"""Parse the structured settings of the gates: a stage → duration mapping and freeze windows.

The option table's other kinds are scalars or lists; ``promotion.soak`` and
``promotion.freeze`` are a mapping and a list of mappings. In YAML they are
written as such; in an environment variable or a flag as JSON (the soak map
also as ``canary=30m,production=2h``). Everything is checked here, at start,
like any other setting: a bad duration, cron expression, time zone or date
stops the program with exit status 2 and one line naming the key and where the
value came from.

croniter is imported only when a window has a ``schedule`` and zoneinfo only
when a window is configured, so a Lambda cold start without freeze windows
pays for neither (tests/runtime/test_cold_start.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from gh_promotion.config.errors import ConfigError
from gh_promotion.config.model import FreezeWindow
from gh_promotion.config.options import Option

_DAYS = re.compile(r"^(\d+(?:\.\d*)?)d")
_WINDOW_KEYS = ("schedule", "duration", "timezone", "stages", "reason", "from", "to")


def parse_gate_duration(raw: Any) -> float | None:
    """Seconds from ``30s``, ``30m``, ``2h``, ``1d``, ``1d12h`` or a number; None if not one."""
    from gh_promotion.config.values import parse_duration

    if isinstance(raw, str):
        text = raw.strip()
        days = _DAYS.match(text)
        if days:
            rest = text[days.end() :]
            seconds = parse_duration(rest) if rest else 0.0
            return None if seconds is None else float(days.group(1)) * 86400 + seconds
    return parse_duration(raw)


def parse_durations(option: Option, raw: Any, origin: str) -> tuple[tuple[str, float], ...]:
    """``{canary: 30m}`` (YAML), ``{"canary": "30m"}`` (JSON) or ``canary=30m,prod=2h``."""
    mapping = _decoded(option, raw, origin, dict)
    if isinstance(mapping, str):
        mapping = _pairs(option, mapping, origin)
    pairs = []
    for stage, value in mapping.items():
        seconds = parse_gate_duration(value)
        if not isinstance(stage, str) or not stage or seconds is None:
            raise ConfigError(
                f"{option.yaml_key}.{stage}: expected a duration such as 30s, 30m, 2h or 1d, "
                f"got {value!r} (from {origin})"
            )
        pairs.append((stage, seconds))
    return tuple(pairs)


def _pairs(option: Option, text: str, origin: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        stage, equals, value = item.partition("=")
        if not equals:
            raise ConfigError(
                f"{option.yaml_key}: expected stage=duration pairs or a JSON object, "
                f"got {item!r} (from {origin})"
            )
        pairs[stage.strip()] = value.strip()
    return pairs


def parse_windows(option: Option, raw: Any, origin: str) -> tuple[FreezeWindow, ...]:
    """A list of freeze windows, each cron (``schedule`` + ``duration``) or absolute."""
    items = _decoded(option, raw, origin, list)
    if not isinstance(items, list):
        raise ConfigError(f"{option.yaml_key}: expected a list of windows (from {origin})")
    return tuple(_window(option, i, item, origin) for i, item in enumerate(items))


def _decoded(option: Option, raw: Any, origin: str, shape: type) -> Any:
    """``raw`` itself when YAML gave it structured; decoded when it is JSON text."""
    if isinstance(raw, (dict, list)):
        return raw
    if not isinstance(raw, str):
        raise ConfigError(f"{option.yaml_key}: expected a {_shape(shape)} (from {origin})")
    text = raw.strip()
    if not text.startswith(("{", "[")):
        return text
    try:
        return json.loads(text)
    except ValueError as error:
        raise ConfigError(f"{option.yaml_key}: not valid JSON: {error} (from {origin})") from None


def _shape(shape: type) -> str:
    return "mapping" if shape is dict else "list"


def _window(option: Option, index: int, item: Any, origin: str) -> FreezeWindow:
    key = f"{option.yaml_key}[{index}]"
    if not isinstance(item, Mapping):
        raise ConfigError(f"{key}: expected a mapping (from {origin})")
    unknown = [k for k in item if k not in _WINDOW_KEYS]
    if unknown:
        valid = ", ".join(_WINDOW_KEYS)
        raise ConfigError(f"{key}: unknown key {unknown[0]!r} (from {origin}); valid: {valid}")
    zone = _zone(key, item.get("timezone", "UTC"), origin)
    window = FreezeWindow(
        reason=_text(key, "reason", item.get("reason", "change freeze"), origin),
        stages=_stages(key, item.get("stages"), origin),
        timezone=zone,
    )
    if "schedule" in item:
        return _cron_window(key, item, window, origin)
    if "from" in item or "to" in item:
        return _absolute_window(key, item, window, origin)
    raise ConfigError(f"{key}: a window needs a schedule and a duration, or from and to ({origin})")


def _cron_window(key: str, item: Mapping, window: FreezeWindow, origin: str) -> FreezeWindow:
    from croniter import croniter

    schedule = _text(key, "schedule", item["schedule"], origin)
    if not croniter.is_valid(schedule):
        raise ConfigError(f"{key}.schedule: not a cron expression: {schedule!r} (from {origin})")
    duration = parse_gate_duration(item.get("duration"))
    if not duration:
        raise ConfigError(
            f"{key}.duration: expected a duration such as 30m, 2h or 1d, "
            f"got {item.get('duration')!r} (from {origin})"
        )
    return window._replace(schedule=schedule, duration=duration)


def _absolute_window(key: str, item: Mapping, window: FreezeWindow, origin: str) -> FreezeWindow:
    start = _moment(key, "from", item.get("from"), window.timezone, origin)
    end = _moment(key, "to", item.get("to"), window.timezone, origin)
    if end <= start:
        raise ConfigError(f"{key}: 'to' must be later than 'from' (from {origin})")
    return window._replace(start=start, end=end)


def _moment(key: str, name: str, raw: Any, zone: str, origin: str) -> float:
    """Seconds since the epoch of an ISO 8601 time; one without an offset is in ``zone``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if isinstance(raw, datetime):  # YAML reads unquoted timestamps itself
        moment = raw
    elif isinstance(raw, str):
        text = raw.strip()
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            moment = None
    else:
        moment = None
    if moment is None:
        raise ConfigError(
            f"{key}.{name}: expected an ISO 8601 time such as 2026-12-24T18:00:00Z, "
            f"got {raw!r} (from {origin})"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.timestamp()


def _zone(key: str, raw: Any, origin: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = _text(key, "timezone", raw, origin)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{key}.timezone: unknown time zone {name!r}, expected an IANA name such as "
            f"Europe/London (from {origin})"
        ) from None
    return name


def _text(key: str, name: str, raw: Any, origin: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(f"{key}.{name}: expected a non-empty string (from {origin})")
    return raw.strip()


def _stages(key: str, raw: Any, origin: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise ConfigError(f"{key}.stages: expected a list of stage names (from {origin})")
    return tuple(s.strip() for s in raw if s.strip())


def window_as_yaml(window: FreezeWindow) -> dict[str, Any]:
    """A window as it is written in YAML (for ``config show``)."""
    from datetime import datetime, timezone

    from gh_promotion.config.values import format_duration

    shown: dict[str, Any] = {}
    if window.schedule:
        shown["schedule"] = window.schedule
        shown["duration"] = format_duration(window.duration)
    else:
        for name, moment in (("from", window.start), ("to", window.end)):
            stamp = datetime.fromtimestamp(moment or 0, timezone.utc)
            shown[name] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    shown["timezone"] = window.timezone
    if window.stages:
        shown["stages"] = list(window.stages)
    shown["reason"] = window.reason
    return shown
