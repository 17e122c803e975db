"""Write configuration values back out as YAML, with a comment per key.

Used by ``config show`` (each value followed by where it came from) and by the
generated ``config.sample.yaml`` (each key preceded by its flag, environment
variable and meaning). Written by hand rather than with ``yaml.dump`` because
the comments are the point, and so the output key order follows the option
table. Secrets are always written as ``***`` (or ``""`` when unset).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from gh_promotion.config.loader import Resolved
from gh_promotion.config.options import OPTIONS, Option, value_at, yaml_tree
from gh_promotion.config.values import format_duration

INDENT = "  "
COMMENT_COLUMN = 48


def format_value(option: Option, value: Any) -> str:
    """``value`` as a YAML scalar or flow list that loads back to the same value."""
    if option.kind == "secret":
        return json.dumps("***" if value else "")
    if option.kind == "bool":
        return "true" if value else "false"
    if option.kind in ("int", "count"):
        return str(value)
    if option.kind == "duration":
        return json.dumps(format_duration(value))
    if option.kind == "list":
        return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
    if option.kind == "durations":
        pairs = (f"{json.dumps(stage)}: {json.dumps(format_duration(s))}" for stage, s in value)
        return "{" + ", ".join(pairs) + "}"
    if option.kind == "windows":
        from gh_promotion.config.structured import window_as_yaml

        return json.dumps([window_as_yaml(window) for window in value], ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


def render_yaml(
    values: Mapping[str, Any],
    inline_comment: Callable[[Option], str] | None = None,
    comment_above: Callable[[Option], str] | None = None,
) -> str:
    """The YAML text of ``values`` (keyed by option key), every option present."""
    lines: list[str] = []
    _render_node(yaml_tree(), 0, values, lines, inline_comment, comment_above)
    return "\n".join(lines) + "\n"


def _render_node(
    node: Mapping[str, Any],
    depth: int,
    values: Mapping[str, Any],
    lines: list[str],
    inline_comment: Callable[[Option], str] | None,
    comment_above: Callable[[Option], str] | None,
) -> None:
    pad = INDENT * depth
    for name, entry in node.items():
        if not isinstance(entry, Option):
            lines.append(f"{pad}{name}:")
            _render_node(entry, depth + 1, values, lines, inline_comment, comment_above)
            continue
        if comment_above:
            lines.append(f"{pad}# {comment_above(entry)}")
        line = f"{pad}{name}: {format_value(entry, values[entry.key])}"
        if inline_comment:
            line = f"{line.ljust(COMMENT_COLUMN - 1)} # {inline_comment(entry)}"
        lines.append(line)


def show_config(resolved: Resolved) -> str:
    """``config show``: the effective configuration, each value with its origin."""
    values = {option.key: value_at(resolved.config, option.key) for option in OPTIONS}
    header = "# Effective gh-promotion configuration; secrets shown as ***.\n"
    return header + render_yaml(values, inline_comment=lambda o: resolved.origins[o.key])
