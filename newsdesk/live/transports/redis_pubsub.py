"""Redis pub/sub: any number of web processes, on any number of machines, hear of every event.

The message is only the event's id: the hub then reads the log (the shared database), so a message
lost while a subscriber reconnects costs a delay, never an event (the hub reads the log again after
every reconnect, and every NEWSDESK_LIVE["POLL_MS"]×20 anyway).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from . import Transport, Wake

log = logging.getLogger(__name__)

_RETRY_SECONDS = (0.5, 1, 2, 5)


class RedisTransport(Transport):
    def __init__(self, options: dict[str, Any]) -> None:
        from django.conf import settings

        if not settings.REDIS_URL:
            raise ValueError("The redis Live News transport needs NEWSDESK_REDIS_URL.")
        self.url = settings.REDIS_URL
        self.channel = f"{options['CHANNEL_PREFIX']}:live"
        self.poll_seconds = max(1.0, options["POLL_MS"] * 20 / 1000)
        self._client: Any = None
        self._lock = threading.Lock()

    def _sync_client(self) -> Any:
        with self._lock:
            if self._client is None:
                import redis

                self._client = redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
            return self._client

    def notify(self, event_id: int) -> None:
        try:
            self._sync_client().publish(self.channel, str(event_id))
        except Exception as exc:  # Redis down: the web processes' periodic read still finds the event
            log.warning("Could not publish live event %s to Redis: %s", event_id, exc)

    async def listen(self, wake: Wake, stopping: asyncio.Event) -> None:
        import redis.asyncio as aioredis

        failures = 0
        while not stopping.is_set():
            client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    failures = 0
                    wake()  # whatever was published while we were not listening
                    while not stopping.is_set():
                        message = await pubsub.get_message(timeout=1.0)
                        if message is not None:
                            wake()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = _RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("Live News lost Redis (%s); trying again in %ss", exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=delay)
            finally:
                await client.aclose()

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
