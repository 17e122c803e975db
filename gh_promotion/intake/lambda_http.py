"""A Lambda HTTP event is checked here, before mangum sees it.

API Gateway (REST v1, HTTP API v2) and Function URLs always send well-formed
events, but a misconfigured integration, a hand-written test event or a replay
may not: a body that is an object, a ``headers`` list, a numeric header, a
``version: "2.0"`` without ``requestContext.http``. mangum trusts the shape and
crashes on each (a traceback, and API Gateway answers 502), so every field
mangum and a2wsgi read is checked first and a bad one is a 400 naming it.

The shape is told the way mangum tells it (``mangum.adapter.HANDLERS`` order,
mangum 0.17–0.22): ``requestContext.elb`` is an ALB event, any ``version`` is
HTTP API (payload 2.0 when it is ``"2.0"``, else 1.0), ``resource`` is REST API.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gh_promotion.intake.errors import IntakeError

_PORT = re.compile(r"[0-9]{1,5}")


def check_http_event(event: Mapping[str, Any]) -> None:
    """Raise a 400 :class:`IntakeError` unless mangum can read ``event`` without crashing."""
    context = event.get("requestContext")
    if not isinstance(context, Mapping):
        raise IntakeError("not an API Gateway or Function URL event: no requestContext")
    if "elb" in context:
        shape = "ALB"
        _check_v1(event, context, shape, alb=True)
    elif "version" in event and event["version"] == "2.0":
        shape = "HTTP API or Function URL (payload 2.0)"
        _check_v2(event, context, shape)
    elif "version" in event or "resource" in event:
        shape = "API Gateway (payload 1.0)"
        _check_v1(event, context, shape, alb=False)
    else:
        raise IntakeError(
            "not an API Gateway or Function URL event: it has neither version nor resource"
        )
    _check_body(event, shape)


def _check_v2(event: Mapping[str, Any], context: Mapping[str, Any], shape: str) -> None:
    http = context.get("http")
    if not isinstance(http, Mapping):
        raise _refusal(shape, "requestContext.http", "an object", http)
    _text(http.get("method"), shape, "requestContext.http.method")
    _text(http.get("path"), shape, "requestContext.http.path")
    _text(event.get("rawQueryString", ""), shape, "rawQueryString")
    headers = _string_map(event.get("headers"), shape, "headers")
    cookies = event.get("cookies")
    if cookies is not None:
        if not isinstance(cookies, list):
            raise _refusal(shape, "cookies", "a list of strings", cookies)
        for cookie in cookies:
            _text(cookie, shape, "cookies[]")
    _check_host(headers.items(), shape)


def _check_v1(event: Mapping[str, Any], context: Mapping[str, Any], shape: str, alb: bool) -> None:
    _text(event.get("httpMethod"), shape, "httpMethod")
    _text(event.get("path"), shape, "path")
    identity = context.get("identity", {})
    if not isinstance(identity, Mapping):
        raise _refusal(shape, "requestContext.identity", "an object", identity)
    for name in ("queryStringParameters", "multiValueQueryStringParameters"):
        _check_query(event.get(name), shape, name)
    multi = event.get("multiValueHeaders")
    if alb and "multiValueHeaders" in event:
        multi = _list_map(multi, shape, "multiValueHeaders")  # ALB reads only these
        headers: dict[str, str] = {}
    else:
        headers = _string_map(event.get("headers"), shape, "headers", optional=not alb)
        multi = _list_map(multi, shape, "multiValueHeaders", optional=True)
    _check_host(_v1_header_values(headers, multi), shape)


def _v1_header_values(
    headers: dict[str, str], multi: dict[str, list[str]]
) -> Iterator[tuple[str, str]]:
    """Every value mangum may take for a header: single, each of many, and many joined."""
    yield from headers.items()
    for name, values in multi.items():
        yield name, ", ".join(values)
        for value in values:
            yield name, value


def _check_body(event: Mapping[str, Any], shape: str) -> None:
    body, encoded = event.get("body"), event.get("isBase64Encoded", False)
    if encoded is not None and not isinstance(encoded, bool):
        raise _refusal(shape, "isBase64Encoded", "true or false", encoded)
    if body is None:
        return
    _text(body, shape, "body")
    if encoded:
        try:
            base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise IntakeError(
                f"not a valid {shape} event: isBase64Encoded is true but body is not base64"
            ) from None


def _check_host(headers: Iterable[tuple[str, str]], shape: str) -> None:
    """mangum reads the server port from ``host`` (after a colon) or ``x-forwarded-port``."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "host" and ":" in value:
            port = value.split(":", 1)[1]
        elif lowered == "x-forwarded-port":
            port = value
        else:
            continue
        if not _PORT.fullmatch(port):
            raise IntakeError(f"not a valid {shape} event: header {name} has no valid port")


def _check_query(value: Any, shape: str, field: str) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise _refusal(shape, field, "an object", value)
    for key, item in value.items():
        _text(key, shape, f"{field} name")
        for one in item if isinstance(item, list) else [item]:
            _text(one, shape, f"{field}.{key}")


def _string_map(value: Any, shape: str, field: str, optional: bool = False) -> dict[str, str]:
    if value is None and optional:
        return {}
    if not isinstance(value, Mapping):
        raise _refusal(shape, field, "an object of strings", value)
    for name, item in value.items():
        _text(name, shape, f"{field} name")
        _text(item, shape, f"{field}.{name}")
    return dict(value)


def _list_map(value: Any, shape: str, field: str, optional: bool = False) -> dict[str, list[str]]:
    if value is None and optional:
        return {}
    if not isinstance(value, Mapping):
        raise _refusal(shape, field, "an object of lists of strings", value)
    for name, items in value.items():
        _text(name, shape, f"{field} name")
        if not isinstance(items, list):
            raise _refusal(shape, f"{field}.{name}", "a list of strings", items)
        for item in items:
            _text(item, shape, f"{field}.{name}[]")
    return dict(value)


def _text(value: Any, shape: str, field: str) -> None:
    """A string that can be sent as UTF-8: JSON's ``\\ud800`` escapes decode to lone
    surrogates, which no encoder accepts."""
    if not isinstance(value, str):
        raise _refusal(shape, field, "a string", value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise IntakeError(
            f"not a valid {shape} event: {field} is not valid Unicode (a lone surrogate)"
        ) from None


def _refusal(shape: str, field: str, expected: str, got: Any) -> IntakeError:
    message = f"not a valid {shape} event: {field} must be {expected}, got {_kind(got)}"
    return IntakeError(message)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
