"""In this process only, like Django's locmem mail backend: for tests. A notify wakes every hub
of this process at once (thread-safe: a writer thread may call it)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from . import Transport, Wake


class MemoryTransport(Transport):
    def __init__(self, options: dict[str, Any]) -> None:
        self.poll_seconds = 5.0
        self._listeners: list[tuple[asyncio.AbstractEventLoop, Wake]] = []
        self._lock = threading.Lock()
        #: Every id notified, in order (tests read it).
        self.sent: list[int] = []

    def notify(self, event_id: int) -> None:
        with self._lock:
            self.sent.append(event_id)
            listeners = list(self._listeners)
        for loop, wake in listeners:
            if not loop.is_closed():
                loop.call_soon_threadsafe(wake)

    async def listen(self, wake: Wake, stopping: asyncio.Event) -> None:
        entry = (asyncio.get_running_loop(), wake)
        with self._lock:
            self._listeners.append(entry)
        try:
            await stopping.wait()
        finally:
            with self._lock:
                self._listeners.remove(entry)
