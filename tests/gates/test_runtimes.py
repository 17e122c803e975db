"""`frozen` and `held` through a real runtime: not failures, so a local invoke exits 0."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

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
