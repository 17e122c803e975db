"""GitHub App routes: `/app`, installations and installation access tokens (JWT only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from gh_promotion.simulator import views
from gh_promotion.simulator.api import json_response, paginated, require_jwt, services
from gh_promotion.simulator.errors import installation_suspended, not_found
from gh_promotion.simulator.model import Installation, iso

blueprint = Blueprint("app_routes", __name__)


def _installation_json(installation: Installation) -> dict[str, Any]:
    base = services().world.base
    return {
        "id": installation.id,
        "account": views.user(base, installation.owner, "Organization"),
        "repository_selection": "all",
        "access_tokens_url": f"{base}/app/installations/{installation.id}/access_tokens",
        "repositories_url": f"{base}/installation/repositories",
        "html_url": f"{base}/settings/installations/{installation.id}",
        "app_id": installation.app.app_id,
        "app_slug": installation.app.slug,
        "target_id": views.user_id(installation.owner),
        "target_type": "Organization",
        "permissions": views.app(base, installation.app)["permissions"],
        "events": views.app(base, installation.app)["events"],
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "single_file_name": None,
        "suspended_at": iso(installation.suspended_at),
        "suspended_by": (
            views.user(base, installation.owner) if installation.suspended_at else None
        ),
    }


def _own_installation(installation_id: int) -> Installation:
    app = require_jwt().app
    installation = services().tokens.installations.get(installation_id)
    if installation is None or app is None or installation.app.app_id != app.app_id:
        raise not_found()
    return installation


@blueprint.get("/app")
def get_app():
    app = require_jwt().app
    return json_response(views.app(services().world.base, app))


@blueprint.get("/app/installations")
def list_installations():
    app = require_jwt().app
    mine = [
        i for i in services().tokens.installations.values() if app and i.app.app_id == app.app_id
    ]
    return paginated([_installation_json(i) for i in mine])


@blueprint.get("/app/installations/<int:installation_id>")
def get_installation(installation_id: int):
    return json_response(_installation_json(_own_installation(installation_id)))


@blueprint.post("/app/installations/<int:installation_id>/access_tokens")
def create_access_token(installation_id: int):
    installation = _own_installation(installation_id)
    if installation.suspended_at is not None:
        raise installation_suspended()
    token, expires = services().tokens.issue_installation_token(installation)
    return json_response(
        {
            "token": token,
            "expires_at": iso(expires),
            "permissions": views.app(services().world.base, installation.app)["permissions"],
            "repository_selection": "all",
        },
        201,
    )


@blueprint.put("/app/installations/<int:installation_id>/suspended")
def suspend_installation(installation_id: int):
    services().tokens.set_suspended(_own_installation(installation_id), True)
    return json_response(None, 204)


@blueprint.delete("/app/installations/<int:installation_id>/suspended")
def unsuspend_installation(installation_id: int):
    services().tokens.set_suspended(_own_installation(installation_id), False)
    return json_response(None, 204)


def _installation_of(owner: str) -> Installation:
    app = require_jwt().app
    installation = services().tokens.installation_for(owner, app)
    if installation is None:
        raise not_found()
    return installation


@blueprint.get("/repos/<owner>/<name>/installation")
def repo_installation(owner: str, name: str):
    installation = _installation_of(owner)
    services().world.repo(owner, name)
    return json_response(_installation_json(installation))


@blueprint.get("/orgs/<owner>/installation")
@blueprint.get("/users/<owner>/installation")
def owner_installation(owner: str):
    return json_response(_installation_json(_installation_of(owner)))
