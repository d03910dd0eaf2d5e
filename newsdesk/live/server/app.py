"""The RSGI application: a router of one rule.

    /live/stream  -> newsdesk.live.stream (async, on the event loop)
    anything else -> Django (WSGI, in a thread pool)

granian calls `__rsgi_init__` when a worker starts and `__rsgi_del__` when it stops; Django is set up
at init, the live hub when its first reader arrives.

The objects that live as long as the process (modules, Django's settings, URL patterns, compiled
templates and queries, remembered figures) are moved out of the garbage collector's sight with
`gc.freeze()`: once Django is set up (after a full collection, before any request), and again after the
first pages have loaded what pages load (without a collection: that would stall the requests in flight;
what little garbage they hold at that instant is kept, once). Without that, each full collection walks
all of them, about 150,000 objects: a pause of a few hundred milliseconds every couple of thousand pages,
which every request in flight at that moment waits for (docs/benchmarks.md, "Uncached pages"). Objects
made later are collected as before.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from typing import Any

STREAM_PATH = "/live/stream"
# Page requests after which the heap is frozen a second time (templates, cards and figures loaded).
FREEZE_AGAIN_AFTER = 500


def freeze_heap(collect: bool) -> None:
    """Keep everything alive now out of later collections (after collecting what is garbage, if asked)."""
    if collect:
        gc.collect()
    gc.freeze()


class Application:
    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._django: Any = None
        self._hub: Any = None
        self._limits: Any = None
        self._pages = 0

    def setup(self) -> None:
        if self._django is not None:
            return
        from django.conf import settings

        from config.wsgi import application as django_app

        from .wsgi import WSGIBridge

        self._django = WSGIBridge(django_app, self._threads or settings.NEWSDESK_SITE["WEB_THREADS"])
        freeze_heap(collect=True)

    def _live(self) -> tuple[Any, Any]:
        if self._hub is None:
            from newsdesk.live.hub import Hub
            from newsdesk.live.stream import StreamLimits
            from newsdesk.live.transports import get_transport

            self._limits = StreamLimits.from_settings()
            self._hub = Hub(get_transport())
        return self._hub, self._limits

    @property
    def hub(self) -> Any:
        return self._hub

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.setup()
        self._end_streams_on_shutdown(loop)

    def _end_streams_on_shutdown(self, loop: asyncio.AbstractEventLoop) -> None:
        """granian's graceful shutdown waits for every open response, and a live stream never ends
        by itself: without this, Ctrl-C would wait for the worker kill timeout. The signal still
        reaches granian's own handler (the loop's wakeup fd, and the previous handler is chained)."""

        def end_streams() -> None:
            if self._hub is not None:
                self._hub.close_streams()

        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)

            def handler(number: int, frame: Any, previous: Any = previous) -> None:
                loop.call_soon_threadsafe(end_streams)
                if callable(previous):
                    previous(number, frame)

            signal.signal(signum, handler)

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        from newsdesk.live.stream import close_quietly

        close_quietly(self._hub, loop)
        if self._django is not None:
            self._django.close()

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.path == STREAM_PATH:
            from newsdesk.live.stream import serve_stream

            hub, limits = self._live()
            await serve_stream(scope, proto, hub, limits)
            return
        if self._django is None:
            self.setup()
        if self._pages <= FREEZE_AGAIN_AFTER:
            self._pages += 1
            if self._pages == FREEZE_AGAIN_AFTER:
                freeze_heap(collect=False)
        await self._django(scope, proto)


application = Application()
