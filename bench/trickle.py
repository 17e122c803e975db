"""Slow clients: N connections that send a request's headers one byte per interval, forever.

``python -m bench.trickle URL CLIENTS SECONDS [INTERVAL]`` runs in its own
process (so its CPU is not the measuring process's) and prints one JSON object
when done. Each client sends ``POST / HTTP/1.1``, ``Host`` and the start of an
``X-Pad`` header, then one byte of padding per interval, never finishing the
headers — what issue 11 saw take the service down. When the server closes a
connection the client counts it and connects again, as an attacker would, so
the pressure stays at N connections.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

PREAMBLE = b"POST / HTTP/1.1\r\nHost: x\r\nX-Pad: "


class Tally:
    def __init__(self) -> None:
        self.connected = 0  # connections open right now
        self.peak = 0
        self.closed_by_server = 0
        self.connect_failures = 0
        self.longest_held = 0.0  # seconds the server let one connection trickle


async def client(host: str, port: int, deadline: float, interval: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        except (OSError, asyncio.TimeoutError):
            tally.connect_failures += 1
            await asyncio.sleep(interval)
            continue
        tally.connected += 1
        tally.peak = max(tally.peak, tally.connected)
        opened = time.monotonic()
        try:
            writer.write(PREAMBLE)
            while time.monotonic() < deadline:
                await writer.drain()
                if reader.at_eof() or await _closed(reader, interval):
                    tally.closed_by_server += 1
                    break
                writer.write(b"a")
        except OSError:
            tally.closed_by_server += 1
        finally:
            tally.connected -= 1
            tally.longest_held = max(tally.longest_held, time.monotonic() - opened)
            writer.close()


async def _closed(reader: asyncio.StreamReader, interval: float) -> bool:
    """Wait one interval; True if the server closed (or answered) meanwhile."""
    try:
        await asyncio.wait_for(reader.read(1), interval)
    except asyncio.TimeoutError:
        return False
    return True


async def trickle(url: str, clients: int, seconds: float, interval: float) -> dict[str, float]:
    target = urlsplit(url)
    tally = Tally()
    deadline = time.monotonic() + seconds
    tasks = []
    for _ in range(clients):  # staggered so the bytes do not all arrive in one burst
        host, port = target.hostname or "127.0.0.1", target.port or 80
        tasks.append(asyncio.create_task(client(host, port, deadline, interval, tally)))
        await asyncio.sleep(interval / clients)
    await asyncio.gather(*tasks)
    return {
        "clients": clients,
        "peak_connected": tally.peak,
        "closed_by_server": tally.closed_by_server,
        "connect_failures": tally.connect_failures,
        "longest_held": round(tally.longest_held, 1),
    }


def main(argv: list[str]) -> None:
    url, clients, seconds = argv[0], int(argv[1]), float(argv[2])
    interval = float(argv[3]) if len(argv) > 3 else 1.0
    print(json.dumps(asyncio.run(trickle(url, clients, seconds, interval))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
