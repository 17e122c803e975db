"""The Flask application: authentication, faults, logging and error shapes around every route.

Routes live in `routes_*` modules; this module holds what every request goes through, so no
route can forget to check a token or to log itself.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from gh_promotion.simulator import views
from gh_promotion.simulator.auth import Identity, TokenBook
from gh_promotion.simulator.errors import ApiError, bad_credentials, not_found
from gh_promotion.simulator.model import Repository
from gh_promotion.simulator.traffic import Fault, LoggedRequest, Traffic
from gh_promotion.simulator.webhooks import WebhookSender
from gh_promotion.simulator.world import World

SECONDARY_RATE_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
RATE_LIMIT = 5000  # an installation's hourly budget of REST requests
PRIMARY_RATE_LIMIT_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    "#about-the-primary-rate-limit"
)
SECONDARY_RATE_LIMIT_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
FAULT_MESSAGES = {
    403: SECONDARY_RATE_LIMIT,
    429: SECONDARY_RATE_LIMIT,
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that.",
}


@dataclass
class Services:
    """What routes reach through `services()`: the world, credentials, traffic, webhooks."""

    world: World
    tokens: TokenBook
    traffic: Traffic
    webhooks: WebhookSender
    simulator: Any = None  # the owning `Simulator`, for the control API


def services() -> Services:
    return current_app.extensions["gh_sim"]


def caller() -> Identity:
    return g.identity


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(data), status=status, mimetype="application/json")
    response.headers["X-GitHub-Media-Type"] = "github.v3; format=json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def body() -> dict[str, Any]:
    """The request's JSON object; anything else is GitHub's 400 "Problems parsing JSON"."""
    if not request.data:
        return {}
    try:
        data = json.loads(request.data)
    except ValueError:
        raise ApiError(400, "Problems parsing JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Problems parsing JSON")
    return data


def page_params(default: int = 30, maximum: int = 100) -> tuple[int, int]:
    try:
        per_page = int(request.args.get("per_page", default))
        page = int(request.args.get("page", 1))
    except ValueError:
        raise ApiError(422, "Invalid pagination parameters") from None
    return max(1, page), min(max(1, per_page), maximum)


def link_header(page: int, per_page: int, total: int) -> dict[str, str]:
    """GitHub's `Link` header (next/last/first/prev) for a page of a `total`-item list."""
    last = max(1, -(-total // per_page))
    if last == 1:
        return {}
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    base = request.base_url

    def url(number: int) -> str:
        return f"{base}?{urlencode({**args, 'per_page': per_page, 'page': number})}"

    links = []
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(1)}>; rel="first"', f'<{url(page - 1)}>; rel="prev"']
    return {"Link": ", ".join(links)} if links else {}


def paginated(items: list[Any], default: int = 30) -> Response:
    page, per_page = page_params(default)
    start = (page - 1) * per_page
    return json_response(
        items[start : start + per_page], headers=link_header(page, per_page, len(items))
    )


def repo_for_caller(owner: str, name: str) -> Repository:
    """The repository, if this caller may see it (tokens only; installations: their owner)."""
    who = caller()
    if who.kind == "none":
        raise ApiError(401, "Requires authentication")
    if who.kind == "jwt":
        raise ApiError(403, "Resource not accessible by integration")
    repo = services().world.repo(owner, name)
    if who.kind == "installation" and (
        who.installation is None or who.installation.owner.lower() != repo.owner.lower()
    ):
        raise not_found()
    return repo


def require_jwt() -> Identity:
    who = caller()
    if who.kind != "jwt":
        raise ApiError(
            401,
            "A JSON web token could not be decoded"
            if who.kind != "none"
            else "Requires authentication",
        )
    return who


def _before() -> Response | None:
    g.started = time.monotonic()
    g.identity = Identity("none")
    svc = services()
    svc.traffic.pause()
    if request.path.startswith("/_sim/"):
        return None
    g.identity = svc.tokens.identify(request.headers.get("Authorization"))
    fault = svc.traffic.take_fault(request.method, request.path)
    if fault is not None:
        if fault.delay:
            time.sleep(fault.delay)
        if fault.rate_limit:
            return _rate_limit_response(fault, g.identity)
        if fault.status and fault.status >= 400:
            return _fault_response(fault.status, fault.retry_after, fault.body)
    return None


def _rate_limit_response(fault: Fault, who: Identity) -> Response:
    """GitHub's refusal for a primary or secondary rate limit, with its headers and words.

    https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api:
    a primary limit has `x-ratelimit-remaining: 0` and resets at `x-ratelimit-reset`;
    a secondary one leaves `remaining` as it was and may or may not send `retry-after`.
    """
    primary = fault.rate_limit == "primary"
    remaining = 0 if primary else RATE_LIMIT - 13
    headers = {
        "X-RateLimit-Limit": str(RATE_LIMIT),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Used": str(RATE_LIMIT - remaining),
        "X-RateLimit-Reset": str(int(time.time()) + fault.reset_in),
        "X-RateLimit-Resource": "core",
    }
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    if primary:
        subject = (
            f"installation ID {who.installation.id}"
            if who.installation
            else f"user ID {views.user_id(who.login or 'ghost')}"
        )
        message = f"API rate limit exceeded for {subject}."
    else:
        message = SECONDARY_RATE_LIMIT
    docs = PRIMARY_RATE_LIMIT_DOCS if primary else SECONDARY_RATE_LIMIT_DOCS
    data = {"message": message, "documentation_url": docs, "status": str(fault.status)}
    return json_response(data, fault.status, headers)


def _fault_response(status: int, retry_after: int | None, payload: dict | None) -> Response:
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
        headers["X-RateLimit-Remaining"] = "0"
        headers["X-RateLimit-Reset"] = str(int(time.time()) + retry_after)
    data = payload or {
        "message": FAULT_MESSAGES.get(status, "Server Error"),
        "documentation_url": "https://docs.github.com/rest",
    }
    return json_response(data, status, headers)


def _conditional(response: Response) -> Response:
    """GitHub's ETag on every successful GET, and 304 with no body when
    `If-None-Match` names it (a 304 does not count against the rate limit)."""
    if request.method != "GET" or response.status_code != 200:
        return response
    etag = '"' + hashlib.sha256(response.get_data()).hexdigest()[:40] + '"'
    response.headers["ETag"] = etag
    wanted = request.headers.get("If-None-Match", "")
    if etag in [tag.strip().removeprefix("W/") for tag in wanted.split(",")]:
        response.status_code = 304
        response.set_data(b"")
    return response


def _rate_headers(response: Response) -> None:
    """The rate limit GitHub reports on every answer (`Simulator.set_rate_limit_remaining`)."""
    if "X-RateLimit-Remaining" in response.headers:
        return
    remaining = services().traffic.rate_limit_remaining
    response.headers["X-RateLimit-Limit"] = str(RATE_LIMIT)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Used"] = str(RATE_LIMIT - remaining)
    response.headers["X-RateLimit-Reset"] = str(int(time.time()) + 3600)
    response.headers["X-RateLimit-Resource"] = "core"


def _after(response: Response) -> Response:
    if not request.path.startswith("/_sim/"):
        response = _conditional(response)
        _rate_headers(response)
        identity = g.get("identity") or Identity("none")
        services().traffic.record(
            LoggedRequest(
                method=request.method,
                path=request.path,
                query=request.query_string.decode(),
                status=response.status_code,
                token_kind=identity.kind,
                duration=time.monotonic() - g.get("started", time.monotonic()),
            )
        )
    return response


def _api_error(error: ApiError) -> Response:
    return json_response(error.body(), error.status, error.headers)


def _http_error(error: HTTPException) -> Response:
    """Werkzeug's own refusals: unknown path or method is GitHub's plain 404."""
    if error.code in (404, 405):
        return _api_error(not_found())
    return _api_error(ApiError(error.code or 500, error.description or "Error"))


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("simulator bug while serving %s %s", request.method, request.path)
    return json_response({"message": f"Simulator error: {type(error).__name__}"}, 500)


def create_app(svc: Services) -> Flask:
    """A Flask app serving GitHub's routes (and `/_sim/...`) for one simulator."""
    from gh_promotion.simulator import (
        routes_app,
        routes_control,
        routes_hook,
        routes_issues,
        routes_pulls,
        routes_reads,
        routes_repos,
        routes_rules,
        routes_status,
    )

    app = Flask("gh_promotion.simulator")
    app.extensions["gh_sim"] = svc
    app.url_map.strict_slashes = False
    app.before_request(_before)
    app.after_request(_after)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    modules = (
        routes_app,
        routes_hook,
        routes_repos,
        routes_rules,
        routes_pulls,
        routes_status,
        routes_reads,
    )
    for module in (*modules, routes_issues, routes_control):
        app.register_blueprint(module.blueprint)
    return app


__all__ = ["bad_credentials", "create_app"]
