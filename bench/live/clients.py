"""`python -m bench.live.clients URL N EXPECT TIMEOUT`: N Server-Sent Events readers in one asyncio process.

Each opens /live/stream on its own connection; URL may list several, comma-separated (one per web
process): reader i connects to the (i mod count)-th. When all are open it prints "ready" (one line); then
it records, for every event, the reader, the article id and the arrival time (time.time()), until
every reader has EXPECT events or TIMEOUT seconds pass, and prints one JSON line of results.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import resource
import sys
import time
from typing import Any
from urllib.parse import urlsplit

_DATA = re.compile(rb'^data: \{"id":(\d+)', re.MULTILINE)


class Reader(asyncio.Protocol):
    """One SSE reader, as light as it can be: no line reader, no HTTP parser. Each chunk is scanned once
    for its events' article ids (a regular expression over whole lines), so the readers' CPU, which runs
    on the same cores as the servers, stays small beside the servers'."""

    def __init__(self, request: bytes, index: int, opened: asyncio.Event, state: dict[str, Any]) -> None:
        self.request, self.index, self.opened, self.state = request, index, opened, state
        self.head = b""  # the response's status line and headers, until the blank line
        self.tail = b""  # the end of the last chunk, after its last newline
        self.streaming = False
        self.first = True
        self.got: list[tuple[int, float]] = state["arrivals"][index]

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(self.request)  # type: ignore[attr-defined]

    def _count_open(self) -> None:
        self.state["open"] += 1
        if self.state["open"] == self.state["n"]:
            self.opened.set()

    def data_received(self, data: bytes) -> None:
        if not self.streaming:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 200 " not in self.head[: self.head.find(b"\r\n")]:
                self.state["refused"] += 1
                self._count_open()
                self.transport.close()
                return
            self.streaming = True
            data, self.head = self.head[end + 4 :], b""
        buffer = self.tail + data
        cut = buffer.rfind(b"\n") + 1
        lines, self.tail = buffer[:cut], buffer[cut:]
        if not lines:
            return
        if self.first and b"id:" in lines:  # the stream's first block: it is open
            self.first = False
            self._count_open()
        now = time.time()
        got = self.got
        for match in _DATA.finditer(lines):
            got.append((int(match.group(1)), now))
            if len(got) == self.state["expect"]:
                self.state["complete"] += 1
                if self.state["complete"] == self.state["n"]:
                    self.state["done"].set()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.streaming:
            self.state["closed"] += 1


async def reader(
    host: str, port: int, target: str, index: int, opened: asyncio.Event, state: dict[str, Any]
) -> None:
    request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    loop = asyncio.get_running_loop()
    await loop.create_connection(lambda: Reader(request, index, opened, state), host, port)


async def main(url: str, n: int, expect: int, timeout: float) -> None:
    addresses = []
    for one in url.split(","):
        parts = urlsplit(one)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        addresses.append((parts.hostname or "127.0.0.1", parts.port or 80, target))
    opened = asyncio.Event()
    state: dict[str, Any] = {
        "n": n, "expect": expect, "open": 0, "refused": 0, "closed": 0, "complete": 0,
        "arrivals": [[] for _ in range(n)], "done": asyncio.Event(),
    }  # fmt: skip
    tasks = []
    for index in range(n):
        host, port, target = addresses[index % len(addresses)]
        tasks.append(asyncio.ensure_future(reader(host, port, target, index, opened, state)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # a browser population arrives over a moment, not in one packet
    await asyncio.wait_for(opened.wait(), timeout=60 + n / 100)
    print("ready", flush=True)
    cpu_at_ready = time.process_time()
    if expect:
        with contextlib.suppress(TimeoutError):  # what has not come by then counts as lost
            await asyncio.wait_for(state["done"].wait(), timeout=timeout)
    else:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    print(
        json.dumps(
            {
                "refused": state["refused"],
                "closed": state["closed"],
                "arrivals": state["arrivals"],
                "cpu": time.process_time() - cpu_at_ready,
            }
        ),
        flush=True,
    )
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, hard), hard))
    url, count, expected, wait = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    asyncio.run(main(url, count, expected, wait))
