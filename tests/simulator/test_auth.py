"""Credentials: personal tokens, App JWTs (RS256, ≤ 10 minutes), expiring installation tokens."""

from __future__ import annotations

import json
import time

import jwt
import pytest
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
