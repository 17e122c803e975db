"""Structured logging: one JSON object per line, delivery context, no secrets.

Why JSON lines: CloudWatch, Loki and ``jq`` all read them, and each record keeps
its fields (delivery id, event, repository) instead of burying them in text.

Why redaction here and not at each call site: a secret reaches a log by
accident — an exception message quoting a header, a library's debug output — so
the last line of defence is the handler every record passes through. Registered
secret values, GitHub tokens (``ghp_…``, ``ghs_…``, ``github_pat_…``), PEM
private key blocks and ``Authorization:`` header values become ``***``.

Standard library only: the Lambda handler configures logging on a cold start.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any, TextIO

REDACTED = "***"
# Shorter "secrets" would turn ordinary words of every log line into ***; a
# secret that short protects nothing anyway.
MIN_SECRET_LENGTH = 4
# No run of this many characters of a secret may reach a log: a line cut from a
# key, a key's last short line or a secret's tail is hidden as surely as the whole.
PIECE = 8
# Where a piece hides, a text is looked at every _STEP characters for a _PROBE
# long run of some secret (a probe sampled that often falls inside any piece),
# and the pieces are looked for only around such a hit: every line is read in
# len/_STEP set look-ups, not len.
_PROBE = 5
_STEP = PIECE - _PROBE + 1
# PEM armour is the same in every key: no secret, and hiding it would hide
# "PRIVATE KEY" from messages that explain a key is not one.
_ARMOUR = re.compile(r"^-----(BEGIN|END) [A-Z0-9 ]+-----$")

_PATTERNS = (
    re.compile(
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*)", re.S
    ),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9_]{16,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
)
# Keeps the header name, hides the value (scheme included) up to a quote,
# comma, brace or end of line: works on raw headers, dict reprs and JSON.
_AUTHORIZATION = re.compile(r"""(authorization['"]?\s*[:=]\s*['"]?)[^'"\r\n,}]+""", re.I)

_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)

_delivery: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar(
    "gh_promotion_delivery", default=None
)
# A cheap first look: only text that mentions one of these needs the patterns above.
# Substring tests on the lowered text: a case-insensitive alternation costs ten times more.
_SUSPECT_WORDS = ("private key", "authorization")
_SUSPECT_TOKEN = re.compile(r"gh[pousr]_|github_pat_")


class _Secrets:
    """The registered secrets, as the redactor reads them: rebuilt on each register
    and swapped in whole, so :func:`redact` reads a consistent set without a lock."""

    def __init__(self, values: frozenset[str] = frozenset()) -> None:
        self.values = values
        forms = [form for value in values for form in _forms(value)]
        self.short = tuple(sorted((f for f in forms if len(f) < PIECE), key=len, reverse=True))
        self.pieces = frozenset(f[i : i + PIECE] for f in forms for i in range(len(f) - PIECE + 1))
        self.probes = frozenset(p[i : i + _PROBE] for p in self.pieces for i in range(_STEP))
        # Most log fields repeat line after line (event names, repositories, statuses,
        # reasons): their redacted form is remembered with the secrets it was made
        # against, so registering a secret starts a fresh memory.
        self.seen: dict[str, str] = {}


_registered = _Secrets()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Never let ``value``, or any :data:`PIECE` characters of it, appear in a log record."""
    global _registered
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if str(value) not in _registered.values:
            _registered = _Secrets(_registered.values | {str(value)})


def _forms(value: str) -> list[str]:
    """``value`` as a log line may show it: as is, its newlines escaped (a repr or
    JSON), and its lines run together; PEM armour lines left out."""
    lines = [line.strip() for line in value.splitlines()]
    lines = [line for line in lines if line and not _ARMOUR.match(line)]
    if not lines:
        return []
    body = "\n".join(lines)
    forms = {body, body.replace("\n", "\\n"), "".join(lines)}
    return [form for form in forms if len(form) >= MIN_SECRET_LENGTH]


# How many redacted field values are remembered, and how long one may be: enough for
# the values every delivery repeats, small enough that unique ones cost nothing.
_SEEN_LIMIT = 2048
_SEEN_LENGTH = 200


def redact(text: str) -> str:
    """``text`` with every registered secret, any piece of one, and anything shaped
    like a token or a private key replaced by ``***``.

    Every log field goes through here, so a value seen recently is answered from
    memory, and otherwise the common case (nothing to hide) costs a quarter as
    many set look-ups as the text has characters, and one search.
    """
    secrets = _registered
    if len(text) > _SEEN_LENGTH:
        return _redact(text, secrets)
    seen = secrets.seen
    redacted = seen.get(text)
    if redacted is None:
        if len(seen) >= _SEEN_LIMIT:
            seen.clear()
        redacted = seen[text] = _redact(text, secrets)
    return redacted


def _redact(text: str, secrets: _Secrets) -> str:
    for secret in secrets.short:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if secrets.pieces:
        text = _hide_pieces(text, secrets)
    if not _is_suspect(text):
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _AUTHORIZATION.sub(lambda match: match.group(1) + REDACTED, text)


def _is_suspect(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _SUSPECT_WORDS) or bool(_SUSPECT_TOKEN.search(lowered))


def _hide_pieces(text: str, secrets: _Secrets) -> str:
    """``text`` with each run covered by registered pieces replaced by one ``***``."""
    probes, pieces = secrets.probes, secrets.pieces
    starts = []
    for probe in range(0, len(text) - _PROBE + 1, _STEP):
        if text[probe : probe + _PROBE] in probes:
            first, last = max(0, probe - PIECE + _PROBE), min(probe, len(text) - PIECE)
            starts += [i for i in range(first, last + 1) if text[i : i + PIECE] in pieces]
    if not starts:
        return text
    kept, end = [], 0
    for start in starts:  # ascending: probes are visited in order, and their windows too
        if start > end:
            kept += [text[end:start], REDACTED]
        elif not kept:
            kept.append(REDACTED)
        end = max(end, start + PIECE)
    return "".join([*kept, text[end:]])


_PLAIN = frozenset((int, float, bool, type(None)))


def _redact_value(value: Any) -> Any:
    """Redact strings anywhere in a JSON-able structure; other values become text."""
    kind = type(value)
    if kind is str:
        return redact(value)
    if kind in _PLAIN:
        return value
    redacted = getattr(value, "redacted", None)
    if isinstance(value, str) and callable(redacted):
        return redacted()  # a config Secret: never even look at its value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(key): _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(item) for item in value]
    return redact(repr(value))


class DeliveryContextFilter(logging.Filter):
    """Stamps the delivery being handled (see :func:`delivery_context`) on each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (_delivery.get() or {}).items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, extra fields, no secret.

    Redaction happens here, on the one handler every record passes through
    (libraries' records such as PyGithub's and urllib3's included), as each
    field is written: one pass over the record, not one to clean it and one to
    write it.
    """

    def __init__(self, caller_trace: bool = False) -> None:
        super().__init__()
        self.caller_trace = caller_trace

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if self.caller_trace:
            entry["caller"] = f"{record.filename}:{record.lineno}"
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and name not in entry:
                entry[name] = _redact_value(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return _escape_lone_surrogates(json.dumps(entry, ensure_ascii=False, default=repr))


# A payload's "\ud800" escape decodes to a lone surrogate, which no stream can
# encode: the record would be lost with a "--- Logging error ---" on stderr.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_lone_surrogates(line: str) -> str:
    """Write lone surrogates as the JSON escapes they came in as; the line stays valid JSON.

    Outside string values JSON has only ASCII, so every match is inside a string,
    where ``\\udXXX`` decodes back to the same character.
    """
    try:
        line.encode("utf-8")  # in C, and fails only on a lone surrogate
        return line
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", line)


class JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler :func:`configure` installs: JSON lines, delivery context, no secret.

    Recognisable, so :func:`configure` can replace it and the Lambda runtime can
    drop any other handler (one that would write records unredacted).
    """


def configure(
    verbosity: int = 0,
    caller_trace: bool = False,
    stream: TextIO | None = None,
    secrets: Iterable[str] = (),
) -> None:
    """Send every log record, as JSON lines, to ``stream`` (default stdout).

    Level: 0 warning, 1 info, 2 or more debug. Calling it again replaces the
    previous setup instead of adding a second handler, so runtimes and tests can
    call it freely.
    """
    for secret in secrets:
        register_secret(secret)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, JsonLinesHandler)]:
        root.removeHandler(handler)
    handler = JsonLinesHandler(stream if stream is not None else sys.stdout)
    handler.addFilter(DeliveryContextFilter())
    handler.setFormatter(JsonFormatter(caller_trace=caller_trace))
    root.addHandler(handler)
    root.setLevel(level_for(verbosity))
    logging.captureWarnings(True)


def level_for(verbosity: int) -> int:
    """-v count to a logging level: 0 warning, 1 info, 2+ debug."""
    if verbosity <= 0:
        return logging.WARNING
    return logging.INFO if verbosity == 1 else logging.DEBUG


@contextlib.contextmanager
def log_context(**fields: str) -> Iterator[None]:
    """Every record logged inside the block carries ``fields`` (inner blocks add theirs).

    A context variable, so concurrent deliveries in other threads or tasks keep
    their own; a thread started inside the block carries the fields if it runs
    in a copy of the context (``contextvars.copy_context().run``).
    """
    token = _delivery.set({**(_delivery.get() or {}), **fields})
    try:
        yield
    finally:
        _delivery.reset(token)


def delivery_context(
    delivery_id: str, event: str, repository: str
) -> contextlib.AbstractContextManager[None]:
    """Every record logged inside the block names the delivery it belongs to."""
    return log_context(delivery_id=delivery_id, event=event, repository=repository)
