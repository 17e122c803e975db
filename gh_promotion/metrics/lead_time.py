"""Lead time per stage, from the promotion requests gh-promotion opened and merged (pure).

Every promotion is a pull request ``source → target`` that gh-promotion opened
when a commit arrived in ``source`` and that GitHub marked merged when
``target`` was fast-forwarded to its head. The same head commit travels the
whole path, so a commit's start is the creation of the first stage's request
with that head (its arrival on main: for several commits promoted together,
the first one's), and its lead time to a stage is that stage's merge time minus
the start: DORA's lead time for changes, per stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from gh_promotion.metrics.deliveries import parse_time

TITLE = re.compile(r"^Promote (\S+) to (\S+)$")
SIGNATURE = "Opened by gh-promotion."  # the last words of every body it writes
# Histogram buckets: upper bounds in seconds, and how they read.
BUCKETS = (
    (60, "< 1m"),
    (600, "< 10m"),
    (3600, "< 1h"),
    (6 * 3600, "< 6h"),
    (86400, "< 1d"),
    (7 * 86400, "< 1w"),
    (float("inf"), ">= 1w"),
)
BAR_WIDTH = 30


class Promotion(NamedTuple):
    source: str
    target: str
    head_sha: str
    created_at: float
    merged_at: float


class StageLeadTime(NamedTuple):
    stage: str
    times: tuple[float, ...]  # seconds, sorted

    @property
    def median(self) -> float:
        return percentile(self.times, 50)

    @property
    def p90(self) -> float:
        return percentile(self.times, 90)

    def histogram(self) -> list[tuple[str, float, int]]:
        counts, low = [], 0.0
        for bound, label in BUCKETS:
            counts.append((label, bound, sum(1 for t in self.times if low <= t < bound)))
            low = bound
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "count": len(self.times),
            "median_seconds": round(self.median, 3),
            "p90_seconds": round(self.p90, 3),
            "histogram": [
                {
                    "bucket": label,
                    "le_seconds": None if bound == float("inf") else bound,
                    "count": n,
                }
                for label, bound, n in self.histogram()
            ],
        }


def _finite(bound: float) -> float | None:
    return None if bound == float("inf") else bound


def promotions_from(pulls: Iterable[Mapping[str, Any]], since: float) -> list[Promotion]:
    """The merged promotion requests gh-promotion opened, merged at ``since`` or later."""
    found = []
    for pull in pulls:
        match = TITLE.match(str(pull.get("title") or ""))
        merged = parse_time(pull.get("merged_at"))
        if not match or merged is None or merged < since:
            continue
        if not str(pull.get("body") or "").rstrip().endswith(SIGNATURE):
            continue
        head, base = pull.get("head") or {}, pull.get("base") or {}
        if (head.get("ref"), base.get("ref")) != match.groups():
            continue
        created = parse_time(pull.get("created_at"))
        if created is not None:
            found.append(Promotion(*match.groups(), str(head.get("sha")), created, merged))
    return found


def lead_times(promotions: list[Promotion]) -> list[StageLeadTime]:
    """Per stage, in path order, the lead time of each commit that reached it from the first."""
    stages = path_order(promotions)
    if not stages:
        return []
    first = stages[0]
    start = {}
    for p in promotions:
        if p.source == first:
            start[p.head_sha] = min(start.get(p.head_sha, p.created_at), p.created_at)
    per_stage: dict[str, list[float]] = {s: [] for s in stages[1:]}
    for p in promotions:
        if p.head_sha in start and p.target in per_stage:
            per_stage[p.target].append(max(0.0, p.merged_at - start[p.head_sha]))
    return [StageLeadTime(s, tuple(sorted(t))) for s, t in per_stage.items()]


def path_order(promotions: list[Promotion]) -> list[str]:
    """The stages as the promotions chain them: the first is a source never promoted into."""
    following = {p.source: p.target for p in promotions}
    targets = {p.target for p in promotions}
    firsts = sorted(s for s in following if s not in targets)
    if not firsts:
        return []
    order = [firsts[0]]
    while order[-1] in following and following[order[-1]] not in order:
        order.append(following[order[-1]])
    return order


def percentile(sorted_times: tuple[float, ...], rank: int) -> float:
    """Nearest-rank percentile (0 when there is nothing)."""
    if not sorted_times:
        return 0.0
    index = max(0, -(-rank * len(sorted_times) // 100) - 1)
    return sorted_times[min(index, len(sorted_times) - 1)]


def render_text(repository: str, since_text: str, stages: list[StageLeadTime], first: str) -> str:
    lines = [
        f"lead time from {first or 'the first stage'} to each stage,"
        f" {repository}, last {since_text}"
    ]
    if not stages:
        lines.append("  no promotion merged in that window")
    for stage in stages:
        count = len(stage.times)
        lines.append(
            f"{stage.stage}: {count} commit(s), median {duration(stage.median)},"
            f" p90 {duration(stage.p90)}"
        )
        biggest = max((n for _, _, n in stage.histogram()), default=0) or 1
        for label, _, n in stage.histogram():
            bar = "#" * round(BAR_WIDTH * n / biggest)
            lines.append(f"  {label:>6} | {bar:<{BAR_WIDTH}} {n}")
    return "\n".join(lines) + "\n"


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours:02d}h"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def parse_since(text: str) -> float:
    """``30d``, ``12h``, ``2w``, ``90m`` in seconds; ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--since {text!r}: give a positive number of m, h, d or w (e.g. 30d)")
    unit = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}[match.group(2)]
    return int(match.group(1)) * unit
