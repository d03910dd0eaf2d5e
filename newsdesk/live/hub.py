"""The hub: one per web process. It reads each new event from the log once and hands it to every
open stream that wants it, so a thousand readers cost one database query per wake-up, not a thousand.

Everything here runs on the web server's event loop; database reads go to worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from .events import Event, Filters
from .transports import Transport

log = logging.getLogger(__name__)

T = TypeVar("T")

# Events read from the log per query (a burst larger than this takes several reads).
BATCH = 500
# Seconds the hub waits after a transport's wake-up before it reads the log, to gather a burst.
COALESCE = 0.05


class Subscription:
    """One open stream. Lean on purpose (a process holds thousands).

    It has two modes. While the stream is being opened (its head and the replay are written), events
    are queued here, at most `limit` of them. Once the stream is live (`go_live`), the hub writes each
    batch of events straight to the stream's transport, the same bytes to every reader, and the stream's
    own coroutine only wakes for heartbeats, its lifetime and its end (decision 0028): a delivery costs
    no task wake-up, no future and no timer. A server whose writes are real coroutines keeps the queued
    mode for good (`stream.py` decides), with `wait` as before.

    In the queued mode, the timer outlives a wait: a stream that gets an event every second and a
    heartbeat every 15 keeps one timer armed for its deadline and moves the deadline, instead of arming
    and cancelling a timer for every event."""

    __slots__ = (
        "_items", "_limit", "_timer", "_until", "_waiter", "closed", "everything", "filters", "last",
        "overflowed", "sent", "start", "write",
    )  # fmt: skip

    def __init__(self, filters: Filters, start: int, limit: int) -> None:
        self.filters = filters
        #: True when no filter is set: every event is for this stream, without asking the filters.
        self.everything = filters.empty
        #: The hub's cursor when this stream joined: events after it come through the hub.
        self.start = start
        self._limit = limit
        self._items: list[Event] = []
        self._waiter: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._until = 0.0
        self.closed = False
        self.overflowed = False
        #: Live mode: the transport's write (bytes in, nothing to wait for); None while queued.
        self.write: Callable[[bytes], object] | None = None
        #: Live mode: the id of the last event written, and the loop time of the last write.
        self.sent = 0
        self.last = 0.0

    def push(self, event: Event) -> None:
        if self.closed:
            return
        if len(self._items) >= self._limit:
            # A reader this far behind is cut loose; it reconnects with Last-Event-ID and the log
            # replays what it missed, so nothing is lost and memory stays bounded.
            self.overflowed = True
            self.close()
            return
        self._items.append(event)
        self._wake()

    def offer(self, events: list[Event], joined: bytes, now: float) -> int:
        """The hub's batch (in id order; `joined` is their bytes, built once for every stream): write
        the matching ones not yet sent, or queue them. Returns how many were for this stream."""
        mine = events if self.everything else [event for event in events if self.filters.matches(event)]
        if not mine:
            return 0
        write = self.write
        if write is None:
            for event in mine:
                self.push(event)
            return len(mine)
        if mine is not events or events[0].id <= self.sent:
            mine = [event for event in mine if event.id > self.sent]
            if not mine:
                return 0
            joined = b"".join(event.packet for event in mine)
        self._send(write, joined, mine[-1].id, now)
        return len(mine)

    def go_live(self, write: Callable[[bytes], object], sent: int, now: float) -> None:
        """From now on the hub writes to `write` directly. What was queued meanwhile is written first,
        in the same step, so nothing can come between (everything here runs on the event loop)."""
        if self.closed:
            return
        self.sent, self.last = sent, now
        items, self._items = self._items, []
        fresh = [event for event in items if event.id > sent]
        self.write = write
        if fresh:
            self._send(write, b"".join(event.packet for event in fresh), fresh[-1].id, now)

    def _send(self, write: Callable[[bytes], object], data: bytes, last_id: int, now: float) -> None:
        try:
            write(data)  # granian queues the bytes for the socket and returns at once (decision 0028)
        except Exception as exc:  # the stream is gone; its own coroutine ends it
            log.debug("live write failed: %s", exc)
            self.close()
            return
        self.sent, self.last = last_id, now

    def close(self) -> None:
        self.closed = True
        self.write = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _expire(self) -> None:
        """The timer's callback: wake the waiter if its deadline has come, or re-arm for the deadline."""
        self._timer = None
        waiter = self._waiter
        if waiter is None or self.closed:
            return  # nobody waits: the next wait arms a timer of its own
        loop = waiter.get_loop()
        if loop.time() >= self._until:
            self._wake()
        else:
            self._timer = loop.call_at(self._until, self._expire)

    async def idle(self, until: float) -> None:
        """Live mode: sleep until loop time `until`, or until the stream is closed."""
        if self.closed:
            return
        loop = asyncio.get_running_loop()
        self._waiter = loop.create_future()
        timer = loop.call_at(until, self._wake)
        try:
            await self._waiter
        finally:
            self._waiter = None
            timer.cancel()

    async def wait(self, timeout: float) -> list[Event]:
        """Queued mode: the events pushed since the last call; an empty list after `timeout` seconds
        or on close."""
        if not self._items and not self.closed:
            loop = asyncio.get_running_loop()
            self._until = loop.time() + timeout
            timer = self._timer
            if timer is None or timer.when() > self._until:
                if timer is not None:
                    timer.cancel()
                self._timer = loop.call_at(self._until, self._expire)
            self._waiter = loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        items, self._items = self._items, []
        return items


def _read_after(cursor: int, limit: int) -> tuple[list[Event], int, bool]:
    from .queries import read_after

    return read_after(cursor, limit)


def _latest() -> int:
    from .queries import latest_event_id

    return latest_event_id()


def _missed(after: int, upto: int, filters: Filters, limit: int) -> list[Event]:
    from .queries import missed_events

    return missed_events(after, upto, filters, limit)


def _forget_connection() -> None:
    """After a database error, drop this thread's connection; the next read opens a fresh one."""
    from django.db import connection

    with contextlib.suppress(Exception):
        connection.close()


class Hub:
    def __init__(
        self, transport: Transport, *, queue_limit: int = 1000, batch: int = BATCH, coalesce: float = COALESCE
    ) -> None:
        self.transport = transport
        self.coalesce = coalesce
        self.cursor = 0
        self.queue_limit = queue_limit
        self.batch = batch
        self._subs: set[Subscription] = set()
        #: Open streams per client address (the per-address limit, stream.py).
        self.by_address: Counter[str] = Counter()
        # The pump has its own thread, so a burst of reconnecting readers never delays new events.
        self._pump_db = ThreadPoolExecutor(1, thread_name_prefix="live-pump")
        self._replay_db = ThreadPoolExecutor(2, thread_name_prefix="live-replay")
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._starting: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        #: Events handed to streams since start (the benchmark and the tests read it).
        self.delivered = 0

    @property
    def streams(self) -> int:
        return len(self._subs)

    async def start(self) -> None:
        """Idempotent; the first stream's request starts the hub (a process without readers polls nothing)."""
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._start())
        try:
            await asyncio.shield(self._starting)
        except Exception:
            self._starting = None  # the database was unreachable: the next reader tries again
            raise

    async def _start(self) -> None:
        self.cursor = await self._run(self._pump_db, _latest)
        self._tasks = [
            asyncio.ensure_future(self._pump()),
            asyncio.ensure_future(self._listen()),
        ]

    async def _run(self, pool: ThreadPoolExecutor, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, func, *args)

    def wake(self) -> None:
        self._wake.set()

    async def _listen(self) -> None:
        try:
            await self.transport.listen(self.wake, self._stopping)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("The Live News transport stopped; reading the event log on a timer only")

    async def _pump(self) -> None:
        while not self._stopping.is_set():
            woken = False
            with contextlib.suppress(TimeoutError):
                woken = await asyncio.wait_for(self._wake.wait(), timeout=self.transport.poll_seconds)
            if woken and self.coalesce:
                # Told of one event, wait a moment for its neighbours: a burst then goes out as a few
                # writes per reader instead of one per event (bench/live: half the CPU per delivery).
                await asyncio.sleep(self.coalesce)
            self._wake.clear()
            await self._drain()

    async def _drain(self) -> None:
        while not self._stopping.is_set():
            try:
                events, last, more = await self._run(self._pump_db, _read_after, self.cursor, self.batch)
            except Exception as exc:
                log.warning("Live News could not read the event log (%s); trying again", exc)
                await self._run(self._pump_db, _forget_connection)
                return
            self._deliver(events)
            self.cursor = max(self.cursor, last)
            if not more:
                return

    def _deliver(self, events: list[Event]) -> None:
        """Each batch is joined into one bytes object once; an unfiltered live stream (the common case)
        gets exactly that object, written straight to its transport, with no per-reader work beyond
        the write (decision 0028)."""
        if not events:
            return
        joined = b"".join(event.packet for event in events)
        first, last, count = events[0].id, events[-1].id, len(events)
        now = asyncio.get_running_loop().time()
        delivered = 0
        for sub in list(self._subs):
            if sub.closed:
                continue
            write = sub.write
            if write is not None and sub.everything and sub.sent < first:
                try:
                    write(joined)
                except Exception as exc:  # the stream is gone; its own coroutine ends it
                    log.debug("live write failed: %s", exc)
                    sub.close()
                    continue
                sub.sent, sub.last = last, now
                delivered += count
            else:
                delivered += sub.offer(events, joined, now)
        self.delivered += delivered

    @property
    def closing(self) -> bool:
        return self._stopping.is_set()

    def close_streams(self) -> None:
        """End every open stream and accept no new one (the server is shutting down)."""
        self._stopping.set()
        for sub in list(self._subs):
            sub.close()

    def subscribe(self, filters: Filters) -> Subscription:
        sub = Subscription(filters, self.cursor, self.queue_limit)
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        sub.close()
        self._subs.discard(sub)

    async def missed(self, after: int, upto: int, filters: Filters, limit: int) -> list[Event]:
        try:
            return await self._run(self._replay_db, _missed, after, upto, filters, limit)
        except Exception:
            await self._run(self._replay_db, _forget_connection)
            raise

    async def stop(self) -> None:
        """Close every stream and stop reading (the server is shutting down)."""
        self.close_streams()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._pump_db.shutdown(wait=False, cancel_futures=True)
        self._replay_db.shutdown(wait=False, cancel_futures=True)
