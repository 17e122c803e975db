"""The App's webhook deliveries (JWT only): list them, read one, redeliver one.

https://docs.github.com/en/rest/apps/webhooks: the list is newest first and
paginated by an opaque ``cursor`` that the ``Link`` header's ``rel="next"``
carries (no page numbers); ``status=success|failure`` filters it. A redelivery
is accepted with 202 and sent afterwards, as a new attempt of the same GUID.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, request

from gh_promotion.simulator.api import json_response, require_jwt, services
from gh_promotion.simulator.errors import ApiError, not_found
from gh_promotion.simulator.hook_log import HookDelivery, delivery_json, item_json

blueprint = Blueprint("hook_routes", __name__)

PER_PAGE, MOST_PER_PAGE = 30, 100
CURSOR_PREFIX = "v1_"


def _own_attempts() -> list[HookDelivery]:
    """The calling App's attempts, newest first: those about one of its installations."""
    app = require_jwt().app
    installations = services().tokens.installations
    mine = {i for i, inst in installations.items() if app and inst.app.app_id == app.app_id}
    return [a for a in services().webhooks.hook_log.newest_first() if a.installation_id in mine]


def _per_page() -> int:
    try:
        return min(max(1, int(request.args.get("per_page", PER_PAGE))), MOST_PER_PAGE)
    except ValueError:
        raise ApiError(422, "Invalid pagination parameters") from None


def _cursor() -> int | None:
    """The id the page starts at (inclusive), from ``cursor=v1_<id>``."""
    cursor = request.args.get("cursor")
    if cursor is None:
        return None
    number = cursor.removeprefix(CURSOR_PREFIX)
    if not cursor.startswith(CURSOR_PREFIX) or not number.isdigit():
        raise ApiError(400, "Invalid cursor")
    return int(number)


def _status_filter(attempts: list[HookDelivery]) -> list[HookDelivery]:
    wanted = request.args.get("status")
    if wanted is None:
        return attempts
    if wanted not in ("success", "failure"):
        raise ApiError(422, "Invalid status: must be success or failure")
    return [a for a in attempts if a.failed == (wanted == "failure")]


@blueprint.get("/app/hook/deliveries")
def list_deliveries():
    per_page, start = _per_page(), _cursor()
    attempts = _status_filter(_own_attempts())
    if start is not None:
        attempts = [a for a in attempts if a.id <= start]
    page, rest = attempts[:per_page], attempts[per_page:]
    headers = {}
    if rest:
        args = {k: v for k, v in request.args.items() if k not in ("cursor", "per_page")}
        query = urlencode({**args, "per_page": per_page, "cursor": f"{CURSOR_PREFIX}{rest[0].id}"})
        headers["Link"] = f'<{request.base_url}?{query}>; rel="next"'
    return json_response([item_json(a) for a in page], headers=headers)


def _own_attempt(delivery_id: int) -> HookDelivery:
    found = next((a for a in _own_attempts() if a.id == delivery_id), None)
    if found is None:
        raise not_found()
    return found


@blueprint.get("/app/hook/deliveries/<int:delivery_id>")
def get_delivery(delivery_id: int):
    return json_response(delivery_json(_own_attempt(delivery_id)))


@blueprint.post("/app/hook/deliveries/<int:delivery_id>/attempts")
def redeliver(delivery_id: int):
    services().webhooks.redeliver(_own_attempt(delivery_id))
    return json_response({}, 202)
