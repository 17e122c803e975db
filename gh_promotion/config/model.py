"""The one immutable configuration object every runtime receives.

Flags, environment variables, a `.env` file and the YAML file are resolved into
a :class:`Config` by :mod:`gh_promotion.config.loader` before any runner starts;
nothing downstream reads the environment or the YAML again.

Field names are the YAML keys in snake_case: ``create_target_ref`` is
``promotion.push.createTargetRef``. The sections ``global`` and ``lambda`` are
Python keywords, hence ``global_`` and ``lambda_``.

This module imports nothing beyond the standard library so the Lambda handler
can build a config without paying for click or yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


class Secret(str):
    """A string that never shows itself in a repr, a log record or `config show`.

    It is still a ``str`` so it can be handed to HMAC or PyGithub unchanged; only
    its representation is redacted.
    """

    def __repr__(self) -> str:
        return "Secret('***')" if self else "Secret('')"

    def redacted(self) -> str:
        return "***" if self else ""


@dataclass(frozen=True)
class LoggingConfig:
    verbosity: int = 0  # 0 warning, 1 info, 2 debug
    caller_trace: bool = False


@dataclass(frozen=True)
class S3UploadConfig:
    enabled: bool = False
    bucket_name: str = ""


@dataclass(frozen=True)
class S3Config:
    upload: S3UploadConfig = field(default_factory=S3UploadConfig)


@dataclass(frozen=True)
class GlobalConfig:
    mode: str = "lambda-http"
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    s3: S3Config = field(default_factory=S3Config)


@dataclass(frozen=True)
class DynamicPromotionConfig:
    enabled: bool = True
    key: str = "gitops-promotion-path"


@dataclass(frozen=True)
class PushConfig:
    create_target_ref: bool = True
    create_pull_request_in_draft_mode_key: str = "gitops-promotion-draft-pr"


@dataclass(frozen=True)
class RollbackConfig:
    enabled: bool = False
    prefix: str = "rollback-"
    cascade_stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommitStatusConfig:
    enabled: bool = False
    context: str = "{source}→{target}"


@dataclass(frozen=True)
class CheckRunConfig:
    enabled: bool = True
    name: str = "{source}→{target}"


@dataclass(frozen=True)
class FeedbackConfig:
    commit_status: CommitStatusConfig = field(default_factory=CommitStatusConfig)
    check_run: CheckRunConfig = field(default_factory=CheckRunConfig)


@dataclass(frozen=True)
class PromotionConfig:
    default_stages: tuple[str, ...] = ("main", "staging", "canary", "production")
    dynamic_promotion: DynamicPromotionConfig = field(default_factory=DynamicPromotionConfig)
    events: tuple[str, ...] = SUPPORTED_EVENTS
    push: PushConfig = field(default_factory=PushConfig)
    rollback: RollbackConfig = field(default_factory=RollbackConfig)
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)
    dry_run: bool = False


@dataclass(frozen=True)
class GitHubConfig:
    auth_mode: str = "ssm"
    ssm_key: str = ""
    webhook_secret: Secret = Secret("")
    insecure_skip_signature: bool = False
    api_url: str = "https://api.github.com"
    token: Secret = Secret("")  # GITHUB_TOKEN, for auth_mode "token"
    app_id: str = ""  # for auth_mode "app"
    private_key: Secret = Secret("")  # PEM text, or a path to a PEM file


@dataclass(frozen=True)
class ServiceConfig:
    path: str = "/"
    addr: str = ""
    port: int = 8080
    timeout: float = 5.0  # seconds; YAML and env take Go durations ("5s", "1m30s")
    max_body_bytes: int = GITHUB_MAX_PAYLOAD_BYTES


@dataclass(frozen=True)
class LambdaConfig:
    payload_type: str = "api-gateway-v2"


@dataclass(frozen=True)
class Config:
    global_: GlobalConfig = field(default_factory=GlobalConfig)
    promotion: PromotionConfig = field(default_factory=PromotionConfig)
    github: GitHubConfig = field(default_factory=GitHubConfig)
    service: ServiceConfig = field(default_factory=ServiceConfig)
    lambda_: LambdaConfig = field(default_factory=LambdaConfig)
