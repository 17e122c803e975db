"""Each layer overrides the one below it: flag > env > .env > YAML > default.

One value per type (string, boolean, integer, duration, list, secret) is set in
more and more layers; each time, the top layer must win and be named as the
origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gh_promotion.config.loader import load_config, resolve_with_provenance
from gh_promotion.config.model import Config, Secret
from gh_promotion.config.options import OPTIONS_BY_KEY, value_at

# key, then the raw text each layer sets (yaml, .env, env, flag) and the typed
# value each of them must produce.
CASES = [
    (
        "promotion.rollback.prefix",
        ['"undo-"', "back-", "revert-", "rb-"],
        ["undo-", "back-", "revert-", "rb-"],
    ),
    (
        "promotion.push.create_target_ref",
        ["false", "yes", "0", "true"],
        [False, True, False, True],
    ),
    ("service.port", ["9001", "9002", "9003", "9004"], [9001, 9002, 9003, 9004]),
    ("service.timeout", ['"1m30s"', "250ms", "2", "1h"], [90.0, 0.25, 2.0, 3600.0]),
    (
        "promotion.default_stages",
        ["[dev, prod]", "a,b", " x , y ,, z ", "p,q"],
        [("dev", "prod"), ("a", "b"), ("x", "y", "z"), ("p", "q")],
    ),
    (
        "github.webhook_secret",
        ['"from-yaml"', "from-dotenv", "from-env", "from-flag"],
        ["from-yaml", "from-dotenv", "from-env", "from-flag"],
    ),
]
LAYERS = ("yaml", ".env", "env", "flag")


def _yaml_text(key: str, raw: str) -> str:
    """The option's YAML path nested as the file writes it, value on the last line."""
    path = OPTIONS_BY_KEY[key].yaml_path
    lines = [f"{'  ' * depth}{name}:" for depth, name in enumerate(path[:-1])]
    lines.append(f"{'  ' * (len(path) - 1)}{path[-1]}: {raw}")
    return "\n".join(lines) + "\n"


def _resolve_with_layers(key: str, raws: list[str], layers: int, workdir: Path) -> Any:
    option = OPTIONS_BY_KEY[key]
    config_path = workdir / "config.yaml"
    environ: dict[str, str] = {}
    flags: dict[str, Any] = {}
    if layers >= 1:
        config_path.write_text(_yaml_text(key, raws[0]))
    if layers >= 2:
        (workdir / ".env").write_text(f"{option.env}={raws[1]}\n")
    if layers >= 3:
        environ[option.env] = raws[2]
    if layers >= 4:
        flags[key] = raws[3]
    return resolve_with_provenance(flags=flags, environ=environ, config_path=config_path)


@pytest.mark.parametrize(("key", "raws", "expected"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("layers", [0, 1, 2, 3, 4], ids=["default", *LAYERS])
def test_top_layer_wins(key, raws, expected, layers, workdir):
    resolved = _resolve_with_layers(key, raws, layers, workdir)
    value = value_at(resolved.config, key)
    option = OPTIONS_BY_KEY[key]
    if layers == 0:
        assert value == value_at(Config(), key)
        assert resolved.origins[key] == "default"
        return
    assert value == expected[layers - 1]
    origin = resolved.origins[key]
    top = LAYERS[layers - 1]
    if top == "yaml":
        assert origin == f"{workdir / 'config.yaml'}:{len(option.yaml_path)}"
    elif top == ".env":
        assert origin == f".env {option.env}"
    elif top == "env":
        assert origin == f"env {option.env}"
    else:
        assert origin == f"flag --{option.flag}"


def test_secrets_are_secret_values_whatever_the_layer(workdir):
    config = load_config(
        environ={"GITHUB_TOKEN": "t0ken-value", "GITHUB_APP_PRIVATE_KEY": "pem-text"},
        flags={"github.webhook_secret": "hook-secret"},
    )
    for secret in (config.github.token, config.github.private_key, config.github.webhook_secret):
        assert isinstance(secret, Secret)
        assert "***" in repr(secret)
    assert config.github.token == "t0ken-value"


def test_dotenv_never_overrides_a_real_environment_variable(workdir):
    (workdir / ".env").write_text("PORT=1111\nHOST_PATH=/from-dotenv\n")
    resolved = resolve_with_provenance(environ={"PORT": "2222"})
    assert resolved.config.service.port == 2222
    assert resolved.config.service.path == "/from-dotenv"


def test_an_empty_environment_variable_counts_as_unset(workdir):
    (workdir / "config.yaml").write_text("service:\n  addr: 127.0.0.1\n")
    config = load_config(environ={"ADDR": ""})
    assert config.service.addr == "127.0.0.1"


def test_a_missing_default_config_file_is_fine(workdir):
    assert load_config(environ={}) == Config()


def test_dotenv_can_be_switched_off(workdir):
    (workdir / ".env").write_text("PORT=1111\n")
    assert load_config(environ={}, dotenv_path=None).service.port == 8080


def test_yaml_null_and_empty_sections_keep_defaults(workdir):
    (workdir / "config.yaml").write_text("lambda:\ngithub:\n  ssmKey:\n")
    assert load_config(environ={}) == Config()


def test_mode_alias_lambda_means_lambda_http(workdir):
    assert load_config(environ={"MODE": "lambda"}).global_.mode == "lambda-http"


def test_events_from_env_are_a_trimmed_comma_list(workdir):
    config = load_config(environ={"PROMOTION_EVENTS": " push, status ,"})
    assert config.promotion.events == ("push", "status")


def test_yaml_port_may_be_quoted_like_the_go_tool_writes_it(workdir):
    (workdir / "config.yaml").write_text('service:\n  port: "8081"\n')
    assert load_config(environ={}).service.port == 8081


def test_count_flag_and_verbose_env(workdir):
    assert load_config(environ={"VERBOSE": "2"}).global_.logging.verbosity == 2
    resolved = resolve_with_provenance(
        environ={"VERBOSE": "2"}, flags={"global.logging.verbosity": 1}
    )
    assert resolved.config.global_.logging.verbosity == 1
    assert resolved.origins["global.logging.verbosity"] == "flag --verbose"
