"""`gh-promotion report lead-time` on a repository whose promotion history the test builds:
commits promoted main → staging → canary by the real service, through real deliveries."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from gh_promotion.simulator import SimApp, SimRepository, Simulator
from testkit.deliveries import SECRET
from tests.runtime.conftest import new_repository
from tests.runtime.helpers import ServiceProcess, app_env, http

STAGES = "main,staging,canary"


@pytest.fixture(scope="module")
def promoted(
    sim: Simulator, app: SimApp, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimRepository]:
    """Two commits, each promoted to canary by approving each promotion request."""
    service = ServiceProcess([], app_env(sim.api_url, app), tmp_path_factory.mktemp("service"))
    service.wait_listening()
    try:
        sim.set_webhook(service.base_url, SECRET)
        repo = new_repository(sim, STAGES)
        for change in ("feature: one", "feature: two"):
            head = repo.push("main", change)
            for target in ("staging", "canary"):
                sim.wait_for_webhooks(timeout=30)
                (pull,) = repo.pull_requests()
                assert pull["base"]["ref"] == target
                repo.approve(pull["number"])
                sim.wait_for_webhooks(timeout=30)
                assert repo.branch_sha(target) == head
        yield repo
    finally:
        sim.set_webhook(None)
        service.stop()
        service.kill()


def report(
    sim: Simulator, app: SimApp, tmp_path: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gh_promotion", "report", "lead-time", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=app_env(sim.api_url, app),
        timeout=60,
    )


def seconds(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_the_report_gives_each_stage_its_lead_time_from_main(
    sim: Simulator, app: SimApp, promoted: SimRepository, tmp_path: Path
) -> None:
    sim.clear_requests()
    done = report(sim, app, tmp_path, promoted.full_name, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # stdout: the report alone

    # What GitHub holds: each commit's request to staging opened on its arrival in main.
    closed = promoted.pull_requests("closed")
    opened = {
        p["head"]["sha"]: seconds(p["created_at"]) for p in closed if p["base"]["ref"] == "staging"
    }
    expected = {
        target: sorted(
            round(seconds(p["merged_at"]) - opened[p["head"]["sha"]], 3)
            for p in closed
            if p["base"]["ref"] == target
        )
        for target in ("staging", "canary")
    }
    assert result["first_stage"] == "main" and result["promotions"] == 4
    by_stage = {s["stage"]: s for s in result["stages"]}
    assert list(by_stage) == ["staging", "canary"]
    for stage, times in expected.items():
        assert by_stage[stage]["count"] == 2
        assert by_stage[stage]["median_seconds"] == times[0]  # nearest rank of two: the first
        assert by_stage[stage]["p90_seconds"] == times[1]
        assert sum(b["count"] for b in by_stage[stage]["histogram"]) == 2
    # Bounded: the App's installation, its token, then one page of closed pull requests.
    assert result["github_requests"] == 3 == len(sim.requests)
    assert [r.path.split("?")[0] for r in sim.requests][-1].endswith("/pulls")


def test_the_text_report_draws_a_histogram(
    sim: Simulator, app: SimApp, promoted: SimRepository, tmp_path: Path
) -> None:
    done = report(sim, app, tmp_path, promoted.full_name, "--since", "1d")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"lead time from main to each stage, {promoted.full_name}")
    assert any(line.startswith("staging: 2 commit(s), median") for line in lines)
    assert any(line.strip().startswith("< 1m |") and line.endswith(" 2") for line in lines)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["not-a-repository"], "is not OWNER/REPO"),
        (["octo/app", "--since", "soon"], "--since 'soon'"),
        (["octo/app", "--since", "0d"], "--since '0d'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    sim: Simulator, app: SimApp, tmp_path: Path, args: list[str], words: str
) -> None:
    done = report(sim, app, tmp_path, *args)
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert words in line and "Traceback" not in done.stderr


def test_the_simulator_sorts_closed_pulls_by_update(
    sim: Simulator, promoted: SimRepository
) -> None:
    token = sim.create_installation_token(sim_installation(sim, promoted))
    url = f"{sim.api_url}/repos/{promoted.full_name}/pulls?state=closed&sort=updated&direction=asc"
    status, _, _ = http("GET", url, headers={"Authorization": f"token {token}"})
    assert status == 200
    bad = http(
        "GET",
        url.replace("sort=updated", "sort=sideways"),
        headers={"Authorization": f"token {token}"},
    )
    assert bad[0] == 422


def sim_installation(sim: Simulator, repo: SimRepository) -> int:
    import urllib.request

    del urllib  # the installation id is in any delivery's payload
    return next(
        d.payload["installation"]["id"] for d in sim.deliveries if "installation" in d.payload
    )


def test_pages_are_followed_and_capped(
    sim: Simulator,
    app: SimApp,
    promoted: SimRepository,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One pull request a page: every page is read, up to the cap, which the report says."""
    from gh_promotion.gateway.client import forget_clients
    from gh_promotion.runtime import lead_time
    from tests.runtime.helpers import config_from_env

    env = app_env(sim.api_url, app)
    config = config_from_env(**{k: v for k, v in env.items() if k.startswith("GITHUB_")})
    monkeypatch.setattr(lead_time, "PER_PAGE", 1)
    try:
        assert lead_time.report_lead_time(config, promoted.full_name, "1d", True) == 0
        whole = json.loads(capsys.readouterr().out)
        assert (whole["promotions"], whole["truncated"]) == (4, False)
        assert whole["github_requests"] == 2 + 4  # installation, token, a page per request

        monkeypatch.setattr(lead_time, "MOST_PAGES", 2)
        assert lead_time.report_lead_time(config, promoted.full_name, "1d", True) == 0
        capped = json.loads(capsys.readouterr().out)
        assert (capped["promotions"], capped["truncated"]) == (2, True)
        assert capped["github_requests"] == 1 + 2  # the token is cached in the process now
    finally:
        forget_clients()


def test_a_repository_github_does_not_know_exits_1_with_one_line(
    sim: Simulator, app: SimApp, tmp_path: Path
) -> None:
    done = report(sim, app, tmp_path, "octo/no-such-repository")
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("gh-promotion: GitHub refused reading octo/no-such-repository")
