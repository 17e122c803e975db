"""6. Per-invocation overhead of the Lambda HTTP path versus calling the core directly.

In one process, warm: the same skipped delivery (no GitHub request, so only
the product's own work is timed) is handed 1,000 times to ``core.handle`` and
1,000 times to ``aws_lambda.handler`` as an HTTP API v2 event (mangum → a2wsgi →
Flask → intake and signature → dispatch → core → JSON response). The
difference of the medians is what the HTTP shell costs per invocation.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from bench.deliveries import SECRET, signed
from bench.report import Section, Table
from bench.stats import median, ms, percentile
from gh_promotion.config.model import Config, Secret
from gh_promotion.core import Delivery, handle
from gh_promotion.runtime import aws_lambda
from gh_promotion.runtime.wiring import github_for
from testkit import payloads
from testkit.lambda_events import eventbridge, http_api_v2


def timed(call: Callable[[], object], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def run(quick: bool = False) -> Section:
    count = 1000
    base = Config()
    config = base._replace(
        github=base.github._replace(
            auth_mode="token", token=Secret("ghp_" + "b" * 36), webhook_secret=Secret(SECRET)
        ),
    )
    payload = payloads.push("octo/app", "feature/x", "a" * 40, properties={})
    headers, body = signed("push", payload)
    http_event = http_api_v2(headers, body)
    bridge_event = eventbridge("push", payload, str(uuid.uuid4()))
    delivery = Delivery("push", "d-1", payload)
    aws_lambda.use_config(config)

    def through_http() -> None:
        answer = aws_lambda.handler(http_event, None)
        assert answer["statusCode"] == 200, answer

    def through_eventbridge() -> None:
        assert aws_lambda.handler(bridge_event, None)["status"] == "skipped"

    def core_only() -> None:
        handle(delivery, config, github_for(config))

    for call in (through_http, through_eventbridge, core_only):
        timed(call, 50)  # warm: build the app and adapters once
    results = {
        "core.handle (the core alone)": timed(core_only, count),
        "aws_lambda.handler, EventBridge event": timed(through_eventbridge, count),
        "aws_lambda.handler, HTTP API v2 event": timed(through_http, count),
    }
    return build_section(results, count)


def build_section(results: dict[str, list[float]], count: int) -> Section:
    section = Section(
        "Per-invocation overhead of the Lambda HTTP path",
        f"Median of {count} warm in-process invocations on the same skipped push "
        "(no GitHub request): the core alone, the EventBridge path, and the HTTP path "
        "(mangum, a2wsgi, Flask, intake with the signature check, dispatch, JSON).",
    )
    core = median(results["core.handle (the core alone)"])
    table = Table(["Invocation", "median", "p99", "overhead over the core (median)"])
    for name, samples in results.items():
        table.add(
            name, ms(median(samples)), ms(percentile(samples, 0.99)), ms(median(samples) - core)
        )
    section.tables.append(table)
    section.notes.append(
        "No goal is set for this number in issue 6; it is the per-invocation price of the "
        "HTTP shell, to compare with the GitHub round trips of a promotion (tens of ms each)."
    )
    return section
