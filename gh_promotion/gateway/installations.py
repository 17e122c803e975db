"""Which repositories the App is on: its installations (JWT) and each one's repositories.

``GET /app/installations`` is asked with the App's JWT, ``GET
/installation/repositories`` with each installation's token; both are
paginated. The repository objects carry ``custom_properties``, so the sweep
knows each promotion path without reading the repository again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from gh_promotion.config.model import Config
from gh_promotion.core.errors import CredentialsRejected
from gh_promotion.gateway.budget import Budget
from gh_promotion.gateway.github import link
from gh_promotion.gateway.ratelimit import Hold
from gh_promotion.gateway.requester import Unauthorized, send

PER_PAGE = 100


class Installation(NamedTuple):
    id: int
    account: str  # the owner's login


def installations(config: Config, budget: float) -> list[Installation]:
    """Every installation of the App (not the suspended ones: they can do nothing)."""
    from gh_promotion.gateway.client import app_jwt
    from gh_promotion.gateway.http import Http

    http = Http(config.github.api_url)
    jwt = app_jwt(config.github)
    clock, hold = Budget(budget), Hold("the App")
    found: list[Installation] = []
    url: str | None = "/app/installations"
    params: dict[str, Any] | None = {"per_page": PER_PAGE}
    try:
        while url is not None:
            try:
                response = send(http, hold, clock, "GET", url, f"Bearer {jwt()}", params=params)
            except Unauthorized as refused:
                raise CredentialsRejected(
                    f"GitHub rejected the App's credentials ({refused.message}) listing its"
                    " installations: check github.appId and the private key"
                ) from None
            found += [
                Installation(i["id"], (i.get("account") or {}).get("login", ""))
                for i in response.data
                if not i.get("suspended_at")
            ]
            url, params = link(response.headers, "next"), None
    finally:
        http.close()
    return found


def repositories(requester: Any) -> Iterator[dict[str, Any]]:
    """The repositories one installation may reach, as GitHub's repository objects."""
    headers, data = requester.request(
        "GET", "/installation/repositories", params={"per_page": PER_PAGE}
    )
    yield from data.get("repositories", [])
    while (following := link(headers, "next")) is not None:
        headers, data = requester.request("GET", following)
        yield from data.get("repositories", [])
