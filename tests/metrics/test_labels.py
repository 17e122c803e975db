"""Labels stay bounded, and prometheus_client stays where only the service loads it."""

from __future__ import annotations

import pytest

from gh_promotion.metrics.catalog import GITHUB_REQUESTS, LEAD_TIME, Sample
from gh_promotion.metrics.emf import EmfCollector
from gh_promotion.metrics.github import endpoint_template
from tests.test_architecture import PACKAGE, imported_modules


@pytest.mark.parametrize(
    ("path", "template"),
    [
        (
            "/repos/octo/app/git/refs/heads/feature/deep/name",
            "/repos/{owner}/{repo}/git/refs/{ref}",
        ),
        ("/repos/octo/app/pulls/12", "/repos/{owner}/{repo}/pulls/{number}"),
        ("/repos/octo/app/compare/main...feature/x", "/repos/{owner}/{repo}/compare/{basehead}"),
        ("/repos/octo/app/statuses/" + "a" * 40, "/repos/{owner}/{repo}/statuses/{sha}"),
        (
            "/app/installations/42/access_tokens",
            "/app/installations/{installation_id}/access_tokens",
        ),
        ("/app/hook/deliveries/7/attempts", "/app/hook/deliveries/{delivery_id}/attempts"),
        ("/repos/octo/app", "/repos/{owner}/{repo}"),
        ("/repos/octo/app/some-new-route/x", "/repos/{owner}/{repo}/{other}/{other}"),
    ],
)
def test_endpoint_is_a_route_template_never_the_path(path: str, template: str) -> None:
    assert endpoint_template(path) == template


def test_many_repositories_and_branches_make_one_series() -> None:
    paths = {f"/repos/o{i}/r{i}/git/refs/heads/b{i}" for i in range(500)}
    assert {endpoint_template(p) for p in paths} == {"/repos/{owner}/{repo}/git/refs/{ref}"}


def test_emf_keeps_one_label_set_as_dimensions_and_adds_up_several() -> None:
    collector = EmfCollector("ns")
    for route in ("/a", "/b", "/c"):
        collector.add(Sample(GITHUB_REQUESTS, ("GET", route, "200")))
    collector.add(Sample(LEAD_TIME, ("staging",), 30.0))
    document = collector.document(now=1.0)
    assert document is not None
    assert document["GitHubRequests"] == 3 and "endpoint" not in document
    assert (document["PromotionLeadTime"], document["stage"]) == (30.0, "staging")
    by_metric = {
        m["Name"]: e["Dimensions"]
        for e in document["_aws"]["CloudWatchMetrics"]
        for m in e["Metrics"]
    }
    assert by_metric == {"GitHubRequests": [[]], "PromotionLeadTime": [["stage"]]}


def test_only_the_prometheus_sink_imports_prometheus_client() -> None:
    importers = {
        str(path.relative_to(PACKAGE.parent))
        for path in PACKAGE.rglob("*.py")
        if any(n.startswith("prometheus_client") for n in imported_modules(path))
    }
    assert importers == {
        "gh_promotion/metrics/prometheus.py",
        "gh_promotion/runtime/metrics_http.py",
    }
