"""An RSGI app for test_granian_writes.py: what the hub's direct writes (decision 0028) rely on."""

from __future__ import annotations

import inspect
from typing import Any


class Probe:
    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        transport = proto.response_stream(200, [("content-type", "text/plain")])
        first = transport.send_bytes(b"first\n")
        coroutine = inspect.iscoroutine(first)
        # Written without awaiting, as the hub does; the awaitable of the first write is awaited last.
        for n in range(3):
            transport.send_bytes(f"unawaited {n}\n".encode())
        await first
        await transport.send_bytes(f"coroutine={coroutine}\n".encode())


application = Probe()
