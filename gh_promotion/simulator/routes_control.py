"""The control API (`/_sim/...`): the Python API's main operations over HTTP.

For the demo's `--keep` mode and benchmarks that drive a simulator from another process.
These routes are not GitHub's; they take no credentials and are not in the request log.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint

from gh_promotion.simulator import rulesets
from gh_promotion.simulator.api import body, json_response, services
from gh_promotion.simulator.errors import ApiError

blueprint = Blueprint("control_routes", __name__, url_prefix="/_sim")
REPO = "/repos/<owner>/<name>"


@blueprint.errorhandler(ValueError)
def _refused(error: ValueError):
    return json_response({"message": str(error)}, 422)


@blueprint.errorhandler(LookupError)
def _missing(error: LookupError):
    return json_response({"message": str(error)}, 404)


def _sim():
    return services().simulator


def _required(data: dict, *keys: str) -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise ApiError(422, f"missing field(s): {', '.join(missing)}")


@blueprint.post("/clock")
def advance_clock():
    """`{"advance": seconds}`: move GitHub's time forward (for a process under test)."""
    data = body()
    _required(data, "advance")
    offset = _sim().advance_clock(float(data["advance"]))
    return json_response({"offset": offset, "now": _sim().clock.now()})


@blueprint.post("/tokens")
def create_token():
    data = body()
    return json_response({"token": _sim().create_personal_token(data.get("login", "octocat"))}, 201)


@blueprint.post("/apps")
def create_app():
    data = body()
    app = _sim().create_app(data.get("slug", "gh-promotion"))
    return json_response(
        {"app_id": app.app_id, "slug": app.slug, "private_key_pem": app.private_key_pem}, 201
    )


@blueprint.post("/installations")
def install():
    data = body()
    _required(data, "app_id", "owner")
    app = services().tokens.apps.get(int(data["app_id"]))
    if app is None:
        raise ApiError(404, "no such app")
    return json_response({"id": _sim().install_app(app, data["owner"])}, 201)


@blueprint.post("/installations/<int:installation_id>/suspended")
def suspend(installation_id: int):
    _sim().suspend_installation(installation_id, bool(body().get("suspended", True)))
    return json_response({"id": installation_id})


@blueprint.post("/installation-tokens/revoke")
def revoke_tokens():
    data = body()
    app = services().tokens.apps.get(int(data["app_id"])) if "app_id" in data else None
    if "app_id" in data and app is None:
        raise ApiError(404, "no such app")
    return json_response({"revoked": _sim().revoke_installation_tokens(app)})


@blueprint.post("/apps/<int:app_id>/rotate-key")
def rotate_key(app_id: int):
    app = services().tokens.apps.get(app_id)
    if app is None:
        raise ApiError(404, "no such app")
    rotated = _sim().rotate_app_key(app)
    return json_response({"app_id": app_id, "private_key_pem": rotated.private_key_pem})


@blueprint.post("/repos")
def create_repository():
    data = body()
    _required(data, "full_name")
    repo = _sim().create_repository(
        data["full_name"],
        custom_properties=data.get("custom_properties"),
        branches=tuple(data.get("branches", ["main"])),
        history=int(data.get("history", 3)),
        default_branch=data.get("default_branch", "main"),
    )
    return json_response(_summary(repo), 201)


def _summary(repo) -> dict:
    return {
        "full_name": repo.full_name,
        "branches": repo.branches,
        "pull_requests": [
            {
                "number": p["number"],
                "state": p["state"],
                "merged": p["merged"],
                "head": p["head"]["ref"],
                "base": p["base"]["ref"],
                "head_sha": p["head"]["sha"],
            }
            for p in repo.pull_requests("all")
        ],
    }


def _repo(owner: str, name: str):
    return _sim().repository(f"{owner}/{name}")


@blueprint.get(REPO)
def repository_state(owner: str, name: str):
    return json_response(_summary(_repo(owner, name)))


@blueprint.post(f"{REPO}/push")
def push(owner: str, name: str):
    data = body()
    _required(data, "branch")
    sha = _repo(owner, name).push(data["branch"], data.get("message", "change"), data.get("files"))
    return json_response({"sha": sha}, 201)


@blueprint.post(f"{REPO}/branches")
def set_branch(owner: str, name: str):
    data = body()
    _required(data, "branch", "sha")
    _repo(owner, name).set_branch(data["branch"], data["sha"])
    return json_response({"branch": data["branch"], "sha": data["sha"]})


@blueprint.post(f"{REPO}/statuses")
def set_status(owner: str, name: str):
    data = body()
    _required(data, "sha")
    status = _repo(owner, name).set_status(
        data["sha"],
        data.get("state", "success"),
        data.get("context", "ci"),
        data.get("description"),
    )
    return json_response(status, 201)


@blueprint.post(f"{REPO}/check-suites")
def complete_check_suite(owner: str, name: str):
    data = body()
    _required(data, "sha")
    return json_response(
        _repo(owner, name).complete_check_suite(data["sha"], data.get("conclusion", "success"))
    )


@blueprint.post(f"{REPO}/pulls/<int:number>/approve")
def approve(owner: str, name: str, number: int):
    data = body()
    review_id = _repo(owner, name).approve(
        number, data.get("commit_id"), data.get("login", "reviewer")
    )
    return json_response({"id": review_id}, 201)


@blueprint.post(f"{REPO}/protection/<path:branch>")
def protect(owner: str, name: str, branch: str):
    data = body()
    _repo(owner, name).protect(
        branch,
        tuple(data.get("required_contexts", ())),
        int(data.get("required_approving_reviews", 0)),
        bool(data.get("allow_force_pushes", False)),
    )
    return json_response({"branch": branch})


@blueprint.post(f"{REPO}/rulesets")
def add_ruleset(owner: str, name: str):
    """`POST /repos/{o}/{r}/rulesets`'s body, without needing an admin's token."""
    with services().world.lock:
        ruleset = rulesets.create(services().world.repo(owner, name), body())
    return json_response({"id": ruleset.id}, 201)


@blueprint.get("/requests")
def read_requests():
    return json_response([asdict(r) for r in _sim().requests])


@blueprint.delete("/requests")
def clear_requests():
    _sim().clear_requests()
    return json_response(None, 204)


@blueprint.get("/deliveries")
def read_deliveries():
    return json_response(
        [
            {
                "event": d.event,
                "delivery_id": d.delivery_id,
                "status": d.status,
                "payload": d.payload,
            }
            for d in _sim().deliveries
        ]
    )


@blueprint.post("/webhook")
def set_webhook():
    data = body()
    _sim().set_webhook(data.get("url"), data.get("secret", ""))
    return json_response({"url": data.get("url")})


@blueprint.post("/faults")
def inject_fault():
    data = body()
    _sim().inject_fault(
        method=data.get("method"),
        path=data.get("path", ".*"),
        status=int(data.get("status", 500)),
        count=int(data.get("count", 1)),
        retry_after=data.get("retry_after"),
        delay=float(data.get("delay", 0.0)),
        body=data.get("body"),
        rate_limit=data.get("rate_limit"),
        reset_in=int(data.get("reset_in", 60)),
    )
    return json_response({"armed": True}, 201)


@blueprint.delete("/faults")
def clear_faults():
    _sim().clear_faults()
    return json_response(None, 204)


@blueprint.post("/latency")
def set_latency():
    data = body()
    _sim().set_latency(float(data.get("seconds", 0.0)))
    return json_response({"seconds": _sim().traffic.latency})
