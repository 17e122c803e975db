"""Lambda events shaped as AWS documents them, carrying a GitHub delivery.

- REST API (v1) proxy integration:
  https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
- HTTP API (v2) payload format 2.0:
  https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
- Lambda Function URL (same 2.0 format, ``*.lambda-url.*`` domain):
  https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
- EventBridge event envelope:
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

SOURCE_IP = "192.30.252.44"  # one of GitHub's hook addresses


def rest_api_v1(
    headers: Mapping[str, str],
    body: bytes,
    *,
    path: str = "/",
    method: str = "POST",
    stage: str = "prod",
    base64_body: bool = False,
) -> dict[str, Any]:
    """REST API proxy event: mixed-case headers plus ``multiValueHeaders``; the path
    excludes the stage (``requestContext.path`` includes it)."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": dict(headers) | {"Host": "abc123.execute-api.eu-west-1.amazonaws.com"},
        "multiValueHeaders": {name: [value] for name, value in headers.items()}
        | {"Host": ["abc123.execute-api.eu-west-1.amazonaws.com"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc123",
            "extendedRequestId": "BQGojGkjjoEFuWQ=",
            "httpMethod": method,
            "identity": {"sourceIp": SOURCE_IP, "userAgent": headers.get("User-Agent", "")},
            "path": f"/{stage}{path}",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTime": "26/Nov/2026:09:00:00 +0000",
            "requestTimeEpoch": 1795683600000,
            "resourceId": "roq9wj",
            "resourcePath": "/{proxy+}",
            "stage": stage,
        },
        "body": base64.b64encode(body).decode() if base64_body else body.decode(),
        "isBase64Encoded": base64_body,
    }


def http_api_v2(
    headers: Mapping[str, str],
    body: bytes,
    *,
    path: str = "/",
    method: str = "POST",
    stage: str = "$default",
    domain: str = "abc123.execute-api.eu-west-1.amazonaws.com",
) -> dict[str, Any]:
    """HTTP API 2.0 event: lower-case headers, base64 body, the stage in the path
    when it is a named stage."""
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    return {
        "version": "2.0",
        "routeKey": "$default" if stage == "$default" else f"{method} {path}",
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": {name.lower(): value for name, value in headers.items()}
        | {"host": domain, "x-forwarded-proto": "https", "x-forwarded-port": "443"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": domain.split(".", 1)[0],
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": headers.get("User-Agent", ""),
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default" if stage == "$default" else f"{method} {path}",
            "stage": stage,
            "time": "26/Nov/2026:09:00:00 +0000",
            "timeEpoch": 1795683600000,
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def function_url(headers: Mapping[str, str], body: bytes, *, path: str = "/") -> dict[str, Any]:
    """Function URL event: the 2.0 format on a ``lambda-url`` domain, no route or stage."""
    domain = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.eu-west-1.on.aws"
    event = http_api_v2(headers, body, path=path, domain=domain)
    event["requestContext"]["authorizer"] = {"iam": None}
    return event


def eventbridge(event: str, payload: Mapping[str, Any], delivery_id: str) -> dict[str, Any]:
    """A GitHub delivery relayed through EventBridge: the payload is the detail."""
    return {
        "version": "0",
        "id": delivery_id,
        "detail-type": event,
        "source": "github.com",
        "account": "123456789012",
        "time": "2026-11-26T09:00:00Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": dict(payload),
    }
