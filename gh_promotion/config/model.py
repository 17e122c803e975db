"""The one immutable configuration object every runtime receives.

Flags, environment variables, a `.env` file and the YAML file are resolved into
a :class:`Config` by :mod:`gh_promotion.config.loader` before any runner starts;
nothing downstream reads the environment or the YAML again.

Field names are the YAML keys in snake_case: ``create_target_ref`` is
``promotion.push.createTargetRef``. The sections ``global`` and ``lambda`` are
Python keywords, hence ``global_`` and ``lambda_``.

This module imports nothing beyond the standard library so the Lambda handler
can build a config without paying for click or yaml. The sections are
NamedTuples, not frozen dataclasses: just as immutable, and a Lambda's cold
start pays a quarter of the price for each class (docs/benchmarks.md). Derive
a changed copy with ``config._replace(...)``.
"""

from __future__ import annotations

from typing import NamedTuple

MODES = ("service", "lambda-http", "lambda-event")
MODE_ALIASES = {"lambda": "lambda-http"}
AUTH_MODES = ("ssm", "token", "app")
SUPPORTED_EVENTS = (
    "push",
    "pull_request",
    "pull_request_review",
    "check_suite",
    "deployment_status",
    "status",
    "workflow_run",
)
LAMBDA_PAYLOAD_TYPES = ("api-gateway-v1", "api-gateway-v2", "lambda-url")
GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024


def is_section(value: object) -> bool:
    """True for a config section (one of the NamedTuples below), False for a value."""
    return isinstance(value, tuple) and hasattr(value, "_fields")


class Secret(str):
    """A string that never shows itself in a repr, a log record or `config show`.

    It is still a ``str`` so it can be handed to HMAC or PyGithub unchanged; only
    its representation is redacted.
    """

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"

    def redacted(self) -> str:
        return "***" if self else ""


class LoggingConfig(NamedTuple):
    verbosity: int = 0  # 0 warning, 1 info, 2 debug
    caller_trace: bool = False


class S3UploadConfig(NamedTuple):
    enabled: bool = False
    bucket_name: str = ""


class S3Config(NamedTuple):
    upload: S3UploadConfig = S3UploadConfig()


class GlobalConfig(NamedTuple):
    mode: str = "lambda-http"
    logging: LoggingConfig = LoggingConfig()
    s3: S3Config = S3Config()


class DynamicPromotionConfig(NamedTuple):
    enabled: bool = True
    key: str = "gitops-promotion-path"


class PushConfig(NamedTuple):
    create_target_ref: bool = True
    create_pull_request_in_draft_mode_key: str = "gitops-promotion-draft-pr"


class RollbackConfig(NamedTuple):
    enabled: bool = False
    prefix: str = "rollback-"
    cascade_stages: tuple[str, ...] = ()
    hold: bool = False  # a rollback opens an issue that holds promotions into its stages


class CommitStatusConfig(NamedTuple):
    enabled: bool = False
    context: str = "{source}→{target}"


class CheckRunConfig(NamedTuple):
    enabled: bool = True
    name: str = "{source}→{target}"


class FeedbackConfig(NamedTuple):
    commit_status: CommitStatusConfig = CommitStatusConfig()
    check_run: CheckRunConfig = CheckRunConfig()


class FreezeWindow(NamedTuple):
    """One change-freeze window of ``promotion.freeze`` (docs/gates.md).

    Either recurring — a cron ``schedule`` opening it for ``duration`` seconds,
    read in ``timezone`` — or absolute, from ``start`` to ``end`` (seconds since
    the epoch, parsed from ISO 8601 at start-up so a bad date stops the program).
    """

    reason: str = "change freeze"
    stages: tuple[str, ...] = ()  # empty: every stage
    schedule: str = ""
    duration: float = 0.0
    timezone: str = "UTC"
    start: float | None = None
    end: float | None = None


SOAK_MODES = ("latest", "any-newer")


class PromotionConfig(NamedTuple):
    default_stages: tuple[str, ...] = ("main", "staging", "canary", "production")
    dynamic_promotion: DynamicPromotionConfig = DynamicPromotionConfig()
    events: tuple[str, ...] = SUPPORTED_EVENTS
    push: PushConfig = PushConfig()
    rollback: RollbackConfig = RollbackConfig()
    feedback: FeedbackConfig = FeedbackConfig()
    dry_run: bool = False
    # Refuse to fast-forward while a required status check of the target (branch
    # protection, rulesets) has not passed on the head: for an App that bypasses them.
    enforce_required_checks: bool = False
    # The gates of docs/gates.md; all off by default.
    soak: tuple[tuple[str, float], ...] = ()  # (stage, seconds a commit must hold it)
    soak_mode: str = "latest"
    freeze: tuple[FreezeWindow, ...] = ()
    stop_the_line_key: str = "gitops-promotion-freeze"
    override_label: str = "promotion-override"


class GitHubConfig(NamedTuple):
    auth_mode: str = "ssm"
    ssm_key: str = ""
    webhook_secret: Secret = Secret("")
    insecure_skip_signature: bool = False
    api_url: str = "https://api.github.com"
    token: Secret = Secret("")  # GITHUB_TOKEN, for auth_mode "token"
    app_id: str = ""  # for auth_mode "app"
    private_key: Secret = Secret("")  # PEM text, or a path to a PEM file
    # Seconds a delivery may spend on GitHub (requests, retries, waits): GitHub
    # gives up on a webhook after 10 s.
    time_budget: float = 8.0


class ServiceConfig(NamedTuple):
    path: str = "/"
    addr: str = ""
    port: int = 8080
    timeout: float = 5.0  # seconds; YAML and env take Go durations ("5s", "1m30s")
    request_deadline: float = 10.0  # seconds from a request's first byte to its last
    max_body_bytes: int = GITHUB_MAX_PAYLOAD_BYTES
    reconcile_interval: float = 0.0  # seconds between background sweeps; 0: never
    metrics_port: int = 0  # a port of its own for GET /metrics; 0: the service's port


class ReconcileConfig(NamedTuple):
    """The sweep (`gh-promotion reconcile`): which repositories, and redelivering failures."""

    repositories: tuple[str, ...] = ()  # OWNER/REPO; empty: every repository the App is on
    redeliver: bool = True  # redeliver failed deliveries (App auth only: needs the App's JWT)
    redeliver_window: float = 24 * 3600.0  # seconds back in the App's delivery log (GitHub: 3d)
    rate_limit_floor: int = 10  # percent of the rate limit left under which the sweep stops early
    time_budget: float = 60.0  # the most one GitHub wait (rate limit, retries) may take in a sweep


class MetricsConfig(NamedTuple):
    """The service's /metrics and the Lambda's CloudWatch EMF lines (docs/metrics.md)."""

    enabled: bool = True
    namespace: str = "gh-promotion"  # the CloudWatch namespace of the Lambda's EMF lines
    per_repository: bool = False  # a repository label on delivery and promotion metrics


class LambdaConfig(NamedTuple):
    payload_type: str = "api-gateway-v2"


class Config(NamedTuple):
    global_: GlobalConfig = GlobalConfig()
    promotion: PromotionConfig = PromotionConfig()
    github: GitHubConfig = GitHubConfig()
    service: ServiceConfig = ServiceConfig()
    lambda_: LambdaConfig = LambdaConfig()
    reconcile: ReconcileConfig = ReconcileConfig()
    metrics: MetricsConfig = MetricsConfig()
