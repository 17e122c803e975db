"""The `gh-promotion` command as a user runs it.

Most tests call :func:`gh_promotion.cli.main` in-process (the real entry point,
exit status included) for speed; a few run the installed console script in a
subprocess to prove the same from the outside: exit status 2, one line on
stderr, never a traceback, and the right runner reached.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gh_promotion.cli import main
from gh_promotion.config.options import OPTIONS

SCRIPT = Path(sys.executable).with_name("gh-promotion")
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``gh-promotion argv`` in-process: exit status, stdout, stderr."""
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def run_script(*argv: str, stdin: str = "", env: dict[str, str] | None = None):
    """The installed console script in a subprocess, with no option env vars set."""
    environ = {k: v for k, v in os.environ.items() if k not in {o.env for o in OPTIONS}}
    environ.update(env or {})
    return subprocess.run(
        [str(SCRIPT), *argv], input=stdin, capture_output=True, text=True, env=environ, timeout=60
    )


def show(capsys, *argv: str) -> tuple[dict, dict[str, str]]:
    """`config show` parsed: the YAML document, and each leaf's origin comment."""
    status, out, err = run(capsys, *argv)
    assert status == 0, err
    origins = {}
    for line in out.splitlines():
        if ": " in line and "#" in line and not line.lstrip().startswith("#"):
            key = line.split(":", 1)[0].strip()
            origins[key] = line.rsplit("# ", 1)[1]
    return yaml.safe_load(out), origins


# --- help ------------------------------------------------------------------------


def _assert_help_names_env_vars(text: str, scopes: tuple[str, ...]) -> None:
    for option in OPTIONS:
        if option.env and option.flag and not option.hidden and option.scope in scopes:
            assert f"[{option.env}]" in text, option.env
            assert f"--{option.flag}" in text


def test_root_help_lists_every_option_with_env_var_and_default():
    done = run_script("--help")
    assert done.returncode == 0
    _assert_help_names_env_vars(done.stdout, ("root", "service", "lambda"))
    assert "(default 8080)" in done.stdout
    assert '(default "ssm")' in done.stdout
    assert "--github-token" not in done.stdout  # a secret's flag stays hidden
    for command in ("service", "lambda", "config", "demo"):
        assert command in done.stdout


def test_service_help_lists_its_options_and_the_root_ones(capsys):
    status, out, _ = run(capsys, "service", "--help")
    assert status == 0
    _assert_help_names_env_vars(out, ("root", "service"))
    assert "-H, --addr" in out and "-p, --port" in out and "-t, --service-io-timeout" in out
    assert '(default "5s")' in out
    assert "[LAMBDA_PAYLOAD_TYPE]" not in out


def test_lambda_event_help_lists_its_options(capsys):
    status, out, _ = run(capsys, "lambda", "event", "--help")
    assert status == 0
    _assert_help_names_env_vars(out, ("root", "lambda"))
    assert "--event" in out
    assert "[HOST_PATH]" not in out


@pytest.mark.parametrize("alias", ["srv", "serve", "server", "standalone"])
def test_service_aliases(capsys, alias):
    status, out, _ = run(capsys, alias, "--help")
    assert status == 0
    assert "Usage: gh-promotion service" in out


@pytest.mark.parametrize("argv", [["--help"], ["config", "show"]])
def test_help_and_config_show_import_no_runner(argv):
    probe = (
        "import sys\n"
        "from gh_promotion.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('gh_promotion.runtime',"
        " 'gh_promotion.simulator', 'github', 'boto3', 'flask'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stderr.strip() == "[]"


# --- config show -------------------------------------------------------------------


def test_config_show_is_yaml_with_origins_and_redacted_secrets(capsys, workdir, monkeypatch):
    (workdir / "config.yaml").write_text("service:\n  path: /hooks\n")
    (workdir / ".env").write_text(f'GITHUB_APP_PRIVATE_KEY="{PEM}"\n')
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "hook-secret-1234")
    monkeypatch.setenv("PORT", "9100")
    token = "ghp_" + "x" * 36
    document, origins = show(capsys, "config", "show", "--github-token", token)
    _, out, err = run(capsys, "config", "show", "--github-token", token)
    for secret in ("hook-secret-1234", "ghp_xxxx", "MIIEvQIBADAN"):
        assert secret not in out + err
    assert document["github"]["webhookSecret"] == "***"
    assert document["github"]["token"] == "***"
    assert document["github"]["privateKey"] == "***"
    assert document["github"]["ssmKey"] == ""
    assert document["service"] == {
        "path": "/hooks",
        "addr": "",
        "port": 9100,
        "timeout": "5s",
        "requestDeadline": "10s",
        "maxBodyBytes": 25 * 1024 * 1024,
        "reconcileInterval": "0s",
        "metricsPort": 0,
    }
    assert origins["path"] == "config.yaml:2"
    assert origins["port"] == "env PORT"
    assert origins["webhookSecret"] == "env GITHUB_WEBHOOK_SECRET"
    assert origins["privateKey"] == ".env GITHUB_APP_PRIVATE_KEY"
    assert origins["token"] == "flag --github-token"
    assert origins["payloadType"] == "default"


def test_config_show_output_loads_back_as_the_same_configuration(capsys, workdir):
    _, out, _ = run(capsys, "config", "show", "-p", "7000", "-t", "1m30s", "--dry-run")
    (workdir / "shown.yaml").write_text(out)
    again, origins = show(capsys, "config", "show", "-c", "shown.yaml")
    assert again == yaml.safe_load(out)
    assert again["service"]["port"] == 7000
    port_line = next(n for n, line in enumerate(out.splitlines(), 1) if "  port:" in line)
    assert origins["port"] == f"shown.yaml:{port_line}"


# --- root options before or after the command ----------------------------------------


def test_root_options_before_or_after_the_command_are_the_same(capsys, workdir):
    (workdir / "x.yaml").write_text("promotion:\n  rollback:\n    enabled: true\n")
    before = run(
        capsys, "-c", "x.yaml", "-p", "7", "--promotion-default-stages", "a,b", "config", "show"
    )
    after = run(
        capsys, "config", "show", "-c", "x.yaml", "-p", "7", "--promotion-default-stages", "a,b"
    )
    assert before == after
    document = yaml.safe_load(before[1])
    assert document["promotion"]["rollback"]["enabled"] is True
    assert document["promotion"]["defaultStages"] == ["a", "b"]
    assert document["service"]["port"] == 7


def test_the_command_nearer_the_end_wins_and_verbosity_adds_up(capsys):
    document, _ = show(capsys, "-p", "1", "-v", "config", "show", "-p", "2", "-v")
    assert document["service"]["port"] == 2
    assert document["global"]["logging"]["verbosity"] == 2


def test_repeated_list_flags_and_no_flags(capsys):
    document, _ = show(
        capsys,
        "config",
        "show",
        "--promotion-events",
        "push",
        "--promotion-events",
        "status",
        "--no-feedback-check-run",
        "--feedback-commit-status",
    )
    assert document["promotion"]["events"] == ["push", "status"]
    assert document["promotion"]["feedback"]["checkRun"]["enabled"] is False
    assert document["promotion"]["feedback"]["commitStatus"]["enabled"] is True


def test_dotenv_in_the_working_directory_is_read(capsys, workdir):
    (workdir / ".env").write_text("LAMBDA_PAYLOAD_TYPE=lambda-url\n")
    document, origins = show(capsys, "config", "show")
    assert document["lambda"]["payloadType"] == "lambda-url"
    assert origins["payloadType"] == ".env LAMBDA_PAYLOAD_TYPE"


# --- errors: status 2, one line, no traceback -----------------------------------------


@pytest.mark.parametrize(
    ("files", "argv", "message"),
    [
        (
            {"config.yaml": "promotoin:\n  events: []\n"},
            ["config", "show"],
            "gh-promotion: error: config.yaml:1: unknown key 'promotoin' "
            "(did you mean 'promotion'?)",
        ),
        (
            {},
            ["config", "show", "-p", "http"],
            "gh-promotion: error: service.port: expected an integer, got 'http' (from flag --port)",
        ),
        (
            {},
            ["config", "show", "-t", "soon"],
            "gh-promotion: error: service.timeout: expected a duration such as 5s, 1m30s, 250ms "
            "or a number of seconds, got 'soon' (from flag --service-io-timeout)",
        ),
        (
            {},
            ["--mode", "k8s"],
            "gh-promotion: error: global.mode: expected one of service, lambda-http, lambda-event "
            "('lambda' means lambda-http), got 'k8s' (from flag --mode)",
        ),
        (
            {},
            ["service", "-c", "missing.yaml"],
            "gh-promotion: error: config file 'missing.yaml' not found",
        ),
        (
            {".env": "PROMOTION_DRY_RUN=perhaps\n"},
            ["lambda", "event"],
            "gh-promotion: error: promotion.dryRun: expected a boolean (true/false/1/0/yes/no), "
            "got 'perhaps' (from .env PROMOTION_DRY_RUN)",
        ),
        (
            {},
            ["config", "show", "--colour"],
            "gh-promotion: error: No such option '--colour'. "
            "(see 'gh-promotion config show --help')",
        ),
        (
            {},
            ["nonsense"],
            "gh-promotion: error: No such command 'nonsense'. (see 'gh-promotion --help')",
        ),
    ],
    ids=[
        "unknown-key",
        "wrong-type",
        "bad-duration",
        "unknown-mode",
        "missing-file",
        "dotenv",
        "usage",
        "command",
    ],
)
def test_errors_exit_2_with_one_line(capsys, workdir, files, argv, message):
    for name, text in files.items():
        (workdir / name).write_text(text)
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (2, "", message + "\n")


def test_errors_from_the_real_script_have_no_traceback(workdir):
    (workdir / "config.yaml").write_text("service:\n  timeout: forever\n")
    for argv in (["service"], ["--mode=lambda-event"], ["config", "show"]):
        done = run_script(*argv)
        assert done.returncode == 2
        assert done.stdout == ""
        assert done.stderr.splitlines() == [
            "gh-promotion: error: service.timeout: expected a duration such as 5s, 1m30s, "
            "250ms or a number of seconds, got 'forever' (from config.yaml:2)"
        ]


# --- dispatch to the runners ------------------------------------------------------------

PING_EVENT = {"detail-type": "ping", "source": "github", "detail": {"zen": "Keep it simple."}}


@pytest.mark.parametrize(
    ("argv", "env"),
    [(["--mode=lambda-event"], {}), (["lambda", "event"], {}), ([], {"MODE": "lambda-event"})],
    ids=["root-mode-flag", "subcommand", "mode-env"],
)
def test_lambda_event_mode_reaches_the_event_runner(argv, env):
    """A ping through EventBridge is answered by the event runner (stdout: the result)."""
    env = {**env, "GITHUB_TOKEN": "ghp_" + "c" * 36}
    done = run_script(*argv, "-A", "token", stdin=json.dumps(PING_EVENT), env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["event"] == "ping"


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "-H", "127.0.0.1", "-p", "0", "-P", "/hooks"],
        ["-H", "127.0.0.1", "-P", "/hooks", "--mode=service", "-p", "0"],
    ],
    ids=["alias-with-service-flags", "root-mode"],
)
def test_service_mode_serves_with_the_flags_given(argv):
    """The service runner gets the flags: it listens where told and answers a ping."""
    import signal
    import urllib.request

    environ = {k: v for k, v in os.environ.items() if k not in {o.env for o in OPTIONS}}
    environ["GITHUB_TOKEN"] = "ghp_" + "c" * 36
    command = [str(SCRIPT), *argv, "--insecure-skip-signature", "-A", "token"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=environ)
    try:
        url = _listening_url(server)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/hooks")
        request = urllib.request.Request(
            url,
            data=json.dumps({"zen": "Keep it simple.", "hook_id": 1}).encode(),
            headers={
                "X-GitHub-Event": "ping",
                "X-GitHub-Delivery": "d-1",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _listening_url(server: subprocess.Popen) -> str:
    for _ in range(50):
        line = server.stderr.readline()
        if not line:
            break
        if "listening on " in line:
            return line.split("listening on ", 1)[1].strip()
    raise AssertionError(f"the service did not start (exit status {server.poll()})")
