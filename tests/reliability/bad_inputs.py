"""Generated bad deliveries: every way a webhook request can be wrong, as (name, request) pairs.

Each case is built from a *good* delivery of GitHub's own example shape that
would make GitHub writes (a push to a stage, an approval of the head, a green
run naming the promotion request...), then broken in one way. The good
deliveries are what make the check meaningful: if a broken copy were still
acted on, a write would reach the simulator.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gh_promotion.intake import sign
from testkit import lambda_events
from testkit.deliveries import signed as signed_as_github

ZERO_SHA = "0" * 40
WRONG_TYPES: dict[str, Any] = {
    "null": None,
    "int": 42,
    "bool": True,
    "list": ["x"],
    "object": {"x": 1},
    "empty": "",
}


@dataclass(frozen=True)
class BadRequest:
    """One HTTP request to send and what the answer may be."""

    name: str
    headers: dict[str, str]
    body: bytes
    allowed: frozenset[int] = frozenset(range(400, 500))  # statuses accepted as an answer
    skip_ok: bool = False  # a 200 that says "skipped" is also acceptable


@dataclass
class Good:
    """A good delivery: its event, payload and the fields the core reads on its path."""

    event: str
    payload: dict[str, Any]
    fields: list[tuple[str, ...]] = field(default_factory=list)
    optional: frozenset[tuple[str, ...]] = frozenset()  # GitHub may omit these or send null


def headers_for(
    event: str, body: bytes, secret: str, content_type: str = "application/json"
) -> dict[str, str]:
    return signed_as_github(event, body, secret=secret, content_type=content_type)[0]


def signed(name: str, event: str, body: bytes, secret: str, **kw: Any) -> BadRequest:
    return BadRequest(name, headers_for(event, body, secret), body, **kw)


def _set(payload: dict[str, Any], path: tuple[str, ...], value: Any, remove: bool = False) -> dict:
    changed = copy.deepcopy(payload)
    node: Any = changed
    for key in path[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    last = path[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif remove:
        node.pop(last, None)
    else:
        node[last] = value
    return changed


def _get(payload: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = payload
    for key in path:
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def field_cases(good: Good, secret: str) -> Iterator[BadRequest]:
    """Every field the core reads on this path: removed, then given each wrong type."""
    for path in good.fields:
        label = ".".join(path)
        optional = path in good.optional
        if not optional:
            body = json.dumps(_set(good.payload, path, None, remove=True)).encode()
            yield signed(f"{good.event}: {label} removed", good.event, body, secret, skip_ok=True)
        right = type(_get(good.payload, path))
        for kind, value in WRONG_TYPES.items():
            if type(value) is right or (optional and value is None):
                continue  # the right type, or a null GitHub may send: not a wrong type
            body = json.dumps(_set(good.payload, path, value)).encode()
            name = f"{good.event}: {label} as {kind}"
            yield signed(name, good.event, body, secret, skip_ok=True)


def _cp1252(payload: dict[str, Any]) -> bytes:
    """The payload with a non-ASCII branch name, encoded as Windows-1252 instead of UTF-8."""
    text = json.dumps({**payload, "ref": "refs/heads/café"}, ensure_ascii=False)
    return text.encode("cp1252")


def body_cases(good: Good, secret: str) -> Iterator[BadRequest]:
    """Bodies that are not a JSON object: truncated, not UTF-8, other JSON values."""
    raw = json.dumps(good.payload).encode()
    for cut in (0, 1, len(raw) // 3, len(raw) // 2, len(raw) - 1):
        yield signed(f"{good.event}: body truncated at {cut}", good.event, raw[:cut], secret)
    yield signed(f"{good.event}: latin-1 body", good.event, raw.replace(b'"', b'"\xe9', 1), secret)
    yield signed(f"{good.event}: cp1252 body", good.event, _cp1252(good.payload), secret)
    for encoding in ("utf-16", "utf-32"):
        text = json.dumps(good.payload).encode(encoding)
        yield signed(f"{good.event}: {encoding} body", good.event, text, secret)
    yield signed(
        f"{good.event}: lone surrogate bytes", good.event, b'{"ref": "\xed\xa0\x80"}', secret
    )
    for value in ("[]", '"push"', "42", "null", "true"):
        yield signed(f"{good.event}: JSON {value}", good.event, value.encode(), secret)
    yield signed(
        f"{good.event}: nested 100000 deep", good.event, b"[" * 100_000 + b"]" * 100_000, secret
    )
    huge = raw[:-1] + b', "size": ' + b"7" * 5000 + b"}"
    yield signed(f"{good.event}: an integer of 5000 digits", good.event, huge, secret)


def shape_cases(goods: dict[str, Good], secret: str) -> Iterator[BadRequest]:
    """Whole-payload problems: no repository or installation, wrong events and refs."""
    for good in goods.values():
        for key in ("repository", "installation"):
            body = json.dumps(_set(good.payload, (key,), None, remove=True)).encode()
            yield signed(f"{good.event}: no {key}", good.event, body, secret, skip_ok=True)
        body = json.dumps(good.payload).encode()
        for event in ("PUSH", "pushes", "../push", "Ping", "invalid", "x" * 300):
            yield signed(f"{good.event} body as event {event[:20]!r}", event, body, secret)
        for event in ("issues", "check_run", "installation", "meta"):  # GitHub's, not acted on
            name = f"{good.event} body as event {event!r}"
            yield signed(name, event, body, secret, allowed=frozenset(), skip_ok=True)
    push = goods["push"].payload
    for ref in ("refs/tags/main", "refs/tags/x", "refs/pull/1/head", "main", "refs/heads/"):
        body = json.dumps({**push, "ref": ref}).encode()
        yield signed(f"push: ref {ref!r}", "push", body, secret, skip_ok=True)
    for branch in (
        "ブランチ",
        "staging\u202e",
        "emoji-🚀",
        "main\u0000",
        "ma in",
        "main/../staging",
    ):
        body = json.dumps({**push, "ref": f"refs/heads/{branch}"}).encode()
        yield signed(f"push: unicode branch {branch!r}", "push", body, secret, skip_ok=True)
    lone = {**push, "ref": "refs/heads/\ud800"}
    lone["repository"] = {**push["repository"], "full_name": "octo/\udfff"}
    body = json.dumps(lone).encode()  # escaped in the body; lone surrogates once decoded
    yield signed("push: lone surrogates in ref and full_name", "push", body, secret, skip_ok=True)
    body = json.dumps({**push, "after": ZERO_SHA}).encode()  # ("before" zeros: a new branch)
    yield signed("push: after all zeros", "push", body, secret, skip_ok=True)
    body = json.dumps({**push, "deleted": True, "after": ZERO_SHA}).encode()
    yield signed("push: branch deletion", "push", body, secret, skip_ok=True)
    for event, zero_fields in (
        ("pull_request_review", [("review", "commit_id")]),
        ("status", [("sha",)]),
        ("deployment_status", [("deployment", "sha")]),
        ("check_suite", [("check_suite", "head_sha")]),
    ):
        for path in zero_fields:
            body = json.dumps(_set(goods[event].payload, path, ZERO_SHA)).encode()
            yield signed(f"{event}: {'.'.join(path)} all zeros", event, body, secret, skip_ok=True)


def header_cases(goods: dict[str, Good], secret: str, limit: int) -> Iterator[BadRequest]:
    """Headers and transport: signatures, content types, missing headers, oversize bodies."""
    good = goods["push"]
    body = json.dumps(good.payload).encode()
    base = headers_for("push", body, secret)
    for name in ("X-GitHub-Event", "X-GitHub-Delivery", "X-Hub-Signature-256", "Content-Type"):
        headers = {k: v for k, v in base.items() if k != name}
        yield BadRequest(f"header {name} missing", headers, body)
    for name in ("X-GitHub-Event", "X-GitHub-Delivery"):
        yield BadRequest(f"header {name} empty", {**base, name: ""}, body)
    signature = base["X-Hub-Signature-256"]
    forged = {
        "wrong signature, right length": "sha256=" + "0" * 64,
        "signature of another body": sign(body + b" ", secret),
        "signature with another secret": sign(body, secret + "x"),
        "empty signature": "",
        "sha256= only": "sha256=",
        "sha1 prefix": signature.replace("sha256=", "sha1="),
        "upper-case hex": "sha256=" + signature[7:].upper(),
        "truncated signature": signature[:-1],
        "signature with trailing junk": signature + "00",
        "non-ASCII signature": "sha256=" + "é" * 64,
    }
    for label, value in forged.items():
        yield BadRequest(label, {**base, "X-Hub-Signature-256": value}, body)
    legacy = {k: v for k, v in base.items() if k != "X-Hub-Signature-256"}
    yield BadRequest(
        "only the SHA-1 X-Hub-Signature", {**legacy, "X-Hub-Signature": "sha1=" + "a" * 40}, body
    )
    for content_type in (
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
        "",
        "json",
    ):
        yield BadRequest(
            f"content type {content_type!r}", {**base, "Content-Type": content_type}, body
        )
    form = b"payload=" + body[: len(body) // 2]
    yield BadRequest(
        "form body with truncated JSON",
        headers_for("push", form, secret, "application/x-www-form-urlencoded"),
        form,
    )
    nothing = b"other=1"
    yield BadRequest(
        "form body without payload",
        headers_for("push", nothing, secret, "application/x-www-form-urlencoded"),
        nothing,
    )
    big = json.dumps({**good.payload, "padding": "x" * (limit + 1)}).encode()
    yield BadRequest("body over the size limit", headers_for("push", big, secret), big)


def lambda_envelope_cases(headers: dict[str, str], body: bytes) -> list[tuple[str, dict]]:
    """Lambda HTTP events API Gateway never sends, each carrying a good signed delivery.

    A misconfigured integration, a hand-written test event or a replay can; each
    crashed inside mangum before it was checked (API Gateway then answers 502).
    """
    v1 = lambda_events.rest_api_v1(headers, body)
    v2 = lambda_events.http_api_v2(headers, body)
    without_http = {k: v for k, v in v2["requestContext"].items() if k != "http"}
    v1_context = v1["requestContext"]

    def changed(event: dict, **fields: Any) -> dict:
        return {**copy.deepcopy(event), **fields}

    return [
        ("body as an object", changed(v1, body=json.loads(body))),
        ("body as a number", changed(v2, body=42, isBase64Encoded=False)),
        ("isBase64Encoded with a body that is not base64", changed(v2, body="not base64!")),
        ("isBase64Encoded with a plain JSON body", changed(v1, isBase64Encoded=True)),
        ("isBase64Encoded as a string", changed(v2, isBase64Encoded="true")),
        ("v2 headers null", changed(v2, headers=None)),
        ("v2 headers a list", changed(v2, headers=[[k, v] for k, v in v2["headers"].items()])),
        ("a numeric header value", changed(v2, headers={**v2["headers"], "x-github-hook-id": 1})),
        (
            "a numeric v1 header value",
            changed(v1, headers={**v1["headers"], "X-GitHub-Hook-ID": 1}),
        ),
        ("multiValueHeaders value not a list", changed(v1, multiValueHeaders={"Host": "x"})),
        ("requestContext without http", changed(v2, requestContext=without_http)),
        ('version "2.0" on a v1 event', changed(v1, version="2.0")),
        ("neither version nor resource", {"requestContext": {}, "body": v1["body"]}),
        (
            "requestContext.identity null",
            changed(v1, requestContext={**v1_context, "identity": None}),
        ),
        ("rawQueryString null", changed(v2, rawQueryString=None)),
        ("queryStringParameters a list", changed(v1, queryStringParameters=["a"])),
        ("a host header with a bad port", changed(v2, headers={**v2["headers"], "host": "a:b"})),
        ("a lone surrogate in the body", changed(v1, body=v1["body"][:-1] + ', "x": "\ud800"}')),
        ("a lone surrogate in a header", changed(v2, headers={**v2["headers"], "x-a": "\udfff"})),
    ]


def all_cases(goods: dict[str, Good], secret: str, limit: int) -> list[BadRequest]:
    cases: list[BadRequest] = []
    for good in goods.values():
        cases += field_cases(good, secret)
        cases += body_cases(good, secret)
    cases += shape_cases(goods, secret)
    cases += header_cases(goods, secret, limit)
    return cases


Builder = Callable[..., dict[str, Any]]
