"""The SAM template: valid for cfn-lint, and consistent with the code it deploys."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gh_promotion.config.model import SUPPORTED_EVENTS
from gh_promotion.config.options import OPTIONS

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "template.yaml"
CFN_LINT = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())"


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads ``!Ref``, ``!Sub``, ``!If``... as ``{"Ref": args}`` instead of failing."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    return {suffix: loader.construct_mapping(node, deep=True)}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CloudFormationLoader)


@pytest.fixture(scope="module")
def function(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]["PromotionFunction"]["Properties"]


def test_cfn_lint_finds_nothing() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CFN_LINT, str(TEMPLATE)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cfn_lint_would_catch_a_broken_template(tmp_path: Path) -> None:
    """The check above can fail: the same run on a template with one bad value does."""
    broken = tmp_path / "template.yaml"
    broken.write_text(TEMPLATE.read_text().replace("MemorySize: 512", "MemorySize: 5"))
    done = subprocess.run(
        [sys.executable, "-c", CFN_LINT, str(broken)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert "5 is less than the minimum of 128" in done.stdout


def test_the_handler_is_the_lambda_entry_point(function: dict[str, Any]) -> None:
    module, name = function["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), name))
    assert function["Runtime"] == "python3.12"


def test_every_environment_variable_is_a_config_option(function: dict[str, Any]) -> None:
    known = {option.env for option in OPTIONS if option.env}
    assert set(function["Environment"]["Variables"]) <= known


def test_the_eventbridge_rule_matches_the_supported_events(template: dict[str, Any]) -> None:
    pattern = template["Resources"]["GitHubEventsRule"]["Properties"]["EventPattern"]
    assert tuple(pattern["detail-type"]) == SUPPORTED_EVENTS


def test_iam_grants_name_their_resources(function: dict[str, Any]) -> None:
    """Least privilege: one parameter, one bucket prefix, one key; no wildcard actions."""
    granted = {}
    for statement in function["Policies"][0]["Statement"]:
        if "If" in statement:  # {"If": [condition, statement, NoValue]}
            statement = statement["If"][1]
        granted[statement["Action"]] = statement["Resource"]
    assert set(granted) == {"ssm:GetParameter", "kms:Decrypt", "s3:PutObject"}
    assert granted["ssm:GetParameter"]["Sub"].endswith(":parameter/${GitHubAppSsmParameter}")
    assert granted["s3:PutObject"]["Sub"].endswith(":::${ReportBucketName}/*")
    assert granted["kms:Decrypt"] == {"Ref": "SsmKmsKeyArn"}
