"""The simulator's App delivery log, as GitHub serves it: JWT only, newest first, a
cursor in the Link header, one delivery with its request, and redelivery (202)."""

from __future__ import annotations

from github import Auth

from gh_promotion.simulator import SimApp, Simulator
from testkit.deliveries import SECRET
from tests.reconcile.redelivery_world import (
    app,
    clean_simulator,
    new_repo,
    sim,
    unanswered_pushes,
)
from tests.runtime.helpers import http

__all__ = ["app", "clean_simulator", "sim"]  # fixtures

ITEM_FIELDS = {
    "id",
    "guid",
    "delivered_at",
    "redelivery",
    "duration",
    "status",
    "status_code",
    "event",
    "action",
    "installation_id",
    "repository_id",
}


def as_app(app: SimApp) -> dict[str, str]:
    return {"Authorization": f"Bearer {Auth.AppAuth(app.app_id, app.private_key_pem).token}"}


def test_the_log_is_the_apps_newest_first_and_paginated_by_cursor(
    sim: Simulator, app: SimApp
) -> None:
    guids = unanswered_pushes(sim, 3)
    status, first, headers = http(
        "GET", f"{sim.api_url}/app/hook/deliveries?per_page=2", None, as_app(app)
    )
    assert status == 200
    assert [d["guid"] for d in first["value"]] == guids[::-1][:2]
    assert set(first["value"][0]) == ITEM_FIELDS
    entry = first["value"][0]
    assert (entry["status_code"], entry["status"], entry["event"]) == (
        0,
        "failed to connect",
        "push",
    )
    assert entry["installation_id"] == sim.tokens.installation_for("octo").id
    next_url = headers["Link"].split(">", 1)[0].lstrip("<")
    assert "cursor=" in next_url
    status, second, headers = http("GET", next_url, None, as_app(app))
    assert [d["guid"] for d in second["value"]] == guids[:1]
    assert "Link" not in headers


def test_only_a_jwt_reads_the_log(sim: Simulator, app: SimApp) -> None:
    token = sim.create_personal_token("octocat")
    status, body, _ = http(
        "GET", f"{sim.api_url}/app/hook/deliveries", None, {"Authorization": f"token {token}"}
    )
    assert (status, body["message"]) == (401, "A JSON web token could not be decoded")
    assert http("GET", f"{sim.api_url}/app/hook/deliveries")[0] == 401


def test_another_apps_deliveries_are_not_found(sim: Simulator, app: SimApp) -> None:
    unanswered_pushes(sim, 1)
    (attempt,) = sim.hook_deliveries
    other = sim.create_app(slug="someone-else")
    assert http("GET", f"{sim.api_url}/app/hook/deliveries", None, as_app(other))[1] == {
        "value": []
    }
    url = f"{sim.api_url}/app/hook/deliveries/{attempt.id}"
    assert http("GET", url, None, as_app(other))[0] == 404
    assert http("POST", f"{url}/attempts", b"", as_app(other))[0] == 404


def test_one_delivery_shows_what_was_sent_and_a_redelivery_is_a_new_attempt(
    sim: Simulator, app: SimApp
) -> None:
    repo = new_repo(sim)
    (guid,) = unanswered_pushes(sim, 1, repo)
    (attempt,) = sim.hook_deliveries
    url = f"{sim.api_url}/app/hook/deliveries/{attempt.id}"
    status, delivery, _ = http("GET", url, None, as_app(app))
    assert status == 200
    assert set(delivery) == ITEM_FIELDS | {"url", "request", "response"}
    assert delivery["request"]["headers"]["X-GitHub-Delivery"] == guid
    assert delivery["request"]["payload"]["repository"]["full_name"] == repo.full_name

    sim.set_webhook(sim.api_url + "/nowhere", SECRET)  # the simulator answers 404 there
    status, body, _ = http("POST", f"{url}/attempts", b"", as_app(app))
    assert (status, body) == (202, {})
    sim.wait_for_webhooks(timeout=30)
    again, first = sim.hook_deliveries
    assert (again.guid, again.redelivery, again.status_code) == (guid, True, 404)
    assert again.id > first.id and first.redelivery is False
    assert again.request_payload == first.request_payload
    assert [d.redelivery for d in sim.deliveries if d.delivery_id == guid] == [False, True]
