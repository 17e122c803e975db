"""The SAM template: valid for cfn-lint and the SAM translator, old and new, and
consistent with the code it deploys."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gh_promotion.config.model import SUPPORTED_EVENTS
from gh_promotion.config.options import OPTIONS
from tests.runtime.helpers import REPO_ROOT, clean_env
from tests.runtime.packaged import assert_runs_without_simulator

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "template.yaml"
CFN_LINT = "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())"
# Translates the template as CloudFormation's SAM transform does, with the
# CodeUri that `sam package` would have put there, and prints the resources.
SAM_TRANSLATE = """
import json, sys
import samtranslator
from cfnlint.decode import decode
from samtranslator.public.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform

class Policies:
    def load(self):
        return {"AWSLambdaBasicExecutionRole":
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}

template = json.loads(json.dumps(decode(sys.argv[1])[0]))
template["Resources"]["PromotionFunction"]["Properties"]["CodeUri"] = "s3://bucket/code.zip"
try:
    resources = transform(template, {}, Policies())["Resources"]
except InvalidDocumentException as error:
    sys.exit("; ".join(str(cause) for cause in error.causes))
print(json.dumps({"version": samtranslator.__version__, "resources": resources}))
"""
# The webhook route as a SAM event: every SAM translator refuses it, yet
# cfn-lint >= 1.5x resolves the !Ref before translating and lets it pass.
PATH_FROM_A_PARAMETER = """      Events:
        Webhook:
          Type: HttpApi
          Properties:
            Path: !Ref WebhookPath
            Method: POST
"""
# What older SAM CLI installs carry (cfn-lint 1.51.0 needs translator >= 1.109),
# and the oldest translator that still imports beside pydantic 2.
OLD_CFN_LINT = ("cfn-lint==1.51.0", "aws-sam-translator==1.110.0")
OLDEST_TRANSLATOR = ("aws-sam-translator==1.60.0",)


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


def _run(
    script: str, template: Path, pythonpath: Path | None = None
) -> subprocess.CompletedProcess:
    """Runs `script` on `template`, with older packages first on the path if given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHONPATH"))}
    env.update(AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-c", script, str(template)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _with_path_from_a_parameter(tmp_path: Path) -> Path:
    variant = tmp_path / "path-from-a-parameter.yaml"
    text = TEMPLATE.read_text()
    assert "      Events:\n" in text
    variant.write_text(text.replace("      Events:\n", PATH_FROM_A_PARAMETER, 1))
    return variant


def _install(tmp_path_factory: pytest.TempPathFactory, specs: tuple[str, ...]) -> Path:
    """`specs` alone (their dependencies are the test extras' own) in a folder to put
    first on PYTHONPATH; skips when the package index cannot be reached."""
    target = tmp_path_factory.mktemp("packages")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    try:
        done = subprocess.run(
            [*pip, "--no-deps", "--target", str(target), *specs],
            capture_output=True,
            text=True,
            timeout=90,  # under pytest's own timeout, so a slow index skips instead of failing
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"installing {' '.join(specs)} took more than 90 s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"cannot install {' '.join(specs)}: {last}")
    return target


@pytest.fixture(scope="module")
def old_cfn_lint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _install(tmp_path_factory, OLD_CFN_LINT)


@pytest.fixture(scope="module")
def oldest_translator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _install(tmp_path_factory, OLDEST_TRANSLATOR)


def test_cfn_lint_finds_nothing() -> None:
    done = _run(CFN_LINT, TEMPLATE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_sam_translator_accepts_it() -> None:
    done = _run(SAM_TRANSLATE, TEMPLATE)
    assert done.returncode == 0, done.stdout + done.stderr
    resources = json.loads(done.stdout)["resources"]
    assert resources["WebhookRoute"]["Properties"]["ApiId"] == {"Ref": "ServerlessHttpApi"}
    assert resources["ServerlessHttpApi"]["Type"] == "AWS::ApiGatewayV2::Api"


def test_the_sam_translator_refuses_a_path_from_a_parameter(tmp_path: Path) -> None:
    """The check above can fail: the route the template had before is refused."""
    done = _run(SAM_TRANSLATE, _with_path_from_a_parameter(tmp_path))
    assert done.returncode != 0
    assert "Property 'Path' should be a string" in done.stderr


@pytest.mark.slow
def test_an_older_cfn_lint_finds_nothing(old_cfn_lint: Path, tmp_path: Path) -> None:
    """cfn-lint 1.51.0 with translator 1.110.0, as older SAM CLI installs carry."""
    versions = (
        "import cfnlint.version as c, samtranslator as s; print(c.__version__, s.__version__)"
    )
    assert _run(versions, TEMPLATE, old_cfn_lint).stdout.split() == ["1.51.0", "1.110.0"]
    done = _run(CFN_LINT, TEMPLATE, old_cfn_lint)
    assert done.returncode == 0, done.stdout + done.stderr
    refused = _run(CFN_LINT, _with_path_from_a_parameter(tmp_path), old_cfn_lint)
    assert "Property 'Path' should be a string" in refused.stdout


@pytest.mark.slow
def test_the_oldest_translator_accepts_it(oldest_translator: Path) -> None:
    done = _run(SAM_TRANSLATE, TEMPLATE, oldest_translator)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["version"] == "1.60.0"
    assert "WebhookRoute" in json.loads(done.stdout)["resources"]


def test_cfn_lint_would_catch_a_broken_template(tmp_path: Path) -> None:
    """The check above can fail: the same run on a template with one bad value does."""
    broken = tmp_path / "template.yaml"
    broken.write_text(TEMPLATE.read_text().replace("MemorySize: 512", "MemorySize: 5"))
    done = _run(CFN_LINT, broken)
    assert done.returncode != 0
    assert "5 is less than the minimum of 128" in done.stdout


def test_the_handler_is_the_lambda_entry_point(function: dict[str, Any]) -> None:
    module, name = function["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), name))
    assert function["Runtime"] == "python3.12"


def test_the_zip_leaves_the_simulator_out_and_the_handler_runs_without_it(tmp_path: Path) -> None:
    """deploy/build.sh on a copy of the checkout; PIP_NO_DEPS installs gh-promotion
    alone (its dependencies, the same for Lambda's platform, are the test environment's)."""
    for name in ("pyproject.toml", "setup.cfg", "README.md", "deploy/build.sh"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy2(REPO_ROOT / name, tmp_path / name)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO_ROOT / "gh_promotion", tmp_path / "gh_promotion", ignore=ignore)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = clean_env(PIP_NO_DEPS="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PATH=path)
    built = subprocess.run(
        ["sh", str(tmp_path / "deploy" / "build.sh")],
        capture_output=True,
        text=True,
        timeout=100,
        env=env,
    )
    if "No matching distribution found for setuptools" in built.stderr:
        pytest.skip("the build backend (setuptools) cannot be installed: no package index")
    assert built.returncode == 0, built.stdout + built.stderr
    contents = tmp_path / "deploy" / ".build"
    assert (contents / "gh_promotion" / "aws_lambda.py").is_file()
    assert (contents / "gh_promotion" / "runtime" / "demo.py").is_file()
    assert_runs_without_simulator(contents)


def test_the_webhook_route_is_the_services_path(template: dict[str, Any]) -> None:
    """One parameter sets both the HTTP API route and the path the code serves."""
    resources = template["Resources"]
    route = resources["WebhookRoute"]["Properties"]
    assert route["RouteKey"] == {"Sub": "POST ${WebhookPath}"}
    assert route["Target"] == {"Sub": "integrations/${WebhookIntegration}"}
    env = resources["PromotionFunction"]["Properties"]["Environment"]["Variables"]
    assert env["HOST_PATH"] == {"Ref": "WebhookPath"}
    source = resources["WebhookInvoke"]["Properties"]["SourceArn"]["Sub"]
    assert source.endswith(":${ServerlessHttpApi}/*/POST${WebhookPath}")


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
