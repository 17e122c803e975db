"""The gates a fast-forward must pass besides a signal: freeze, stop-the-line, hold, soak (pure).

Given the time, the step ``source → target``, the configuration and what was
read from GitHub — the repository's stop-the-line property, the promotion
request's labels, when its head arrived in the source stage, the open hold
issues — :func:`judge` says whether the target may move now, and if not why
and until when. No I/O: :mod:`gh_promotion.core.promote` reads only the facts
a gate needs (see its docstring for the budget), and ``explain`` can show the
same :class:`Gates` for every step.

Order, first match wins: an open freeze window or a stopped line → ``frozen``
(unless the request carries the override label, which lets it through these
two only); an open hold issue naming the target → ``held``; a head that has
not held the source stage long enough → ``pending`` (soaking). Rollbacks never
come here: they are never frozen. docs/gates.md is the user's version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

from gh_promotion.config.model import Config, FreezeWindow
from gh_promotion.core.result import Status

HOLD_LABEL = "promotion-hold"
_HOLD_MARKER = re.compile(r"<!-- gh-promotion-hold (\{.*?\}) -->")
_TRUE_WORDS = frozenset(("true", "all", "*", "yes", "on"))


class Freeze(NamedTuple):
    """A freeze in force on a stage: why, and when it lifts (None: when someone lifts it)."""

    reason: str
    until: datetime | None
    stop_the_line: bool = False


class HoldIssue(NamedTuple):
    """An open ``promotion-hold`` issue and the stages it holds."""

    number: int
    title: str
    url: str
    stages: tuple[str, ...]


class Soak(NamedTuple):
    """How long the head has to stay in ``stage`` still; ``remaining`` ≤ 0 once done."""

    stage: str
    until: datetime
    remaining: timedelta


class Gates(NamedTuple):
    """Every gate on one step, as read: what ``explain`` shows and :func:`judge` weighs."""

    now: datetime | None = None
    freeze: Freeze | None = None
    override: bool = False  # the request carries the override label
    hold: HoldIssue | None = None
    soak: Soak | None = None

    @property
    def verdict(self) -> Verdict:
        return judge(self)


class Verdict(NamedTuple):
    """``status`` None: the gates let the fast-forward through."""

    status: Status | None
    reason: str = ""
    overridden: str = ""  # the freeze the override label let it through, if any


PASS = Verdict(None)


def judge(gates: Gates) -> Verdict:
    """The gates weighed in their order: freeze, hold, soak."""
    overridden = ""
    if gates.freeze is not None:
        if not gates.override:
            return Verdict(Status.FROZEN, frozen_reason(gates.freeze, gates.now))
        overridden = gates.freeze.reason
    if gates.hold is not None:
        return Verdict(Status.HELD, held_reason(gates.hold), overridden)
    if gates.soak is not None and gates.soak.remaining > timedelta(0):
        return Verdict(Status.PENDING, soaking_reason(gates.soak, gates.now), overridden)
    return Verdict(None, "", overridden)


def describe(gates: Gates) -> dict[str, Any]:
    """Every gate on a step as JSON (``explain``): what holds it, until when, what is left."""
    now = gates.now
    verdict = gates.verdict
    freeze = gates.freeze
    soak = gates.soak
    return {
        "verdict": verdict.status.value if verdict.status else "pass",
        "reason": verdict.reason,
        "freeze": None
        if freeze is None
        else {
            "reason": freeze.reason,
            "until": _iso(freeze.until),
            "stop_the_line": freeze.stop_the_line,
            "overridden": gates.override,
        },
        "hold": None
        if gates.hold is None
        else {"issue": gates.hold.number, "title": gates.hold.title, "url": gates.hold.url},
        "soak": None
        if soak is None
        else {
            "stage": soak.stage,
            "until": _iso(soak.until),
            "remaining_seconds": max(0, int(soak.remaining.total_seconds())),
            "text": soaking_reason(soak, now) if soak.remaining > timedelta(0) else "soaked",
        },
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(timezone.utc).isoformat()


# -- freeze: windows and the stopped line ---------------------------------------------


def freeze_on(
    stage: str, now: datetime, config: Config, stop_the_line: tuple[str, ...]
) -> Freeze | None:
    """The freeze in force on ``stage`` at ``now``: the stopped line first, then the
    window that closes last (several may overlap)."""
    if line_stopped(stage, stop_the_line):
        key = config.promotion.stop_the_line_key
        return Freeze(f"the line is stopped (custom property {key})", None, stop_the_line=True)
    open_windows = [
        (until, window)
        for window in config.promotion.freeze
        if not window.stages or stage in window.stages
        if (until := window_closes(window, now)) is not None
    ]
    if not open_windows:
        return None
    until, window = max(open_windows, key=lambda pair: pair[0])
    return Freeze(window.reason, until)


def line_stopped(stage: str, stop_the_line: tuple[str, ...]) -> bool:
    """The property is ``true`` (every stage) or lists the stage."""
    return any(v.lower() in _TRUE_WORDS or v == stage for v in stop_the_line)


def stop_the_line_values(value: Any) -> tuple[str, ...]:
    """The custom property as a tuple of values: a comma-separated string or a multi-select."""
    if value is True:
        return ("true",)
    if isinstance(value, str):
        entries: Iterable[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        entries = value
    else:
        return ()
    return tuple(e.strip() for e in entries if isinstance(e, str) and e.strip())


def window_closes(window: FreezeWindow, now: datetime) -> datetime | None:
    """When ``window`` closes if it is open at ``now``, else None."""
    if not window.schedule:
        start = datetime.fromtimestamp(window.start or 0, timezone.utc)
        end = datetime.fromtimestamp(window.end or 0, timezone.utc)
        return end if start <= now < end else None
    opened = last_opening(window, now)
    end = opened + timedelta(seconds=window.duration)
    return end if now < end else None


def last_opening(window: FreezeWindow, now: datetime) -> datetime:
    """The latest time at or before ``now`` the window's schedule fired, in UTC.

    The schedule is read in the window's time zone, so ``0 9 * * 1-5`` in
    Europe/London fires at 09:00 local time on both sides of a daylight-saving
    change; the duration is then elapsed time. Only the latest firing matters:
    an earlier one's window closes earlier.
    """
    from zoneinfo import ZoneInfo

    from croniter import croniter

    local = now.astimezone(ZoneInfo(window.timezone)) + timedelta(microseconds=1)
    fired = croniter(window.schedule, local).get_prev(datetime)
    return fired.astimezone(timezone.utc)


def frozen_reason(freeze: Freeze, now: datetime | None = None) -> str:
    if freeze.until is None:
        return f"frozen: {freeze.reason}"
    return f"frozen: {freeze.reason} until {when(freeze.until, now)}"


# -- hold after rollback -----------------------------------------------------------------


def holds_apply(config: Config, stages: tuple[str, ...], target: str) -> bool:
    """True when ``target`` is a stage a rollback can hold: read the holds (one request)."""
    rollback = config.promotion.rollback
    if not (rollback.enabled and rollback.hold) or not stages:
        return False
    return target == stages[-1] or target in rollback.cascade_stages


def hold_on(target: str, issues: Iterable[HoldIssue]) -> HoldIssue | None:
    """The oldest open hold issue naming ``target``."""
    naming = [issue for issue in issues if target in issue.stages]
    return min(naming, key=lambda issue: issue.number) if naming else None


def held_reason(issue: HoldIssue) -> str:
    return f"held by #{issue.number} ({issue.title}): close it to release the hold; {issue.url}"


def hold_title(stages: tuple[str, ...], sha: str) -> str:
    names = " and ".join(stages) if len(stages) < 3 else ", ".join(stages)
    return f"Promotions into {names} are held after rollback to {sha[:7]}"


def hold_body(stages: tuple[str, ...], rollback_branch: str, sha: str, reason: str) -> str:
    """The issue's text: what happened, what is held, how to release — and a marker that
    says which stages it holds, read back by :func:`hold_stages`."""
    listed = "\n".join(f"- `{stage}`" for stage in stages)
    marker = json.dumps({"stages": list(stages), "sha": sha})
    return (
        f"A push to `{rollback_branch}` rolled back to `{sha}`: {reason}.\n\n"
        f"gh-promotion holds every promotion into these stages while this issue is open:\n\n"
        f"{listed}\n\n"
        "**Close this issue to release the hold**; the next signal or sweep promotes "
        "again.\n\n"
        f"<!-- gh-promotion-hold {marker} -->"
    )


def hold_stages(body: str | None) -> tuple[str, ...]:
    """The stages a hold issue names in its marker; none if the marker was edited away."""
    found = _HOLD_MARKER.search(body or "")
    if not found:
        return ()
    try:
        stages = json.loads(found.group(1)).get("stages")
    except (ValueError, AttributeError):
        return ()
    return tuple(s for s in stages if isinstance(s, str)) if isinstance(stages, list) else ()


# -- soak ------------------------------------------------------------------------------------


def soak_for(config: Config, stage: str) -> float:
    """Seconds a commit must hold ``stage`` before moving on; 0 when no soak is set."""
    return dict(config.promotion.soak).get(stage, 0.0)


def soak_in(stage: str, arrived: datetime | None, now: datetime, config: Config) -> Soak | None:
    """The soak of the head that arrived in ``stage`` at ``arrived`` (None: unknown, or
    longer ago than GitHub's activity list reaches — soaked)."""
    seconds = soak_for(config, stage)
    if not seconds or arrived is None:
        return None
    until = arrived + timedelta(seconds=seconds)
    return Soak(stage, until, until - now)


def soaking_reason(soak: Soak, now: datetime | None = None) -> str:
    until = when(soak.until, now)
    return f"soaking in {soak.stage} until {until} ({left(soak.remaining)} left)"


# -- words -------------------------------------------------------------------------------------


def when(moment: datetime, now: datetime | None = None) -> str:
    """``14:05 UTC`` (seconds shown when they matter); the date too unless it is ``now``'s."""
    moment = moment.astimezone(timezone.utc)
    clock = moment.strftime("%H:%M:%S" if moment.second else "%H:%M")
    if now is not None and now.astimezone(timezone.utc).date() == moment.date():
        return f"{clock} UTC"
    return f"{moment:%Y-%m-%d} {clock} UTC"


def left(remaining: timedelta) -> str:
    """``12 min``, ``2 h 5 min``, ``3 d 2 h``, ``40 s`` — rounded up, never ``0``."""
    seconds = max(1, int(-(-remaining.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} s"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
