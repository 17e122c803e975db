"""`frozen` and `held` through a real runtime (not failures: exit 0) and in the metrics."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from gh_promotion.config.model import Config
from gh_promotion.core import Delivery
from gh_promotion.core.result import Result, Status
from gh_promotion.metrics.catalog import PROMOTIONS
from gh_promotion.metrics.deliveries import promotion_samples
from testkit import lambda_events, payloads
from testkit.simulated_app import PROPS
from tests.runtime.helpers import app_env


def test_a_frozen_promotion_exits_0_from_lambda_event(github, tmp_path: Path) -> None:
    repo = github.staged_repo()
    pull = github.request(repo, "main", "staging")
    now = datetime.now(timezone.utc)
    window = {
        "from": (now - timedelta(minutes=1)).isoformat(),
        "to": (now + timedelta(hours=1)).isoformat(),
        "reason": "code freeze",
    }
    review = payloads.review(
        repo.full_name,
        payloads.from_api_pull(repo.full_name, pull),
        properties=PROPS,
        installation_id=github.installation_id,
    )
    event = lambda_events.eventbridge("pull_request_review", review, "eb-frozen")

    done = subprocess.run(
        [sys.executable, "-m", "gh_promotion", "lambda", "event"],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=app_env(github.sim.api_url, github.app, PROMOTION_FREEZE=json.dumps([window])),
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "frozen"
    assert result["reason"].startswith("frozen: code freeze until ")
    assert repo.branch_sha("staging") != pull["head"]["sha"]


def test_frozen_and_held_are_counted_as_promotion_outcomes() -> None:
    for status in (Status.FROZEN, Status.HELD):
        result = Result(status, "kept back", source="canary", target="production")
        [sample] = promotion_samples(Delivery("status", "d", {}), result, Config(), ())
        assert (sample.metric, sample.labels) == (PROMOTIONS, ("production", status.value))
