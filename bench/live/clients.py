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
import resource
import sys
import time
from typing import Any
from urllib.parse import urlsplit


async def reader(
    host: str, port: int, target: str, index: int, opened: asyncio.Event, state: dict[str, Any]
) -> None:
    stream_reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    writer.write(
        f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    status = await stream_reader.readline()
    if b" 200 " not in status:
        state["refused"] += 1
        state["open"] += 1
        if state["open"] == state["n"]:
            opened.set()
        writer.close()
        return
    while (await stream_reader.readline()) not in (b"\r\n", b""):
        pass
    first = True
    got = state["arrivals"][index]
    while True:
        line = await stream_reader.readline()
        if not line:
            state["closed"] += 1
            return
        if first and line.startswith(b"id:"):  # the stream's first block: it is open
            first = False
            state["open"] += 1
            if state["open"] == state["n"]:
                opened.set()
        if line.startswith(b"data:"):
            now = time.time()
            start = line.find(b'{"id":') + 6
            article_id = int(line[start : line.find(b",", start)])
            got.append((article_id, now))
            if len(got) == state["expect"]:
                state["complete"] += 1
                if state["complete"] == state["n"]:
                    state["done"].set()


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
