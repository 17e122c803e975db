"""Bad configuration: one line that names the key, what was wanted and where to fix it."""

from __future__ import annotations

import pytest

from gh_promotion.config.loader import ConfigError, load_config


def _error(**kwargs) -> str:
    kwargs.setdefault("environ", {})
    with pytest.raises(ConfigError) as caught:
        load_config(**kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_unknown_top_level_key_names_key_file_and_line(workdir):
    (workdir / "config.yaml").write_text("global:\n  mode: service\npromotoin:\n  events: []\n")
    message = _error()
    assert message.startswith("config.yaml:3: unknown key 'promotoin'")
    assert "did you mean 'promotion'" in message


def test_unknown_nested_key_names_its_full_path(workdir):
    (workdir / "custom.yaml").write_text("service:\n  port: 1\n  tiemout: 5s\n")
    message = _error(config_path="custom.yaml", config_path_explicit=True)
    assert message.startswith("custom.yaml:3: unknown key 'service.tiemout'")
    assert "service.timeout" in message


def test_unknown_key_with_no_close_match_lists_valid_keys(workdir):
    (workdir / "config.yaml").write_text("lambda:\n  zzz: 1\n")
    assert _error() == "config.yaml:2: unknown key 'lambda.zzz' (valid here: payloadType)"


def test_wrong_type_in_yaml_names_key_expected_type_and_line(workdir):
    (workdir / "config.yaml").write_text("promotion:\n  push:\n    createTargetRef: maybe\n")
    assert _error() == (
        "promotion.push.createTargetRef: expected a boolean (true/false/1/0/yes/no), "
        "got 'maybe' (from config.yaml:3)"
    )


def test_a_scalar_where_a_list_belongs(workdir):
    (workdir / "config.yaml").write_text("promotion:\n  defaultStages: {a: 1}\n")
    assert "promotion.defaultStages: expected a list of strings" in _error()


def test_a_value_where_a_section_belongs(workdir):
    (workdir / "config.yaml").write_text("service: 8080\n")
    assert _error() == "config.yaml:1: service must be a mapping of keys"


def test_a_yaml_boolean_for_a_string_suggests_quoting(workdir):
    (workdir / "config.yaml").write_text("github:\n  appId: yes\n")
    assert "github.appId: expected a string; quote it in YAML, got true" in _error()


def test_wrong_type_from_env_names_the_variable():
    message = _error(environ={"PORT": "eighty"})
    assert message == "service.port: expected an integer, got 'eighty' (from env PORT)"


def test_out_of_range_integer():
    message = _error(environ={"PORT": "70000"})
    assert message == (
        "service.port: expected an integer between 0 and 65535, got '70000' (from env PORT)"
    )


def test_wrong_type_from_dotenv_names_the_file(workdir):
    (workdir / ".env").write_text("FEEDBACK_CHECK_RUN=sometimes\n")
    assert "(from .env FEEDBACK_CHECK_RUN)" in _error()


def test_wrong_type_from_a_flag_names_the_flag():
    message = _error(flags={"service.max_body_bytes": "lots"})
    assert (
        message
        == "service.maxBodyBytes: expected an integer, got 'lots' (from flag --max-body-bytes)"
    )


def test_unknown_mode_lists_the_valid_ones():
    message = _error(environ={"MODE": "kubernetes"})
    assert message == (
        "global.mode: expected one of service, lambda-http, lambda-event "
        "('lambda' means lambda-http), got 'kubernetes' (from env MODE)"
    )


@pytest.mark.parametrize("bad", ["5 seconds", "5x", "-5s", "1m30", "s", ""])
def test_bad_duration(bad, workdir):
    (workdir / "config.yaml").write_text(f'service:\n  timeout: "{bad}"\n')
    message = _error()
    assert message.startswith("service.timeout: expected a duration such as 5s, 1m30s, 250ms")
    assert message.endswith("(from config.yaml:2)")


def test_unknown_event_lists_supported_events():
    message = _error(environ={"PROMOTION_EVENTS": "push,check_run"})
    assert message.startswith(
        "promotion.events: unknown value 'check_run' (from env PROMOTION_EVENTS)"
    )
    assert "workflow_run" in message


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("GITHUB_AUTH_MODE", "password", "github.authMode: expected one of ssm, token, app"),
        ("LAMBDA_PAYLOAD_TYPE", "v3", "lambda.payloadType: expected one of api-gateway-v1"),
        ("PROMOTION_DEFAULT_STAGES", "main,prod,main", "stage 'main' appears more than once"),
        ("PROMOTION_DEFAULT_STAGES", " , ", "needs at least one stage"),
        ("GITHUB_API_URL", "api.github.com", "github.apiUrl: expected an http:// or https:// URL"),
    ],
)
def test_unusable_values(variable, value, expected):
    assert expected in _error(environ={variable: value})


def test_empty_rollback_prefix_from_yaml(workdir):
    (workdir / "config.yaml").write_text('promotion:\n  rollback:\n    prefix: ""\n')
    assert _error() == "promotion.rollback.prefix: must not be empty (from config.yaml:3)"


def test_missing_named_file_is_an_error(workdir):
    assert _error(config_path="nope.yaml", config_path_explicit=True) == (
        "config file 'nope.yaml' not found"
    )


def test_a_directory_is_not_a_config_file(workdir):
    (workdir / "conf").mkdir()
    assert _error(config_path="conf") == "config file 'conf' is a directory"


def test_invalid_yaml_names_the_line(workdir):
    (workdir / "config.yaml").write_text("service:\n  port: 1\n  path: [unclosed\n")
    message = _error()
    assert message.startswith("config.yaml:")
    assert "not valid YAML" in message


def test_top_level_list_is_refused(workdir):
    (workdir / "config.yaml").write_text("- a\n- b\n")
    assert _error() == "config.yaml:1: the top level must be a mapping of keys"
