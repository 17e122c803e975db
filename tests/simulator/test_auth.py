"""Credentials: personal tokens, App JWTs (RS256, ≤ 10 minutes), expiring installation tokens."""

from __future__ import annotations

import json
import time

import jwt
import pytest
import requests
from github import Auth, GithubException, GithubIntegration

from tests.simulator.conftest import api, client


@pytest.fixture(scope="module")
def app(sim):
    app = sim.create_app(slug="promoter")
    sim.install_app(app, "octo")
    return app


def _jwt(app, key: str | None = None, iat: float | None = None, exp: float | None = None, iss=None):
    now = time.time()
    claims = {
        "iat": int(now - 60 if iat is None else iat),
        "exp": int(now + 300 if exp is None else exp),
        "iss": str(app.app_id) if iss is None else iss,
    }
    # PyJWS signs raw bytes, so a numeric `iss` (which PyJWT's encoder refuses) can be sent.
    return jwt.api_jws.PyJWS().encode(
        json.dumps(claims).encode(), key or app.private_key_pem, algorithm="RS256"
    )


def test_pygithub_app_flow_reaches_the_repository(sim, app, repo):
    integration = GithubIntegration(
        auth=Auth.AppAuth(app.app_id, app.private_key_pem),
        base_url=sim.api_url,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    assert integration.get_app().slug == "promoter"
    assert [i.id for i in integration.get_installations()] == [sim.install_app(app, "octo")]
    installation = integration.get_repo_installation(repo.owner, repo.name)
    token = integration.get_access_token(installation.id)
    assert token.token.startswith("ghs_")
    assert 3500 < (token.expires_at.timestamp() - time.time()) <= 3600
    gh = client(sim, Auth.Token(token.token))
    assert gh.get_repo(repo.full_name).get_branch("main").commit.sha == repo.branch_sha("main")
    kinds = {r.token_kind for r in sim.requests if r.path.startswith("/app")}
    assert kinds == {"jwt"}


def test_integer_issuer_is_accepted(sim, app):
    answer = api(sim, _jwt(app, iss=app.app_id), "GET", "/app")
    assert answer.status_code == 200 and answer.json()["id"] == app.app_id


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"exp": time.time() + 1200}, "is too far in the future"),
        ({"iat": time.time() - 1200, "exp": time.time() - 600}, "future time"),
    ],
)
def test_jwt_too_long_or_expired_is_401(sim, app, claims, message):
    answer = api(sim, _jwt(app, **claims), "GET", "/app")
    assert answer.status_code == 401 and message in answer.json()["message"]


def test_jwt_signed_with_another_key_is_401(sim, app):
    other = sim.create_app(slug="other")
    forged = _jwt(app, key=other.private_key_pem)
    answer = api(sim, forged, "GET", "/app")
    assert answer.status_code == 401
    assert answer.json()["message"] == "A JSON web token could not be decoded"


def test_unknown_token_is_bad_credentials(sim, repo):
    for header in ("token ghp_unknown", "Bearer nope", "Basic abc"):
        answer = api(
            sim, None, "GET", f"/repos/{repo.full_name}", headers={"Authorization": header}
        )
        assert (answer.status_code, answer.json()["message"]) == (401, "Bad credentials")


def test_repository_routes_need_a_token(sim, app, repo):
    assert api(sim, None, "GET", f"/repos/{repo.full_name}").status_code == 401
    assert api(sim, _jwt(app), "GET", f"/repos/{repo.full_name}").status_code == 403


def test_app_routes_need_a_jwt(sim, token, app):
    assert api(sim, token, "GET", "/app").status_code == 401
    installation = sim.tokens.installation_for("octo", app)
    path = f"/app/installations/{installation.id}/access_tokens"
    assert api(sim, token, "POST", path).status_code == 401
    assert api(sim, _jwt(app), "POST", path).status_code == 201


def test_installation_token_only_reaches_its_owner(sim, app, repo):
    elsewhere = sim.create_repository("someone-else/repo")
    token = sim.create_installation_token(sim.install_app(app, "octo"))
    assert api(sim, token, "GET", f"/repos/{repo.full_name}").status_code == 200
    assert api(sim, token, "GET", f"/repos/{elsewhere.full_name}").status_code == 404


def test_installation_tokens_expire(sim, app, repo):
    token = sim.create_installation_token(sim.install_app(app, "octo"))
    assert api(sim, token, "GET", f"/repos/{repo.full_name}").status_code == 200
    sim.expire_installation_tokens()
    expired = api(sim, token, "GET", f"/repos/{repo.full_name}")
    assert (expired.status_code, expired.json()["message"]) == (401, "Bad credentials")


def test_uninstalled_owner_has_no_installation(sim, app):
    lonely = sim.create_repository("lonely/repo")
    answer = api(sim, _jwt(app), "GET", f"/repos/{lonely.full_name}/installation")
    assert answer.status_code == 404
    with pytest.raises(GithubException):
        GithubIntegration(
            auth=Auth.AppAuth(app.app_id, app.private_key_pem), base_url=sim.api_url
        ).get_repo_installation("lonely", "repo")


def _exchange(sim, app, installation_id):
    return api(sim, _jwt(app), "POST", f"/app/installations/{installation_id}/access_tokens")


def test_revoked_installation_tokens_are_bad_credentials(sim, app, repo):
    installation_id = sim.install_app(app, "octo")
    token = _exchange(sim, app, installation_id).json()["token"]
    assert api(sim, token, "GET", f"/repos/{repo.full_name}").status_code == 200
    assert sim.revoke_installation_tokens(app) >= 1
    refused = api(sim, token, "GET", f"/repos/{repo.full_name}")
    assert (refused.status_code, refused.json()["message"]) == (401, "Bad credentials")
    fresh = _exchange(sim, app, installation_id).json()["token"]
    assert api(sim, fresh, "GET", f"/repos/{repo.full_name}").status_code == 200


def test_a_rotated_key_makes_old_jwts_fail(sim, repo):
    app = sim.create_app(slug="rotating")
    installation_id = sim.install_app(app, "octo")
    rotated = sim.rotate_app_key(app)
    refused = _exchange(sim, app, installation_id)
    assert refused.status_code == 401
    assert refused.json()["message"] == "A JSON web token could not be decoded"
    assert _exchange(sim, rotated, installation_id).status_code == 201


def test_a_suspended_installation_gets_no_token_and_its_tokens_are_refused(sim, repo):
    app = sim.create_app(slug="suspendable")
    installation_id = sim.install_app(app, "octo")
    token = _exchange(sim, app, installation_id).json()["token"]
    suspend = api(sim, _jwt(app), "PUT", f"/app/installations/{installation_id}/suspended")
    assert suspend.status_code == 204
    refused = _exchange(sim, app, installation_id)
    assert refused.status_code == 403
    assert refused.json()["message"] == "This installation has been suspended"
    assert api(sim, token, "GET", f"/repos/{repo.full_name}").status_code == 403
    shown = api(sim, _jwt(app), "GET", f"/app/installations/{installation_id}").json()
    assert shown["suspended_at"] is not None
    api(sim, _jwt(app), "DELETE", f"/app/installations/{installation_id}/suspended")
    assert api(sim, token, "GET", f"/repos/{repo.full_name}").status_code == 200
    assert _exchange(sim, app, installation_id).status_code == 201


def test_control_api_revokes_rotates_and_suspends(sim):
    app = sim.create_app(slug="controlled")
    installation_id = sim.install_app(app, "octo")
    _exchange(sim, app, installation_id)
    base = f"{sim.api_url}/_sim"
    revoked = requests.post(
        f"{base}/installation-tokens/revoke", json={"app_id": app.app_id}, timeout=5
    )
    assert revoked.json() == {"revoked": 1}
    rotated = requests.post(f"{base}/apps/{app.app_id}/rotate-key", timeout=5).json()
    assert rotated["private_key_pem"] != app.private_key_pem
    requests.post(f"{base}/installations/{installation_id}/suspended", json={}, timeout=5)
    assert sim.tokens.installations[installation_id].suspended_at is not None
    requests.post(
        f"{base}/installations/{installation_id}/suspended", json={"suspended": False}, timeout=5
    )
    assert sim.tokens.installations[installation_id].suspended_at is None
