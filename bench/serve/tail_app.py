"""The web server's application with instruments, for `python -m bench.serve.tail` only.

Per worker process it counts requests and records: the time from `__rsgi__` to the response (the server's
latency, the executor's queue included), each page thread's wall and CPU time for Django's part, and each
garbage collection's CPU by generation. It writes them as JSON to $TAIL_OUT/<pid>.json every second.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import threading
import time
from typing import Any

from newsdesk.live.server import wsgi
from newsdesk.live.server.app import Application

OUT = os.environ.get("TAIL_OUT", "/tmp/bench-tail")
STATS: dict[str, Any] = {
    "requests": 0,
    "latency": [],
    "thread_wall": [],
    "thread_cpu": [],
    "gc": {"0": [0, 0.0, 0.0], "1": [0, 0.0, 0.0], "2": [0, 0.0, 0.0]},
    "full": [],
}
_started = [0.0]


def _watch_gc(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _started[0] = time.thread_time()
        return
    spent = time.thread_time() - _started[0]
    entry = STATS["gc"][str(info["generation"])]
    entry[0] += 1
    entry[1] += spent
    entry[2] = max(entry[2], spent)
    if info["generation"] == 2:
        STATS["full"].append((round(spent * 1000, 2), info["collected"]))


_plain_call = wsgi.WSGIBridge._call


def _timed_call(self: wsgi.WSGIBridge, environ: dict[str, Any]) -> Any:
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        return _plain_call(self, environ)
    finally:
        STATS["thread_wall"].append(time.perf_counter() - wall)
        STATS["thread_cpu"].append(time.thread_time() - cpu)


wsgi.WSGIBridge._call = _timed_call  # type: ignore[method-assign]


def _write_every_second() -> None:
    while True:
        time.sleep(1)
        os.makedirs(OUT, exist_ok=True)
        snapshot = {**STATS, "generation_2": len(gc.get_objects(2)), "frozen": gc.get_freeze_count()}
        path = f"{OUT}/{os.getpid()}.json"
        with open(path + ".tmp", "w") as out:
            json.dump(snapshot, out)
        os.replace(path + ".tmp", path)


class Instrumented(Application):
    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__rsgi_init__(loop)
        switch = os.environ.get("PYTHONSWITCHINTERVAL_BENCH")
        if switch:
            sys.setswitchinterval(float(switch))
        gc.callbacks.append(_watch_gc)
        threading.Thread(target=_write_every_second, daemon=True).start()

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        started = time.perf_counter()
        await super().__rsgi__(scope, proto)
        STATS["requests"] += 1
        STATS["latency"].append(time.perf_counter() - started)


application = Instrumented()
