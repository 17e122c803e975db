"""The option table, the model, the sample file and the docs tell one story.

The sample and the reference are generated from the option table; these tests
fail when a committed copy is stale (regenerate with
``python -m gh_promotion.config.reference``), when the sample's documented
defaults are not the code's, or when a name promised by the issue changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from gh_promotion.config.loader import resolve_with_provenance
from gh_promotion.config.model import Config, is_section
from gh_promotion.config.options import OPTIONS, OPTIONS_BY_KEY
from gh_promotion.config.reference import markdown_reference, sample_yaml
from gh_promotion.config.values import parse_value

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "stale: run `python -m gh_promotion.config.reference` and commit the result"

# The environment variables and flags promised by issue 2 (the Go tool's, plus
# the new ones), written out here so a rename in the table cannot go unnoticed.
PROMISED = {
    "global.mode": ("MODE", "mode"),
    "global.logging.verbosity": ("VERBOSE", "verbose"),
    "global.logging.caller_trace": ("CALLER_TRACE", "caller-trace"),
    "global.s3.upload.enabled": ("PROMOTION_REPORT_S3_UPLOAD", "promotion-report-s3-upload"),
    "global.s3.upload.bucket_name": (
        "PROMOTION_REPORT_S3_BUCKET",
        "promotion-report-s3-upload-bucket",
    ),
    "promotion.default_stages": ("PROMOTION_DEFAULT_STAGES", "promotion-default-stages"),
    "promotion.dynamic_promotion.enabled": ("PROMOTION_DYNAMIC", "promotion-dynamic"),
    "promotion.dynamic_promotion.key": (
        "DYNAMIC_PROMOTION_KEY",
        "promotion-dynamic-custom-property-key",
    ),
    "promotion.events": ("PROMOTION_EVENTS", "promotion-events"),
    "promotion.push.create_target_ref": (
        "CREATE_MISSING_TARGET_BRANCHES",
        "create-missing-target-branches",
    ),
    "promotion.push.create_pull_request_in_draft_mode_key": (None, None),
    "promotion.rollback.enabled": ("PROMOTION_ROLLBACK", "promotion-rollback"),
    "promotion.rollback.prefix": ("PROMOTION_ROLLBACK_PREFIX", "promotion-rollback-prefix"),
    "promotion.rollback.cascade_stages": (
        "PROMOTION_ROLLBACK_CASCADE_STAGES",
        "promotion-rollback-cascade-stages",
    ),
    "promotion.rollback.hold": ("PROMOTION_ROLLBACK_HOLD", "promotion-rollback-hold"),
    "promotion.soak": ("PROMOTION_SOAK", None),
    "promotion.soak_mode": ("PROMOTION_SOAK_MODE", None),
    "promotion.freeze": ("PROMOTION_FREEZE", None),
    "promotion.stop_the_line_key": ("PROMOTION_STOP_THE_LINE_KEY", None),
    "promotion.override_label": ("PROMOTION_OVERRIDE_LABEL", None),
    "promotion.feedback.commit_status.enabled": (
        "FEEDBACK_COMMIT_STATUS",
        "feedback-commit-status",
    ),
    "promotion.feedback.commit_status.context": (
        "FEEDBACK_COMMIT_STATUS_CONTEXT",
        "feedback-commit-status-context",
    ),
    "promotion.feedback.check_run.enabled": ("FEEDBACK_CHECK_RUN", "feedback-check-run"),
    "promotion.feedback.check_run.name": ("FEEDBACK_CHECK_RUN_NAME", "feedback-check-run-name"),
    "promotion.dry_run": ("PROMOTION_DRY_RUN", "dry-run"),
    "promotion.enforce_required_checks": (
        "PROMOTION_ENFORCE_REQUIRED_CHECKS",
        "promotion-enforce-required-checks",
    ),
    "github.auth_mode": ("GITHUB_AUTH_MODE", "github-auth-mode"),
    "github.ssm_key": ("GITHUB_APP_SSM_ARN", "github-app-ssm-arn"),
    "github.webhook_secret": ("GITHUB_WEBHOOK_SECRET", "github-webhook-secret"),
    "github.insecure_skip_signature": ("INSECURE_SKIP_SIGNATURE", "insecure-skip-signature"),
    "github.api_url": ("GITHUB_API_URL", "github-api-url"),
    "github.token": ("GITHUB_TOKEN", "github-token"),
    "github.app_id": ("GITHUB_APP_ID", "github-app-id"),
    "github.private_key": ("GITHUB_APP_PRIVATE_KEY", "github-app-private-key"),
    "github.time_budget": ("GITHUB_TIME_BUDGET", "github-time-budget"),
    "service.path": ("HOST_PATH", "host-path"),
    "service.addr": ("ADDR", "addr"),
    "service.port": ("PORT", "port"),
    "service.timeout": ("SERVICE_IO_TIMEOUT", "service-io-timeout"),
    "service.request_deadline": ("SERVICE_REQUEST_DEADLINE", "request-deadline"),
    "service.max_body_bytes": ("MAX_BODY_BYTES", "max-body-bytes"),
    "service.reconcile_interval": ("SERVICE_RECONCILE_INTERVAL", "reconcile-interval"),
    "lambda.payload_type": ("LAMBDA_PAYLOAD_TYPE", "lambda-payload-type"),
    "reconcile.repositories": ("RECONCILE_REPOSITORIES", None),
    "reconcile.redeliver": ("RECONCILE_REDELIVER", None),
    "reconcile.redeliver_window": ("RECONCILE_REDELIVER_WINDOW", None),
    "reconcile.rate_limit_floor": ("RECONCILE_RATE_LIMIT_FLOOR", None),
    "reconcile.time_budget": ("RECONCILE_TIME_BUDGET", None),
    "service.metrics_port": ("METRICS_PORT", "metrics-port"),
    "metrics.enabled": ("METRICS_ENABLED", None),
    "metrics.namespace": ("METRICS_NAMESPACE", None),
    "metrics.per_repository": ("METRICS_PER_REPOSITORY", None),
}
PROMISED_SHORT = {"verbose": "v", "caller-trace": "V", "github-auth-mode": "A"}
PROMISED_SHORT |= {"addr": "H", "port": "p", "host-path": "P", "service-io-timeout": "t"}


def _model_leaves(node: object, prefix: str = "") -> list[str]:
    keys = []
    for name in node._fields:
        value = getattr(node, name)
        key = f"{prefix}{name.rstrip('_')}"
        keys += _model_leaves(value, f"{key}.") if is_section(value) else [key]
    return keys


def test_every_model_field_has_exactly_one_option():
    assert sorted(_model_leaves(Config())) == sorted(o.key for o in OPTIONS)
    assert len(OPTIONS_BY_KEY) == len(OPTIONS)


def test_env_vars_and_flags_are_the_promised_ones():
    assert {o.key: (o.env, o.flag) for o in OPTIONS} == PROMISED
    assert {o.flag: o.short for o in OPTIONS if o.short} == PROMISED_SHORT


def test_names_are_unique():
    for attribute in ("env", "flag", "short"):
        names = [getattr(o, attribute) for o in OPTIONS if getattr(o, attribute)]
        assert len(names) == len(set(names)), attribute


def test_committed_sample_is_the_generated_one():
    assert (ROOT / "config.sample.yaml").read_text(encoding="utf-8") == sample_yaml(), REGENERATE


def test_committed_reference_is_the_generated_one():
    text = (ROOT / "docs/configuration.md").read_text(encoding="utf-8")
    assert text == markdown_reference(), REGENERATE


def test_sample_documents_every_key_with_the_codes_default():
    """Read the sample on its own (plain yaml), then compare each value to the model."""
    document = yaml.safe_load((ROOT / "config.sample.yaml").read_text(encoding="utf-8"))
    for option in OPTIONS:
        node = document
        for name in option.yaml_path:
            node = node[name]
        documented = parse_value(option, node, "config.sample.yaml")
        assert documented == option.default, option.yaml_key


def test_sample_loads_to_the_default_config_from_the_file_alone(workdir):
    resolved = resolve_with_provenance(
        environ={}, config_path=ROOT / "config.sample.yaml", config_path_explicit=True
    )
    assert resolved.config == Config()
    assert all(":" in origin for origin in resolved.origins.values())  # every key from the file


def test_reference_names_every_key_env_and_flag():
    text = (ROOT / "docs/configuration.md").read_text(encoding="utf-8")
    for option in OPTIONS:
        assert f"`{option.yaml_key}`" in text
        if option.env:
            assert f"`{option.env}`" in text
        if option.flag:
            assert f"`--{option.flag}`" in text


def test_loader_imports_neither_click_nor_yaml_without_a_file(workdir):
    """The Lambda handler's cold start must not pay for click, yaml or dotenv."""
    probe = (
        "import sys\n"
        "from gh_promotion.config.loader import load_config\n"
        "load_config(environ={'PORT': '1'})\n"
        "print(sorted(m for m in ('click', 'yaml', 'dotenv') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
