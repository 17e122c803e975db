"""The one table of configuration options.

Every way of setting a value — command-line flag, environment variable, `.env`,
YAML key — and every place that describes one — ``--help``, ``config show``,
``config.sample.yaml``, ``docs/configuration.md`` — is derived from
:data:`OPTIONS`. Defaults are not repeated here: they are read from the
:class:`~gh_promotion.config.model.Config` sections, so the model stays the
single source of truth for them and nothing can drift.

Flag and environment variable names are those of the Go tool
(isometry/gh-promotion-app) so its users can switch without rewriting their
deployments.

Standard library only: the Lambda handler imports this on a cold start.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from gh_promotion.config.model import (
    AUTH_MODES,
    LAMBDA_PAYLOAD_TYPES,
    MODE_ALIASES,
    MODES,
    SOAK_MODES,
    SUPPORTED_EVENTS,
    Config,
)

# Which commands carry an option: "root" options are accepted by every command,
# "service" ones by the root and `service`, "lambda" ones by the root and `lambda`.
SCOPES = ("root", "service", "lambda")

# The value kinds the parsers in :mod:`gh_promotion.config.values` understand.
KINDS = ("str", "secret", "bool", "int", "count", "duration", "list", "durations", "windows")


class Option(NamedTuple):
    """One configuration value and every name it is known by.

    ``key`` is the dotted path of the value in :class:`Config` with the trailing
    underscore of ``global_``/``lambda_`` dropped (``"service.port"``); the YAML
    path is the same path in camelCase (``service.port``,
    ``promotion.push.createTargetRef``).
    """

    key: str
    kind: str
    help: str
    flag: str | None = None  # long flag without the dashes
    short: str | None = None  # one letter
    env: str | None = None
    scope: str = "root"
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # accepted spelling -> canonical value
    minimum: int | None = None
    maximum: int | None = None
    hidden: bool = False  # flag not shown in --help (the value is a secret)

    @property
    def yaml_path(self) -> tuple[str, ...]:
        """The key's segments as they are spelled in the YAML file."""
        return tuple(camel_case(part) for part in self.key.split("."))

    @property
    def yaml_key(self) -> str:
        return ".".join(self.yaml_path)

    @property
    def flag_name(self) -> str | None:
        return f"--{self.flag}" if self.flag else None

    @property
    def default(self) -> Any:
        """The model's default for this key (read from a fresh ``Config()``)."""
        return value_at(Config(), self.key)


def camel_case(snake: str) -> str:
    """``create_target_ref`` -> ``createTargetRef``: how the YAML spells a field."""
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def model_attribute(segment: str, owner: Any) -> str:
    """The model attribute for a key segment (``global`` -> ``global_``)."""
    return segment if hasattr(owner, segment) else f"{segment}_"


def value_at(config: Any, key: str) -> Any:
    """Follow a dotted key through the nested config sections."""
    node = config
    for segment in key.split("."):
        node = getattr(node, model_attribute(segment, node))
    return node


def yaml_tree() -> dict[str, Any]:
    """The YAML key tree in table order: nested dicts of YAML names, leaves are options."""
    tree: dict[str, Any] = {}
    for option in OPTIONS:
        *sections, leaf = option.yaml_path
        node = tree
        for section in sections:
            node = node.setdefault(section, {})
        node[leaf] = option
    return tree


def _events_help() -> str:
    return "GitHub webhook events to act on, comma separated; any of " + ", ".join(SUPPORTED_EVENTS)


OPTIONS: tuple[Option, ...] = (
    # global
    Option(
        "global.mode",
        "str",
        "The application runtime mode: " + ", ".join(MODES) + " ('lambda' means lambda-http)",
        flag="mode",
        env="MODE",
        choices=MODES,
        aliases=tuple(MODE_ALIASES.items()),
    ),
    Option(
        "global.logging.verbosity",
        "count",
        "Increase logger verbosity: 0 warning, 1 info, 2 debug (repeat -v)",
        flag="verbose",
        short="v",
        env="VERBOSE",
        minimum=0,
    ),
    Option(
        "global.logging.caller_trace",
        "bool",
        "Add the caller's file:line to every log record",
        flag="caller-trace",
        short="V",
        env="CALLER_TRACE",
    ),
    Option(
        "global.s3.upload.enabled",
        "bool",
        "Upload a promotion report to S3 after each promotion",
        flag="promotion-report-s3-upload",
        env="PROMOTION_REPORT_S3_UPLOAD",
    ),
    Option(
        "global.s3.upload.bucket_name",
        "str",
        "The S3 bucket promotion reports are uploaded to",
        flag="promotion-report-s3-upload-bucket",
        env="PROMOTION_REPORT_S3_BUCKET",
    ),
    # promotion
    Option(
        "promotion.default_stages",
        "list",
        "The default promotion path, branch names comma separated, first to last",
        flag="promotion-default-stages",
        env="PROMOTION_DEFAULT_STAGES",
    ),
    Option(
        "promotion.dynamic_promotion.enabled",
        "bool",
        "Read each repository's promotion path from its custom property",
        flag="promotion-dynamic",
        env="PROMOTION_DYNAMIC",
    ),
    Option(
        "promotion.dynamic_promotion.key",
        "str",
        "The repository custom property holding the promotion path",
        flag="promotion-dynamic-custom-property-key",
        env="DYNAMIC_PROMOTION_KEY",
    ),
    Option(
        "promotion.events",
        "list",
        _events_help(),
        flag="promotion-events",
        env="PROMOTION_EVENTS",
        choices=SUPPORTED_EVENTS,
    ),
    Option(
        "promotion.push.create_target_ref",
        "bool",
        "Create a missing next-stage branch instead of giving up",
        flag="create-missing-target-branches",
        env="CREATE_MISSING_TARGET_BRANCHES",
    ),
    Option(
        "promotion.push.create_pull_request_in_draft_mode_key",
        "str",
        "The repository custom property that makes promotion pull requests drafts",
    ),
    Option(
        "promotion.rollback.enabled",
        "bool",
        "Roll the last stage back on a push to prefix + last stage (rollback-production)",
        flag="promotion-rollback",
        env="PROMOTION_ROLLBACK",
    ),
    Option(
        "promotion.rollback.prefix",
        "str",
        "The branch name prefix that asks for a rollback",
        flag="promotion-rollback-prefix",
        env="PROMOTION_ROLLBACK_PREFIX",
    ),
    Option(
        "promotion.rollback.cascade_stages",
        "list",
        "Stages rolled back together with the last one, comma separated",
        flag="promotion-rollback-cascade-stages",
        env="PROMOTION_ROLLBACK_CASCADE_STAGES",
    ),
    Option(
        "promotion.rollback.hold",
        "bool",
        "After a rollback, hold promotions into the rolled-back stages until the issue it"
        " opens (label promotion-hold) is closed",
        flag="promotion-rollback-hold",
        env="PROMOTION_ROLLBACK_HOLD",
    ),
    Option(
        "promotion.feedback.commit_status.enabled",
        "bool",
        "Report promotions as commit statuses (enable one feedback mechanism at a time)",
        flag="feedback-commit-status",
        env="FEEDBACK_COMMIT_STATUS",
    ),
    Option(
        "promotion.feedback.commit_status.context",
        "str",
        "The commit status context; placeholders {source}, {target}",
        flag="feedback-commit-status-context",
        env="FEEDBACK_COMMIT_STATUS_CONTEXT",
    ),
    Option(
        "promotion.feedback.check_run.enabled",
        "bool",
        "Report promotions as check runs (needs GitHub App authentication)",
        flag="feedback-check-run",
        env="FEEDBACK_CHECK_RUN",
    ),
    Option(
        "promotion.feedback.check_run.name",
        "str",
        "The check run name; placeholders {source}, {target}",
        flag="feedback-check-run-name",
        env="FEEDBACK_CHECK_RUN_NAME",
    ),
    Option(
        "promotion.dry_run",
        "bool",
        "Decide and log every promotion but write nothing to GitHub",
        flag="dry-run",
        env="PROMOTION_DRY_RUN",
    ),
    Option(
        "promotion.enforce_required_checks",
        "bool",
        "Refuse to fast-forward while a required status check of the target branch "
        "(branch protection, rulesets) has not passed on the head, even when the App "
        "bypasses them; costs a few reads per fast-forward",
        flag="promotion-enforce-required-checks",
        env="PROMOTION_ENFORCE_REQUIRED_CHECKS",
    ),
    Option(
        "promotion.soak",
        "durations",
        "How long a commit must hold a stage before it moves on to the next, per stage"
        " ({canary: 30m, production: 2h}; units s, m, h, d); env: JSON or canary=30m,...",
        env="PROMOTION_SOAK",
    ),
    Option(
        "promotion.soak_mode",
        "str",
        "latest: the commit being promoted must have held the stage that long; any-newer:"
        " the stage must have held commits newer than the next stage's that long",
        env="PROMOTION_SOAK_MODE",
        choices=SOAK_MODES,
    ),
    Option(
        "promotion.freeze",
        "windows",
        "Freeze windows: {schedule: <cron>, duration, timezone (IANA, default UTC), stages"
        " (default all), reason} or {from, to} (ISO 8601); env: a JSON list",
        env="PROMOTION_FREEZE",
    ),
    Option(
        "promotion.stop_the_line_key",
        "str",
        "The repository custom property that stops the line: true freezes every stage, a"
        " list freezes those stages",
        env="PROMOTION_STOP_THE_LINE_KEY",
    ),
    Option(
        "promotion.override_label",
        "str",
        "The pull request label that lets a promotion through freeze windows and the"
        " stopped line (not protection, soak or a hold)",
        env="PROMOTION_OVERRIDE_LABEL",
    ),
    # github
    Option(
        "github.auth_mode",
        "str",
        "Where GitHub credentials come from: " + ", ".join(AUTH_MODES),
        flag="github-auth-mode",
        short="A",
        env="GITHUB_AUTH_MODE",
        choices=AUTH_MODES,
    ),
    Option(
        "github.ssm_key",
        "str",
        "The SSM parameter holding the GitHub App credentials (auth mode ssm)",
        flag="github-app-ssm-arn",
        env="GITHUB_APP_SSM_ARN",
    ),
    Option(
        "github.webhook_secret",
        "secret",
        "The secret that signs webhook deliveries",
        flag="github-webhook-secret",
        env="GITHUB_WEBHOOK_SECRET",
    ),
    Option(
        "github.insecure_skip_signature",
        "bool",
        "Accept deliveries without checking their signature (tests and demos only)",
        flag="insecure-skip-signature",
        env="INSECURE_SKIP_SIGNATURE",
    ),
    Option(
        "github.api_url",
        "str",
        "The GitHub REST API root (GitHub Enterprise Server, or a local simulator)",
        flag="github-api-url",
        env="GITHUB_API_URL",
    ),
    Option(
        "github.token",
        "secret",
        "The GitHub token (auth mode token)",
        flag="github-token",
        env="GITHUB_TOKEN",
        hidden=True,
    ),
    Option(
        "github.app_id",
        "str",
        "The GitHub App id (auth mode app)",
        flag="github-app-id",
        env="GITHUB_APP_ID",
    ),
    Option(
        "github.private_key",
        "secret",
        "The GitHub App private key, PEM text or a path to a PEM file (auth mode app)",
        flag="github-app-private-key",
        env="GITHUB_APP_PRIVATE_KEY",
    ),
    Option(
        "github.time_budget",
        "duration",
        "The most time one delivery may spend on GitHub, retries and rate-limit waits included"
        " (GitHub drops a webhook after 10s); a longer wait is answered 502 at once",
        flag="github-time-budget",
        env="GITHUB_TIME_BUDGET",
    ),
    # service
    Option(
        "service.path",
        "str",
        "The URL path the service receives webhooks on",
        flag="host-path",
        short="P",
        env="HOST_PATH",
        scope="service",
    ),
    Option(
        "service.addr",
        "str",
        "The address the service listens on (empty: all interfaces)",
        flag="addr",
        short="H",
        env="ADDR",
        scope="service",
    ),
    Option(
        "service.port",
        "int",
        "The port the service listens on (0: any free port)",
        flag="port",
        short="p",
        env="PORT",
        scope="service",
        minimum=0,
        maximum=65535,
    ),
    Option(
        "service.timeout",
        "duration",
        "The timeout for I/O operations, a Go duration (5s, 1m30s, 250ms) or seconds",
        flag="service-io-timeout",
        short="t",
        env="SERVICE_IO_TIMEOUT",
        scope="service",
    ),
    Option(
        "service.request_deadline",
        "duration",
        "How long a client may take to send a whole request (headers and body) before"
        " the connection is closed",
        flag="request-deadline",
        env="SERVICE_REQUEST_DEADLINE",
        scope="service",
    ),
    Option(
        "service.max_body_bytes",
        "int",
        "The largest webhook body accepted, in bytes",
        flag="max-body-bytes",
        env="MAX_BODY_BYTES",
        scope="service",
        minimum=1,
    ),
    Option(
        "service.reconcile_interval",
        "duration",
        "How often the service sweeps every repository in the background (gh-promotion"
        " reconcile); 0 or empty: never",
        flag="reconcile-interval",
        env="SERVICE_RECONCILE_INTERVAL",
        scope="service",
    ),
    Option(
        "service.metrics_port",
        "int",
        "A port of its own for GET /metrics (Prometheus), on service.addr; 0: the service's port",
        flag="metrics-port",
        env="METRICS_PORT",
        scope="service",
        minimum=0,
        maximum=65535,
    ),
    # lambda
    Option(
        "lambda.payload_type",
        "str",
        "The Lambda HTTP event format: " + ", ".join(LAMBDA_PAYLOAD_TYPES),
        flag="lambda-payload-type",
        env="LAMBDA_PAYLOAD_TYPE",
        scope="lambda",
        choices=LAMBDA_PAYLOAD_TYPES,
    ),
    # reconcile
    Option(
        "reconcile.repositories",
        "list",
        "Repositories (OWNER/REPO, comma separated) the sweep visits; empty: every repository"
        " of every installation of the App",
        env="RECONCILE_REPOSITORIES",
    ),
    Option(
        "reconcile.redeliver",
        "bool",
        "Redeliver the App's failed webhook deliveries during a sweep (App auth only)",
        env="RECONCILE_REDELIVER",
    ),
    Option(
        "reconcile.redeliver_window",
        "duration",
        "How far back the sweep looks for failed deliveries (GitHub keeps 3 days)",
        env="RECONCILE_REDELIVER_WINDOW",
    ),
    Option(
        "reconcile.rate_limit_floor",
        "int",
        "Percent of the GitHub rate limit left under which the sweep stops early",
        env="RECONCILE_RATE_LIMIT_FLOOR",
        minimum=0,
        maximum=100,
    ),
    Option(
        "reconcile.time_budget",
        "duration",
        "The most one GitHub wait (rate limit, retries) may take during a sweep",
        env="RECONCILE_TIME_BUDGET",
    ),
    # metrics
    Option(
        "metrics.enabled",
        "bool",
        "Record metrics: GET /metrics in the service, a CloudWatch EMF line per Lambda invocation",
        env="METRICS_ENABLED",
    ),
    Option(
        "metrics.namespace",
        "str",
        "The CloudWatch namespace of the Lambda's embedded-metric-format lines",
        env="METRICS_NAMESPACE",
    ),
    Option(
        "metrics.per_repository",
        "bool",
        "Add a repository label to delivery and promotion metrics (one series per repository)",
        env="METRICS_PER_REPOSITORY",
    ),
)

OPTIONS_BY_KEY: dict[str, Option] = {option.key: option for option in OPTIONS}
SECRET_KEYS: tuple[str, ...] = tuple(o.key for o in OPTIONS if o.kind == "secret")
