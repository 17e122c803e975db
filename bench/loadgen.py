"""A small HTTP/1.1 load generator: N keep-alive connections, each sending requests back to back.

Run as its own process (``python -m bench.loadgen SPEC.json``) so it does not
share an interpreter with the server or the simulator it measures. Requests are
serialised to bytes once (each sent with a fresh delivery id); each connection
writes one, reads the whole answer (``Content-Length`` framing), records the
latency and status, and sends the next, until the duration is over. Prints one
JSON object.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit


def serialise(url: str, headers: dict[str, str], body: bytes) -> bytes:
    target = urlsplit(url)
    lines = [f"POST {target.path or '/'} HTTP/1.1", f"Host: {target.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def with_fresh_delivery_ids(url: str, specs: list[dict[str, Any]]) -> Iterator[bytes]:
    """The spec's requests in turn, each sent with a delivery id of its own.

    GitHub gives every delivery a new ``X-GitHub-Delivery``, and the service
    answers a repeated id from its first answer without doing the work again:
    a load that resent one id would measure that shortcut, not deliveries.
    """
    templates = []
    for spec in specs:
        headers = dict(spec["headers"], **{"X-GitHub-Delivery": "{DELIVERY-ID}"})
        templates.append(serialise(url, headers, base64.b64decode(spec["body"])))
    for number, template in enumerate(itertools.cycle(templates)):
        yield template.replace(b"{DELIVERY-ID}", b"load-%d" % number, 1)


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status, and whether the server keeps the connection open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = {
        k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)
    }
    await reader.readexactly(int(fields.get("content-length", "0")))
    return status, fields.get("connection", "").lower() != "close"


async def connection(
    host: str, port: int, requests: Any, deadline: float, latencies: list[float], statuses: dict
) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(host, port)
        started = time.perf_counter()
        writer.write(next(requests))
        try:
            status, keep = await read_answer(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            statuses["disconnected"] = statuses.get("disconnected", 0) + 1
            writer.close()
            writer = None
            continue
        latencies.append(time.perf_counter() - started)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if not keep:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def load(spec: dict[str, Any]) -> dict[str, Any]:
    target = urlsplit(spec["url"])
    requests = with_fresh_delivery_ids(spec["url"], spec["requests"])
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    started = time.monotonic()
    deadline = started + spec["duration"]
    await asyncio.gather(
        *(
            connection(target.hostname, target.port, requests, deadline, latencies, statuses)
            for _ in range(spec["concurrency"])
        )
    )
    return {
        "elapsed": time.monotonic() - started,
        "latencies": latencies,
        "statuses": statuses,
    }


def main() -> None:
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    print(json.dumps(asyncio.run(load(spec))))


if __name__ == "__main__":
    main()
