"""Resolve flags, environment, `.env` and the YAML file into one :class:`Config`.

Precedence, highest first: command-line flag > environment variable > ``.env``
file > YAML file > the model's default. Each value is parsed by the same typed
parser whatever layer it came from, and remembers that layer, so ``config show``
can say where it came from and an error can say where to fix it.

The ``flags`` mapping is keyed by the option's dotted key (``"service.port"``,
``"global.mode"``; see :data:`gh_promotion.config.options.OPTIONS`); values may be
raw strings (as typed on the command line) or already typed; ``None`` means "not
given".

This module must not import click, and imports yaml and python-dotenv only when
a file is actually read: the AWS Lambda handler calls :func:`load_config` on a
cold start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, NamedTuple

from gh_promotion.config.errors import ConfigError
from gh_promotion.config.model import Config, is_section
from gh_promotion.config.options import OPTIONS, OPTIONS_BY_KEY, Option
from gh_promotion.config.values import parse_value

DEFAULT_CONFIG_PATH = "config.yaml"
DEFAULT_ORIGIN = "default"

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ConfigError",
    "Resolved",
    "build_config",
    "load_config",
    "resolve_with_provenance",
]


class Resolved(NamedTuple):
    """The effective configuration and where each value came from.

    ``origins`` maps every option key to ``"flag --port"``, ``"env PORT"``,
    ``".env PORT"``, ``"config.yaml:12"`` or ``"default"``.
    """

    config: Config
    origins: Mapping[str, str]


def load_config(
    *,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: str | os.PathLike[str] | None = None,
    config_path_explicit: bool = False,
    dotenv_path: str | None = ".env",
) -> Config:
    """The one immutable :class:`Config` every runtime receives.

    ``environ`` defaults to the process environment (and then the ``.env``
    values are also exported into it, without overriding, so libraries such as
    boto3 see them too). ``config_path`` defaults to ``config.yaml``, which may be
    missing; a file the user named (``config_path_explicit``) must exist.
    Raises :class:`ConfigError` with a one-line message.
    """
    return resolve_with_provenance(
        flags=flags,
        environ=environ,
        config_path=config_path,
        config_path_explicit=config_path_explicit,
        dotenv_path=dotenv_path,
    ).config


def resolve_with_provenance(
    *,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: str | os.PathLike[str] | None = None,
    config_path_explicit: bool = False,
    dotenv_path: str | None = ".env",
) -> Resolved:
    """Like :func:`load_config`, plus each value's origin (for ``config show``)."""
    process_env = environ is None
    env = dict(os.environ if environ is None else environ)
    dotenv = _read_dotenv(dotenv_path)
    if process_env and dotenv:
        _export_dotenv(dotenv)
    file_values = _read_config_file(config_path, config_path_explicit)
    _check_flag_keys(flags or {})
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for option in OPTIONS:
        raw, origin = _pick_layer(option, flags or {}, env, dotenv, file_values, dotenv_path)
        if origin == DEFAULT_ORIGIN:
            values[option.key] = option.default
        else:
            values[option.key] = parse_value(option, raw, origin)
        origins[option.key] = origin
    _check_values(values, origins)
    return Resolved(build_config(values), origins)


def _pick_layer(
    option: Option,
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    dotenv: Mapping[str, str],
    file_values: Mapping[str, Any],
    dotenv_path: str | None,
) -> tuple[Any, str]:
    """The raw value that wins for ``option``, and a description of its layer."""
    if flags.get(option.key) is not None:
        return flags[option.key], f"flag {option.flag_name or option.key}"
    if option.env and env.get(option.env, "") != "":
        return env[option.env], f"env {option.env}"
    if option.env and dotenv.get(option.env, "") != "":
        return dotenv[option.env], f"{os.path.basename(dotenv_path or '.env')} {option.env}"
    if option.key in file_values:
        raw = file_values[option.key]
        return raw.value, raw.origin
    return None, DEFAULT_ORIGIN


def _check_flag_keys(flags: Mapping[str, Any]) -> None:
    """A programming error in a caller, reported as early and plainly as possible."""
    unknown = sorted(set(flags) - set(OPTIONS_BY_KEY))
    if unknown:
        raise ValueError(f"unknown configuration keys in flags: {', '.join(unknown)}")


def _read_dotenv(dotenv_path: str | None) -> dict[str, str]:
    """The `.env` file's variables (python-dotenv imported only if the file exists)."""
    if not dotenv_path or not os.path.isfile(dotenv_path):
        return {}
    from dotenv import dotenv_values

    return {name: value for name, value in dotenv_values(dotenv_path).items() if value is not None}


def _export_dotenv(dotenv: Mapping[str, str]) -> None:
    """Make `.env` visible to libraries (boto3...) too, never overriding the real env."""
    for name, value in dotenv.items():
        os.environ.setdefault(name, value)


def _read_config_file(path: str | os.PathLike[str] | None, explicit: bool) -> dict[str, Any]:
    path = DEFAULT_CONFIG_PATH if path is None else path
    if os.path.isdir(path):
        raise ConfigError(f"config file {os.fspath(path)!r} is a directory")
    if not os.path.exists(path):
        if explicit:
            raise ConfigError(f"config file {os.fspath(path)!r} not found")
        return {}
    from gh_promotion.config.yaml_source import read_yaml_file

    try:
        return read_yaml_file(path)
    except OSError as error:
        raise ConfigError(f"config file {os.fspath(path)!r}: {error.strerror}") from None


def _check_values(values: Mapping[str, Any], origins: Mapping[str, str]) -> None:
    """Values each fine alone but unusable as such: say which and where."""
    stages = values["promotion.default_stages"]
    if not stages:
        raise ConfigError(
            f"promotion.defaultStages: the promotion path needs at least one stage "
            f"(from {origins['promotion.default_stages']})"
        )
    repeated = sorted({stage for stage in stages if stages.count(stage) > 1})
    if repeated:
        raise ConfigError(
            f"promotion.defaultStages: stage {repeated[0]!r} appears more than once "
            f"(from {origins['promotion.default_stages']})"
        )
    if not values["promotion.rollback.prefix"]:
        raise ConfigError(
            "promotion.rollback.prefix: must not be empty "
            f"(from {origins['promotion.rollback.prefix']})"
        )
    api_url = values["github.api_url"]
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"github.apiUrl: expected an http:// or https:// URL, got {api_url!r} "
            f"(from {origins['github.api_url']})"
        )


def build_config(values: Mapping[str, Any]) -> Config:
    """A :class:`Config` from values keyed by option key; missing keys keep defaults."""
    return _build(Config, "", values)


def _build(cls: type, prefix: str, values: Mapping[str, Any]) -> Any:
    defaults = cls()
    kwargs: dict[str, Any] = {}
    for name in cls._fields:
        key = f"{prefix}{name.rstrip('_')}"
        default = getattr(defaults, name)
        if is_section(default):
            kwargs[name] = _build(type(default), f"{key}.", values)
        elif key in values:
            kwargs[name] = values[key]
    return cls(**kwargs)
