"""2. Cold start: a fresh process importing the Lambda handler and answering one delivery.

Every case is a new interpreter, as a Lambda cold start is. The product cases
import ``gh_promotion.aws_lambda`` and call ``handler(event, None)`` the way the
Lambda runtime does (awslambdaric's own bootstrap is left out of both sides).
Yardsticks are ``python -c "import ..."`` of the libraries each path cannot
avoid, run interleaved with the product cases so the machine's noise hits all
alike. "First GitHub request" is the simulator seeing the request arrive
(system-wide monotonic clock) minus the moment the process was spawned.
"""

from __future__ import annotations

import json
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.aws import SSM_WEBHOOK_SECRET, moto_server, ssm_app_env
from bench.processes import Run, base_env, import_times, run_python
from bench.report import Section, Table
from bench.stats import median, mib, ms, ratio, times
from bench.world import GitHub
from testkit.deliveries import signed
from testkit.lambda_events import eventbridge, http_api_v2

SECRET = SSM_WEBHOOK_SECRET  # one secret, so HTTP events verify in token and ssm modes
PROBE = (
    "import json, sys\n"
    "import gh_promotion.aws_lambda as entry\n"
    "answer = entry.handler(json.load(open(sys.argv[1])), None)\n"
    "body = json.loads(answer['body']) if 'statusCode' in answer else answer\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
    "print(json.dumps({'status': body.get('status'), 'error': body.get('error'),"
    " 'hwm': int(hwm)}))\n"
)

YARDSTICKS = {
    "json, hmac": "import json, hmac",
    "github": "import github",
    "github, flask, mangum, a2wsgi": "import github, flask, mangum, a2wsgi",
    "github, boto3": "import github, boto3",
    "github, boto3, flask, mangum, a2wsgi": "import github, boto3, flask, mangum, a2wsgi",
}


@dataclass
class Case:
    name: str
    make_event: Callable[[], dict] | None  # None: a yardstick
    env: dict[str, str] = field(default_factory=dict)
    expect: str = ""
    code: str = ""
    runs: list[Run] = field(default_factory=list)
    first_request: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)  # VmHWM at the end of the invocation


class Arrivals:
    """When requests reach the simulator: wraps its per-request pause hook."""

    def __init__(self, github: GitHub) -> None:
        self.times: list[float] = []
        traffic = github.sim.traffic
        original = traffic.pause

        def pause() -> None:
            self.times.append(time.monotonic())
            original()

        traffic.pause = pause


def promotion_payload(github: GitHub) -> dict:
    repo = github.new_repo()
    repo.push("main", message="cold start")
    return github.push(repo, "main")


def as_eventbridge(payload: dict, event: str = "push") -> dict:
    return eventbridge(event, payload, str(uuid.uuid4()))


def as_http(payload: dict, event: str = "push") -> dict:
    return http_api_v2(*signed(event, payload, secret=SECRET))


def build_cases(github: GitHub, ssm_env: dict[str, str] | None) -> list[Case]:
    token_env = {
        "GITHUB_AUTH_MODE": "token",
        "GITHUB_TOKEN": github.sim.create_personal_token(login="octocat"),
        "GITHUB_API_URL": github.sim.api_url,
        "GITHUB_WEBHOOK_SECRET": SECRET,
    }
    ping = {"zen": "Design for failure.", "hook_id": 1}
    skipped = {**promotion_payload(github), "ref": "refs/heads/feature/x"}
    cases = [Case(f"yardstick: import {k}", None, code=v) for k, v in YARDSTICKS.items()]
    cases += [
        Case("lambda-event ping", lambda: as_eventbridge(ping, "ping"), token_env, "pong"),
        Case("lambda-event skipped push", lambda: as_eventbridge(skipped), token_env, "skipped"),
        Case("lambda-http ping", lambda: as_http(ping, "ping"), token_env, "pong"),
        Case(
            "lambda-event promotion, token",
            lambda: as_eventbridge(promotion_payload(github)),
            token_env,
            "pending",
        ),
        Case(
            "lambda-http promotion, token",
            lambda: as_http(promotion_payload(github)),
            token_env,
            "pending",
        ),
    ]
    if ssm_env is not None:
        cases += [
            Case(
                "lambda-event promotion, ssm",
                lambda: as_eventbridge(promotion_payload(github)),
                ssm_env,
                "pending",
            ),
            Case(
                "lambda-http promotion, ssm",
                lambda: as_http(promotion_payload(github)),
                ssm_env,
                "pending",
            ),
        ]
    return cases


def run_case(case: Case, arrivals: Arrivals, workdir: Path) -> None:
    if case.make_event is None:
        run = run_python(["-c", case.code], base_env(), workdir)
    else:
        event_file = workdir / "event.json"
        event_file.write_text(json.dumps(case.make_event()))
        arrivals.times.clear()
        run = run_python(["-c", PROBE, str(event_file)], base_env(**case.env), workdir)
        answer = json.loads(run.stdout.strip().splitlines()[-1]) if run.stdout.strip() else {}
        if run.returncode != 0 or answer.get("status") != case.expect:
            raise RuntimeError(f"{case.name}: {answer} {run.stderr[-2000:]}")
        if arrivals.times:
            case.first_request.append(arrivals.times[0] - run.started)
        case.peak_kib.append(answer["hwm"])
    case.runs.append(run)


@dataclass
class ColdStart:
    section: Section
    lambda_rss_kib: dict[str, float]


def run(quick: bool = False) -> ColdStart:
    repeats = 3 if quick else 10
    github = GitHub.start()
    try:
        with moto_server() as endpoint:
            return _measure(github, ssm_app_env(endpoint, github), repeats)
    finally:
        github.stop()


def _measure(github: GitHub, ssm_env: dict[str, str], repeats: int) -> ColdStart:
    arrivals = Arrivals(github)
    cases = build_cases(github, ssm_env)
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        workdir = Path(tmp)
        for case in cases:  # warm the page cache and .pyc files once, untimed
            run_case(case, arrivals, workdir)
            case.runs.clear()
            case.first_request.clear()
            case.peak_kib.clear()
        for _ in range(repeats):
            for case in cases:
                run_case(case, arrivals, workdir)
        tops = _import_tops(cases, workdir)
    return ColdStart(build_section(cases, repeats, tops), _lambda_rss(cases))


def _import_tops(cases: list[Case], workdir: Path, top: int = 8) -> str:
    """Per product path: the top-level imports by cumulative time; for the ping, also the
    modules that cost most by themselves (what to look at to make it cheaper)."""
    lines = []
    for case in cases:
        if case.make_event is None:
            continue
        event_file = workdir / "event.json"
        event_file.write_text(json.dumps(case.make_event()))
        entries = import_times(["-c", PROBE, str(event_file)], base_env(**case.env), workdir)
        roots = sorted((e for e in entries if e.depth == 0), key=lambda e: -e.cumulative_seconds)
        lines.append(f"{case.name}: top-level imports by cumulative time")
        lines += [f"  {e.cumulative_seconds * 1000:8.1f} ms  {e.name}" for e in roots[:top]]
        if case.name == "lambda-event ping":
            own = sorted(entries, key=lambda e: -e.self_seconds)[:12]
            lines.append(f"{case.name}: modules by their own import time (any depth)")
            lines += [f"  {e.self_seconds * 1000:8.1f} ms  {e.name}" for e in own]
    return "\n".join(lines)


def _lambda_rss(cases: list[Case]) -> dict[str, float]:
    return {c.name: median(c.peak_kib) for c in cases if c.make_event}


def build_section(cases: list[Case], repeats: int, tops: str) -> Section:
    by_name = {c.name: c for c in cases}

    def wall(name: str) -> float:
        return median([r.wall for r in by_name[name].runs])

    def first(name: str) -> float:
        return median(by_name[name].first_request)

    section = Section(
        "Cold start",
        f"Medians of {repeats} fresh processes per case, all cases interleaved in one run. "
        "`total` is spawn to exit (the answer printed); `first request` is spawn to the "
        "simulator receiving the first GitHub request; `peak RSS` is the process's own `VmHWM` "
        "as it finishes.",
    )
    table = Table(["Case", "total (median)", "first GitHub request (median)", "peak RSS"])
    for case in cases:
        shown_first = ms(first(case.name)) if case.first_request else "—"
        rss = mib(median(case.peak_kib)) if case.peak_kib else "—"
        table.add(case.name, ms(wall(case.name)), shown_first, rss)
    section.tables.append(table)
    json_hmac = wall("yardstick: import json, hmac")
    checks = [
        (
            "lambda-event ping: total ≤ 2 × `import json, hmac`",
            wall("lambda-event ping"),
            json_hmac,
            2.0,
        ),
        (
            "lambda-event skipped push: total ≤ 2 × `import json, hmac`",
            wall("lambda-event skipped push"),
            json_hmac,
            2.0,
        ),
        (
            "lambda-event, token: first request ≤ 1.3 × `import github`",
            first("lambda-event promotion, token"),
            wall("yardstick: import github"),
            1.3,
        ),
        (
            "lambda-http, token: first request ≤ 1.3 × `import github, flask, mangum, a2wsgi`",
            first("lambda-http promotion, token"),
            wall("yardstick: import github, flask, mangum, a2wsgi"),
            1.3,
        ),
    ]
    if "lambda-event promotion, ssm" in by_name:
        checks.append(
            (
                "lambda-event, ssm: first request ≤ 1.3 × `import github, boto3`",
                first("lambda-event promotion, ssm"),
                wall("yardstick: import github, boto3"),
                1.3,
            )
        )
        checks.append(
            (
                "lambda-http, ssm (by analogy): first request ≤ 1.3 × "
                "`import github, boto3, flask, mangum, a2wsgi`",
                first("lambda-http promotion, ssm"),
                wall("yardstick: import github, boto3, flask, mangum, a2wsgi"),
                1.3,
            )
        )
    ratios = Table(["Goal", "measured", "yardstick", "ratio"], caption="Ratios (medians):")
    for text, value, yardstick, limit in checks:
        share = ratio(value, yardstick)
        ratios.add(text, ms(value), ms(yardstick), times(share))
        section.goal(text, times(share), share <= limit)
    section.tables.append(ratios)
    section.details = "python -X importtime, one run per path:\n" + tops
    section.notes += [
        "The yardsticks and the product cases start the same interpreter of the same "
        "virtualenv (its `site` and the editable-install finder included), so the ratios "
        "compare only what each path imports and does.",
        "The ssm cases include boto3's client creation (loading the SSM service model) and a "
        "`GetParameter` round trip to the moto server before the App's JWT is exchanged for "
        "an installation token, which is the first GitHub request there; the yardstick only "
        "imports boto3.",
        "Peak RSS is measured inside each probe (`VmHWM` as it finishes): "
        "`getrusage(RUSAGE_CHILDREN)` would report the benchmark process's own size, which a "
        "forked child inherits as its high-water mark on Linux.",
    ]
    return section
