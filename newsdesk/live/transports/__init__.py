"""Transports tell the web processes that new events are in the log (Django's mail-backend idea).

The log (the LiveEvent table) is always the truth: a transport only carries "look now", so a lost or
reordered message can delay an event but never lose or duplicate it. Each web process also reads
the log every `poll_seconds`, which is the whole mechanism of the embedded default and a safety net
under the others.

- "database" (DatabaseTransport): nothing is sent; web processes poll the table (NEWSDESK_LIVE["POLL_MS"]).
  Works across processes on one machine with SQLite, or anywhere with one PostgreSQL.
- "redis" (RedisTransport): PUBLISH on commit, every web process on every machine SUBSCRIBEs.
- "memory" (MemoryTransport): in this process only; for tests.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.utils.module_loading import import_string

Wake = Callable[[], None]

SHORT_NAMES = {
    "database": "newsdesk.live.transports.database.DatabaseTransport",
    "redis": "newsdesk.live.transports.redis_pubsub.RedisTransport",
    "memory": "newsdesk.live.transports.memory.MemoryTransport",
}


class Transport:
    """The interface. `notify` runs in the writer's process; `listen` in each web process's loop."""

    #: How often the hub reads the log even if nobody told it to.
    poll_seconds: float = 5.0

    def notify(self, event_id: int) -> None:
        """Event `event_id` has committed. Must not raise: a writer is never broken by Live News."""

    async def listen(self, wake: Wake, stopping: asyncio.Event) -> None:
        """Call `wake()` whenever told that events are waiting, until `stopping` is set."""
        await stopping.wait()

    def close(self) -> None:
        """Release connections (the process is ending, or settings changed in a test)."""


_lock = threading.Lock()
_transport: Transport | None = None


def build_transport(name: str) -> Transport:
    from django.conf import settings

    path = SHORT_NAMES.get(name, name)
    try:
        cls: Callable[[dict[str, Any]], Transport] = import_string(path)  # a Transport class
    except ImportError:
        choices = ", ".join(SHORT_NAMES)
        raise ValueError(
            f"NEWSDESK_LIVE_TRANSPORT must be one of {choices} or a class path, not {name!r}"
        ) from None
    return cls(settings.NEWSDESK_LIVE)


def get_transport() -> Transport:
    """The process's transport, built once from settings.NEWSDESK_LIVE["TRANSPORT"]."""
    global _transport
    with _lock:
        if _transport is None:
            from django.conf import settings

            _transport = build_transport(settings.NEWSDESK_LIVE["TRANSPORT"])
        return _transport


def reset_transport(**kwargs: object) -> None:
    global _transport
    with _lock:
        if _transport is not None:
            _transport.close()
        _transport = None


def _on_setting_changed(setting: str, **kwargs: object) -> None:
    if setting in {"NEWSDESK_LIVE", "REDIS_URL"}:
        reset_transport()


setting_changed.connect(_on_setting_changed, dispatch_uid="newsdesk.live.transports.reset")
