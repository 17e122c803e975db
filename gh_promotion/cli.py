"""The `gh-promotion` command: options in, one Config out, then the mode's runner.

Every option is generated from :data:`gh_promotion.config.options.OPTIONS`; click
only collects what was typed (values are parsed by the config loader, the same
way as environment and YAML values, so errors read the same). Like the Go
tool's persistent flags, the root options are attached to every command too and
merged, so ``gh-promotion -c x.yaml service`` and ``gh-promotion service -c
x.yaml`` mean the same.

Runners are imported only when they run, so ``--help`` and ``config show`` stay
fast and work even where a runtime's dependencies are missing.

Usage and configuration errors exit with status 2 and one line on stderr,
never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, NoReturn

import click
from click.core import ParameterSource

from gh_promotion import __version__
from gh_promotion.config.errors import ConfigError
from gh_promotion.config.loader import DEFAULT_CONFIG_PATH, Resolved, resolve_with_provenance
from gh_promotion.config.model import Config
from gh_promotion.config.options import OPTIONS, Option

PROG = "gh-promotion"
USAGE_ERROR = 2
SERVICE_ALIASES = ("srv", "serve", "server", "standalone")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 120}

_METAVARS = {"int": "INTEGER", "count": "", "duration": "DURATION", "list": "LIST"}


# --- options from the table -------------------------------------------------


def _param_name(option: Option) -> str:
    return option.key.replace(".", "__")


def _help(option: Option) -> str:
    """``[ENV] text (default "x")``, the Go tool's usage style."""
    text = f"[{option.env}] {option.help}" if option.env else option.help
    default = _default_text(option)
    return f"{text} (default {default})" if default else text


def _default_text(option: Option) -> str:
    """The default as the Go tool's usage shows it; empty when there is none."""
    default = option.default
    if option.kind == "bool":
        return "true" if default else "false"
    if option.kind == "duration":
        from gh_promotion.config.values import format_duration

        return f'"{format_duration(default)}"'
    if option.kind == "list":
        return ", ".join(default)
    if isinstance(default, str):
        return f'"{default}"' if default else ""
    return str(default)


def _click_option(option: Option) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A click option that only collects the raw text: the loader parses and checks it."""
    short = [f"-{option.short}"] if option.short else []
    name = _param_name(option)
    common: dict[str, Any] = {"help": _help(option), "hidden": option.hidden}
    if option.kind == "bool":
        return click.option(
            *short, f"--{option.flag}/--no-{option.flag}", name, default=None, **common
        )
    if option.kind == "count":
        return click.option(*short, f"--{option.flag}", name, count=True, **common)
    metavar = _METAVARS.get(option.kind, "TEXT")
    if option.choices and option.kind == "str":
        metavar = "[" + "|".join(option.choices) + "]"
    # Lists may be repeated (--promotion-events push --promotion-events status) or
    # comma separated; _merge joins them for the loader's comma-list parser.
    multiple = option.kind == "list"
    return click.option(
        *short, f"--{option.flag}", name, default=None, metavar=metavar, multiple=multiple, **common
    )


def with_options(*scopes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Attach ``-c/--config`` and every table option of ``scopes`` to a command."""

    def attach(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed([o for o in OPTIONS if o.flag and o.scope in scopes]):
            command = _click_option(option)(command)
        return click.option(
            "-c",
            "--config",
            "config_path",
            default=DEFAULT_CONFIG_PATH,
            metavar="PATH",
            help=f'Path to the configuration file (default "{DEFAULT_CONFIG_PATH}")',
        )(command)

    return attach


# --- from the command line to a Config --------------------------------------

_OPTIONS_BY_PARAM = {_param_name(o): o for o in OPTIONS if o.flag}


def typed_flags(ctx: click.Context) -> tuple[dict[str, Any], str | None]:
    """Option values typed on the command line, from the root to this command.

    Returns the flags keyed by option key (a later command's value wins; ``-v``
    counts add up) and the config path if one was given.
    """
    flags: dict[str, Any] = {}
    config_path: str | None = None
    for level in reversed(list(_lineage(ctx))):
        for name, value in level.params.items():
            if level.get_parameter_source(name) is not ParameterSource.COMMANDLINE:
                continue
            if name == "config_path":
                config_path = value
            elif name in _OPTIONS_BY_PARAM:
                option = _OPTIONS_BY_PARAM[name]
                flags[option.key] = _merge(option, flags.get(option.key), value)
    return flags, config_path


def _lineage(ctx: click.Context) -> list[click.Context]:
    chain = []
    level: click.Context | None = ctx
    while level is not None:
        chain.append(level)
        level = level.parent
    return chain


def _merge(option: Option, earlier: Any, value: Any) -> Any:
    if option.kind == "count":
        return (earlier or 0) + value
    if option.kind == "list":
        return ",".join(value)  # repeated flags and comma separated values alike
    return value


def resolve(ctx: click.Context) -> Resolved:
    """The effective configuration for this invocation, with each value's origin."""
    flags, config_path = typed_flags(ctx)
    return resolve_with_provenance(
        flags=flags,
        config_path=config_path or DEFAULT_CONFIG_PATH,
        config_path_explicit=config_path is not None,
    )


def start_logging(config: Config, *, to_stderr: bool) -> None:
    """Logging set up from the config, before any runner writes a record."""
    from gh_promotion import log
    from gh_promotion.gateway.credentials import configured_secrets

    log.configure(
        verbosity=config.global_.logging.verbosity,
        caller_trace=config.global_.logging.caller_trace,
        stream=sys.stderr if to_stderr else sys.stdout,
        secrets=configured_secrets(config.github),
    )


# --- runners (imported only when they run) -----------------------------------


def run_service(config: Config, origins: Mapping[str, str] | None = None) -> int:
    start_logging(config, to_stderr=False)
    from gh_promotion.runtime.service import serve

    return serve(config, origins)


def run_lambda(
    config: Config, kind: str, event_path: str | None, origins: Mapping[str, str] | None = None
) -> int:
    start_logging(config, to_stderr=True)
    from gh_promotion.runtime.lambda_cli import run_lambda as run

    return run(config, kind, event_path, origins)


def run_mode(resolved: Resolved) -> int:
    """What the root command does without a subcommand: run the configured mode."""
    config, origins = resolved
    if config.global_.mode == "service":
        return run_service(config, origins)
    return run_lambda(config, config.global_.mode.removeprefix("lambda-"), None, origins)


# --- commands ----------------------------------------------------------------


class AliasedGroup(click.Group):
    """A group whose commands may be called by other names (`serve` for `service`)."""

    aliases: ClassVar[dict[str, str]] = {alias: "service" for alias in SERVICE_ALIASES}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        _, command, rest = super().resolve_command(ctx, args)
        return (command.name if command else None), command, rest


@click.group(PROG, cls=AliasedGroup, invoke_without_command=True, context_settings=CONTEXT)
@with_options("root", "service", "lambda")
@click.version_option(__version__, prog_name=PROG)
@click.pass_context
def cli(ctx: click.Context, **_: Any) -> int | None:
    """Promote code along a path of branches (main → staging → canary → production).

    Without a command, runs the runtime mode given by --mode [MODE]
    (default lambda-http).
    """
    if ctx.invoked_subcommand is None:
        return run_mode(resolve(ctx))
    return None


@cli.command("service", context_settings=CONTEXT)
@with_options("root", "service")
@click.pass_context
def service_command(ctx: click.Context, **_: Any) -> int:
    """Run as a standalone HTTP service (aliases: srv, serve, server, standalone)."""
    return run_service(*resolve(ctx))


@cli.group("lambda", invoke_without_command=True, context_settings=CONTEXT)
@with_options("root", "lambda")
@click.pass_context
def lambda_group(ctx: click.Context, **_: Any) -> int | None:
    """Run as an AWS Lambda function (without a command: lambda http)."""
    if ctx.invoked_subcommand is None:
        config, origins = resolve(ctx)
        return run_lambda(config, "http", None, origins)
    return None


def _event_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--event",
        "event_path",
        type=click.Path(exists=True, dir_okay=False, allow_dash=True),
        default=None,
        help="Invoke once, locally, with the Lambda event in this JSON file ('-': stdin)"
        " (default: stdin when not running inside AWS Lambda)",
    )(command)


@lambda_group.command("http", context_settings=CONTEXT)
@with_options("root", "lambda")
@_event_option
@click.pass_context
def lambda_http(ctx: click.Context, event_path: str | None, **_: Any) -> int:
    """Lambda behind API Gateway or a Function URL (mode lambda-http)."""
    config, origins = resolve(ctx)
    return run_lambda(config, "http", _stdin_is_none(event_path), origins)


@lambda_group.command("event", context_settings=CONTEXT)
@with_options("root", "lambda")
@_event_option
@click.pass_context
def lambda_event(ctx: click.Context, event_path: str | None, **_: Any) -> int:
    """Lambda fed by EventBridge: the webhook payload is in the event's detail."""
    config, origins = resolve(ctx)
    return run_lambda(config, "event", _stdin_is_none(event_path), origins)


def _stdin_is_none(event_path: str | None) -> str | None:
    return None if event_path in (None, "-") else event_path


@cli.group("config", context_settings=CONTEXT)
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("show", context_settings=CONTEXT)
@with_options("root", "service", "lambda")
@click.pass_context
def config_show(ctx: click.Context, **_: Any) -> int:
    """Print the effective configuration as YAML, each value with its origin.

    Secrets are shown as ***. The YAML goes to stdout alone (pipe it); logs go
    to stderr.
    """
    from gh_promotion.config.render import show_config

    resolved = resolve(ctx)
    start_logging(resolved.config, to_stderr=True)
    click.echo(show_config(resolved), nl=False)
    return 0


@cli.command("explain", context_settings=CONTEXT)
@click.argument("repository", metavar="OWNER/REPO")
@click.option("--json", "as_json", is_flag=True, help="Print the documented JSON document")
@with_options("root")
@click.pass_context
def explain_command(ctx: click.Context, repository: str, as_json: bool, **_: Any) -> int:
    """Show each step of a repository's promotion path and what it waits for.

    Only reads from GitHub (same configuration and authentication as the other
    commands) and says how many requests it made. The table or the JSON goes to
    stdout; logs go to stderr. See docs/explain.md.
    """
    config, _origins = resolve(ctx)
    start_logging(config, to_stderr=True)
    from gh_promotion.runtime.explain import run_explain

    return run_explain(config, repository, as_json=as_json)


@cli.command("reconcile", context_settings=CONTEXT)
@with_options("root")
@click.option(
    "--repo",
    "repos",
    multiple=True,
    metavar="OWNER/REPO",
    help="A repository to sweep (repeatable); default reconcile.repositories, else every"
    " repository of every installation of the App",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout")
@click.option(
    "--redeliver/--no-redeliver",
    default=None,
    help="Redeliver the App's failed webhook deliveries too (default reconcile.redeliver)",
)
@click.pass_context
def reconcile_command(
    ctx: click.Context, repos: tuple[str, ...], as_json: bool, redeliver: bool | None, **_: Any
) -> int:
    """Sweep each repository's promotion path and do what missed webhooks would have done.

    Results go to stdout (JSON lines, or one JSON document with --json), a
    summary to stderr. Exit 0, 1 when a result needs a person, 2 on bad input.
    With --dry-run nothing is written: the planned writes are listed.
    """
    config, origins = resolve(ctx)
    start_logging(config, to_stderr=True)
    from gh_promotion.runtime.reconcile_cli import run

    return run(config, repos, as_json=as_json, redeliver=redeliver, origins=origins)


@cli.group("report", context_settings=CONTEXT)
def report_group() -> None:
    """Reports read from GitHub."""


@report_group.command("lead-time", context_settings=CONTEXT)
@with_options("root")
@click.argument("repository", metavar="OWNER/REPO")
@click.option(
    "--since",
    default="30d",
    show_default=True,
    help="How far back to read merged promotions: m, h, d or w (e.g. 30d, 12h)",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object")
@click.pass_context
def report_lead_time(
    ctx: click.Context, repository: str, since: str, as_json: bool, **_: Any
) -> int:
    """Per stage, the median and p90 time commits took to reach it from the first stage.

    Read from the promotion requests gh-promotion opened and their merge times
    (closed pull requests, newest first, back to --since). The report goes to
    stdout; logs to stderr.
    """
    from gh_promotion.runtime.lead_time import report_lead_time as run

    config, origins = resolve(ctx)
    start_logging(config, to_stderr=True)
    from gh_promotion.runtime.startup import StartupRefused, check_credentials

    try:
        check_credentials(config, origins)
    except StartupRefused as exc:
        _fail(f"refusing to start: {exc.detail}")
    return run(config, repository, since, as_json)


@cli.command("demo", context_settings=CONTEXT)
@click.option(
    "--keep",
    is_flag=True,
    help="Keep the local GitHub and the service running, and print how to reach them "
    "and how to send a signed delivery by hand",
)
@click.option("-v", "--verbose", count=True, help="Show the service's logs on stderr (-vv: debug)")
def demo_command(keep: bool, verbose: int) -> int:
    """Watch a change travel main → staging → canary → production on a local GitHub.

    Self-contained: it reads no configuration file, environment or credentials.
    """
    try:
        from gh_promotion.runtime.demo import run_demo
    except ModuleNotFoundError as missing:
        if missing.name != "gh_promotion.simulator":
            raise
        _fail(
            "the demo needs the simulator (gh_promotion.simulator), which the Lambda zip "
            "and the container image leave out; run it from a pip install of the source"
        )
    return run_demo(keep=keep, verbosity=verbose)


# --- entry point ----------------------------------------------------------------


def _fail(message: str, status: int = USAGE_ERROR) -> NoReturn:
    click.echo(f"{PROG}: error: {' '.join(message.split())}", err=True)
    sys.exit(status)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console script entry point: run the command, exit with its status."""
    try:
        status = cli.main(args=argv, prog_name=PROG, standalone_mode=False)
    except ConfigError as error:
        _fail(str(error))
    except click.UsageError as error:
        hint = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
        _fail(error.format_message() + hint, error.exit_code)
    except click.ClickException as error:
        _fail(error.format_message(), error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        _fail("interrupted", 130)
    sys.exit(status if isinstance(status, int) else 0)
