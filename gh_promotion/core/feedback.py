"""What gh-promotion writes on a commit to tell people what happened (no I/O).

Two mechanisms, either or both: a check run (the default; needs a GitHub App)
and a commit status. Both carry the same outcome; this module renders them.
Limits are GitHub's: a status description is at most 140 characters, check run
output fields at most 65,535.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone
from typing import NamedTuple

from gh_promotion.config.model import Config
from gh_promotion.core.result import Outcome, Status

STATUS_DESCRIPTION_LIMIT = 140
CHECK_RUN_TEXT_LIMIT = 65535

# Outcome → (commit status state, check run conclusion, icon)
_RENDERING = {
    Status.PROMOTED: ("success", "success", "✅"),
    Status.ROLLED_BACK: ("success", "success", "⏪"),
    Status.PENDING: ("pending", "neutral", "⏳"),
    Status.BLOCKED: ("pending", "neutral", "🚧"),
    Status.FAILED: ("failure", "failure", "❌"),
    Status.REJECTED: ("failure", "failure", "⛔"),
    Status.FROZEN: ("pending", "neutral", "🧊"),
    Status.HELD: ("pending", "neutral", "✋"),
}


class Feedback(NamedTuple):
    """One outcome to report on ``sha``: ``source → target`` along ``stages``."""

    status: Status
    source: str
    target: str
    sha: str
    stages: tuple[str, ...]
    reason: str
    pull_request: int | None = None
    waiting: str = ""  # what it still waits for: 'waiting for: check "ci", 1 approval'

    @classmethod
    def of(cls, outcome: Outcome, stages: tuple[str, ...], waiting: str = "") -> Feedback:
        """The outcome as it is reported on its commit, along the repository's path."""
        return cls(
            outcome.status,
            outcome.source,
            outcome.target,
            outcome.sha,
            stages,
            outcome.reason,
            outcome.pull_request,
            waiting,
        )

    @property
    def reportable(self) -> bool:
        return self.status in _RENDERING

    @property
    def progress(self) -> str:
        if self.target in self.stages:
            return f"{self.stages.index(self.target) + 1}/{len(self.stages)}"
        return f"?/{len(self.stages)}"


def use_check_runs(config: Config) -> bool:
    """Check runs need a GitHub App: with a personal token, statuses stand in for them."""
    return config.promotion.feedback.check_run.enabled and config.github.auth_mode != "token"


def use_commit_statuses(config: Config) -> bool:
    feedback = config.promotion.feedback
    substitute = feedback.check_run.enabled and not use_check_runs(config)
    return feedback.commit_status.enabled or substitute


def title(template: str, feedback: Feedback) -> str:
    return name_for(template, feedback.source, feedback.target)


def name_for(template: str, source: str, target: str) -> str:
    """A check run name or status context: the template with its placeholders filled."""
    return template.replace("{source}", source).replace("{target}", target)


def status_state(feedback: Feedback) -> str:
    return _RENDERING[feedback.status][0]


def status_description(feedback: Feedback, now: datetime | None = None) -> str:
    """``✅ 2/4 @ 2026-11-26T10:00:00Z`` when promoted; when pending, what it waits for
    (``⏳ 2/4 waiting for: check "ci", 1 approval``) if known; the reason otherwise
    (it starts with what a blocked promotion waits for)."""
    icon = _RENDERING[feedback.status][2]
    if feedback.status is Status.PENDING and feedback.waiting:
        text = f"{icon} {feedback.progress} {feedback.waiting}"
    elif feedback.status in (Status.PROMOTED, Status.PENDING, Status.ROLLED_BACK):
        text = f"{icon} {feedback.progress} @ {_timestamp(now)}"
    else:
        text = f"{icon} {feedback.reason}"
    return _truncate(text, STATUS_DESCRIPTION_LIMIT)


def check_run_conclusion(feedback: Feedback) -> str:
    return _RENDERING[feedback.status][1]


def check_run_output(feedback: Feedback, now: datetime | None = None) -> dict[str, str]:
    """Title, summary and a text with the path drawn as a Mermaid flowchart."""
    icon = _RENDERING[feedback.status][2]
    arrow = f"{feedback.source} → {feedback.target}"
    title_text = f"{icon} {arrow}: {feedback.status.value.replace('_', ' ')}"
    if feedback.status is Status.BLOCKED:  # what GitHub said, where `explain` reads it back
        title_text += f" — {feedback.reason}"
    summary = feedback.reason
    if feedback.waiting and feedback.waiting not in feedback.reason:
        summary += f"\n\n{feedback.waiting[0].upper()}{feedback.waiting[1:]}."
    summary += f"\n\nStage {feedback.progress} of the promotion path."
    if feedback.pull_request is not None:
        summary += f" Pull request #{feedback.pull_request}."
    text = "\n".join(
        [
            "```mermaid",
            _flowchart(feedback),
            "```",
            "",
            f"Reported at {_timestamp(now)}.",
            "",
            "<!-- gh-promotion " + json.dumps(_metadata(feedback)) + " -->",
        ]
    )
    return {
        "title": _truncate(title_text, 1024),
        "summary": _truncate(summary, CHECK_RUN_TEXT_LIMIT),
        "text": _truncate(text, CHECK_RUN_TEXT_LIMIT),
    }


def _flowchart(feedback: Feedback) -> str:
    stages = list(feedback.stages)
    ids = {stage: f"s{i}" for i, stage in enumerate(stages)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[s]}["{_mermaid_label(s)}"]' for s in stages]
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in itertools.pairwise(stages)]
    colour = {"success": "#2da44e", "neutral": "#bf8700", "failure": "#cf222e"}
    fill = colour[check_run_conclusion(feedback)]
    for stage in (feedback.source, feedback.target):
        if stage in ids:
            lines.append(f"  style {ids[stage]} fill:{fill},color:#fff")
    return "\n".join(lines)


def _mermaid_label(stage: str) -> str:
    return stage.replace('"', "#quot;")


def _metadata(feedback: Feedback) -> dict[str, object]:
    return {
        "status": feedback.status.value,
        "source": feedback.source,
        "target": feedback.target,
        "sha": feedback.sha,
        "path": list(feedback.stages),
    }


def _timestamp(now: datetime | None) -> str:
    return (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reported_status(text: str) -> Status | None:
    """The outcome gh-promotion's own feedback reports, read back from its icon.

    Both mechanisms start what they show with the outcome's icon (a check run's
    title, a status's description), so the sweep can tell its own "promoted"
    from its own "blocked" on a commit without any other record.
    """
    for status, (_, _, icon) in _RENDERING.items():
        if text.startswith(icon):
            return status
    return None
