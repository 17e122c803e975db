"""Read the YAML configuration file into raw values that remember their line.

The file is composed into yaml nodes (not just loaded) so that an unknown key —
a typo such as ``promotoin:`` — and a wrongly typed value can be reported with
the file and line the user has to fix.

yaml is imported inside :func:`read_yaml_file`, so processes that never read a
YAML file (the Lambda handler, usually) never pay for importing it.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import Any

from gh_promotion.config.errors import ConfigError
from gh_promotion.config.options import Option, yaml_tree


@dataclass(frozen=True)
class RawValue:
    """A value as written in the file, and where: ``config.yaml:12``."""

    value: Any
    origin: str


def read_yaml_file(path: str | os.PathLike[str]) -> dict[str, RawValue]:
    """Raw values by option key; a :class:`ConfigError` for any bad file content."""
    import yaml

    shown = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as stream:
            loader = yaml.SafeLoader(stream)
            try:
                root = loader.get_single_node()
                return _walk_root(loader, root, shown)
            finally:
                loader.dispose()
    except yaml.MarkedYAMLError as error:
        raise ConfigError(_yaml_error_message(error, shown)) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{shown}: not valid YAML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not UTF-8 text") from None


def _yaml_error_message(error: Any, shown: str) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"{shown}:{mark.line + 1}" if mark else shown
    return f"{where}: not valid YAML: {error.problem or error.context}"


def _walk_root(loader: Any, root: Any, shown: str) -> dict[str, RawValue]:
    import yaml

    if root is None or (isinstance(root, yaml.ScalarNode) and root.value in ("", "~", "null")):
        return {}
    values: dict[str, RawValue] = {}
    _walk_mapping(loader, root, yaml_tree(), (), shown, values)
    return values


def _walk_mapping(
    loader: Any,
    node: Any,
    schema: dict[str, Any],
    path: tuple[str, ...],
    shown: str,
    values: dict[str, RawValue],
) -> None:
    """Check one mapping against the schema and collect its leaves into ``values``."""
    import yaml

    where = f"{shown}:{node.start_mark.line + 1}"
    if not isinstance(node, yaml.MappingNode):
        name = ".".join(path) or "the top level"
        raise ConfigError(f"{where}: {name} must be a mapping of keys")
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = f"{shown}:{key_node.start_mark.line + 1}"
        if not isinstance(key, str) or key not in schema:
            raise ConfigError(_unknown_key_message(key, path, schema, line))
        entry = schema[key]
        if _is_null(value_node):
            continue  # `ssmKey:` or an empty `lambda:` section: keep the default
        if isinstance(entry, Option):
            values[entry.key] = RawValue(_leaf_value(loader, value_node), line)
        else:
            _walk_mapping(loader, value_node, entry, (*path, key), shown, values)


def _leaf_value(loader: Any, node: Any) -> Any:
    return loader.construct_object(node, deep=True)


def _is_null(node: Any) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _unknown_key_message(key: Any, path: tuple[str, ...], schema: dict[str, Any], line: str) -> str:
    dotted = ".".join((*path, str(key)))
    message = f"{line}: unknown key {dotted!r}"
    close = difflib.get_close_matches(str(key), list(schema), n=1)
    if close:
        message += f" (did you mean {'.'.join((*path, close[0]))!r}?)"
    else:
        message += " (valid here: " + ", ".join(schema) + ")"
    return message
