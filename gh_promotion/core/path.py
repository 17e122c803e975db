"""A repository's promotion path: the ordered stages its code moves through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from gh_promotion.config.model import PromotionConfig

BRANCH_PREFIX = "refs/heads/"


def branch_name(ref: str) -> str:
    """``refs/heads/main`` → ``main``; a bare name is returned unchanged."""
    return ref[len(BRANCH_PREFIX) :] if ref.startswith(BRANCH_PREFIX) else ref


class PromotionPath(NamedTuple):
    stages: tuple[str, ...]

    def next_stage(self, branch: str) -> str | None:
        """The stage a branch promotes to, or None for the last stage or a non-stage."""
        stages = self.stages
        if branch in stages:
            index = stages.index(branch)
            if index + 1 < len(stages):
                return stages[index + 1]
        return None

    def is_promotion(self, source: str, target: str) -> bool:
        """True when ``source → target`` is one step along this path."""
        return self.next_stage(source) == target

    @property
    def last(self) -> str:
        return self.stages[-1]


def custom_properties(repository: Mapping[str, Any]) -> Mapping[str, Any]:
    props = repository.get("custom_properties")
    return props if isinstance(props, Mapping) else {}


def promotion_path(repository: Mapping[str, Any], config: PromotionConfig) -> PromotionPath:
    """The stages from the repository's custom property, else the configured default.

    The property (``promotion.dynamicPromotion.key``) is either a comma-separated
    string or a multi-select list; spaces, empty entries and a trailing comma are
    dropped. A property naming one stage is that repository's whole path, as in
    the Go tool: nothing is promoted from it, and only its rollback applies —
    falling back to the default path would open pull requests to branches the
    repository left out. Only a missing or empty property means the default.
    """
    dynamic = config.dynamic_promotion
    if dynamic.enabled:
        stages = _stages_from(custom_properties(repository).get(dynamic.key))
        if stages:
            return PromotionPath(stages)
    return PromotionPath(tuple(config.default_stages))


def _stages_from(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        entries: list[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        entries = list(value)
    else:
        return ()
    stages = (branch_name(e.strip()) for e in entries if isinstance(e, str))
    return tuple(dict.fromkeys(s for s in stages if s))


def is_true(value: Any) -> bool:
    """A custom property that is on: ``True`` or the string ``"true"``."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
