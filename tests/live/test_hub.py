"""The hub: one read of the log per wake-up, fanned out to every matching stream, in order."""

from __future__ import annotations

import asyncio
import time

import pytest

from newsdesk.live.events import Event, Filters
from newsdesk.live.hub import Hub, Subscription
from newsdesk.live.transports import get_transport
from newsdesk.live.transports.database import DatabaseTransport

from .helpers import make_source, store

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def memory(settings):
    settings.NEWSDESK_LIVE = {**settings.NEWSDESK_LIVE, "TRANSPORT": "memory"}
    return get_transport()


async def _collect(sub: Subscription, count: int, timeout: float) -> list[Event]:
    got: list[Event] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        got.extend(await sub.wait(0.05))
    return got


def test_a_published_story_reaches_every_matching_stream_through_the_transport(memory) -> None:
    harbour, hills = make_source("Harbour Gazette"), make_source("Hills Courier")

    async def scenario() -> tuple[list[Event], list[Event], list[Event], float]:
        hub = Hub(memory)  # memory transport: polls only every 5 s, so a fast arrival means it woke us
        await hub.start()
        everything = hub.subscribe(Filters())
        hills_only = hub.subscribe(Filters(source=hills.pk))
        nothing = hub.subscribe(Filters(topic="sport"))
        started = time.monotonic()
        await asyncio.to_thread(store, harbour, "Harbour story")
        await asyncio.to_thread(store, hills, "Hills story")
        a = await _collect(everything, 2, 3)
        took = time.monotonic() - started
        b = await _collect(hills_only, 1, 1)
        c = await _collect(nothing, 1, 0.2)
        await hub.stop()
        return a, b, c, took

    a, b, c, took = asyncio.run(scenario())
    assert [e.source_id for e in a] == [harbour.pk, hills.pk]
    assert a[0].id < a[1].id
    assert [e.id for e in b] == [a[1].id]
    assert c == []
    assert took < 2.0


def test_the_database_transport_finds_events_written_elsewhere_by_polling(settings) -> None:
    source = make_source()
    transport = DatabaseTransport({**settings.NEWSDESK_LIVE, "POLL_MS": 100})

    async def scenario() -> list[Event]:
        hub = Hub(transport)
        await hub.start()
        sub = hub.subscribe(Filters())
        await asyncio.to_thread(store, source, "Written by another process")
        got = await _collect(sub, 1, 2)
        await hub.stop()
        return got

    got = asyncio.run(scenario())
    assert len(got) == 1
    assert '"Written by another process"' in got[0].data


def test_events_before_the_hub_started_are_not_sent_as_live(memory) -> None:
    source = make_source()
    store(source, "Yesterday's story")

    async def scenario() -> tuple[int, list[Event]]:
        hub = Hub(memory)
        await hub.start()
        sub = hub.subscribe(Filters())
        hub.wake()
        got = await _collect(sub, 1, 0.5)
        await hub.stop()
        return sub.start, got

    start, got = asyncio.run(scenario())
    assert start > 0
    assert got == []


def test_a_big_burst_is_read_in_batches_in_order(memory) -> None:
    source = make_source()

    async def scenario() -> list[Event]:
        hub = Hub(memory, batch=3)
        await hub.start()
        sub = hub.subscribe(Filters())
        for n in range(8):
            await asyncio.to_thread(store, source, f"Burst {n}")
        got = await _collect(sub, 8, 5)
        await hub.stop()
        return got

    got = asyncio.run(scenario())
    assert [e.id for e in got] == sorted(e.id for e in got)
    assert len(got) == 8


def test_a_reader_too_far_behind_is_cut_loose() -> None:
    async def scenario() -> Subscription:
        sub = Subscription(Filters(), 0, limit=2)
        for n in range(3):
            sub.push(Event(n + 1, "{}", 1, ""))
        return sub

    sub = asyncio.run(scenario())
    assert sub.closed
    assert sub.overflowed


def test_wait_returns_empty_after_the_timeout_and_on_close() -> None:
    async def scenario() -> tuple[list[Event], float, list[Event]]:
        sub = Subscription(Filters(), 0, limit=10)
        started = time.monotonic()
        first = await sub.wait(0.2)
        waited = time.monotonic() - started
        asyncio.get_running_loop().call_later(0.05, sub.close)
        second = await sub.wait(10)
        return first, waited, second

    first, waited, second = asyncio.run(scenario())
    assert first == []
    assert second == []
    assert 0.15 < waited < 2


def test_one_timer_serves_many_waits_and_each_wait_keeps_its_own_deadline() -> None:
    async def scenario() -> tuple[list[Event], float, float, float]:
        loop = asyncio.get_running_loop()
        sub = Subscription(Filters(), 0, limit=10)
        loop.call_later(0.05, sub.push, Event(1, "{}", 1, ""))
        got = await sub.wait(10)  # woken by the event; its 10-second timer stays armed
        started = time.monotonic()
        assert await sub.wait(0.1) == []  # a shorter deadline than the armed timer's
        shorter = time.monotonic() - started
        started = time.monotonic()
        assert await sub.wait(0.3) == []  # a longer one: the timer is moved on, not fired early
        longer = time.monotonic() - started
        loop.call_later(0.05, sub.push, Event(2, "{}", 1, ""))
        started = time.monotonic()
        await sub.wait(0.2)
        assert await sub.wait(0.2) == []  # right after an event, a full heartbeat interval again
        again = time.monotonic() - started
        return got, shorter, longer, again

    got, shorter, longer, again = asyncio.run(scenario())
    assert [e.id for e in got] == [1]
    assert 0.08 < shorter < 2
    assert 0.28 < longer < 2
    assert 0.23 < again < 2


def test_close_streams_ends_every_stream_and_refuses_new_ones(memory) -> None:
    async def scenario() -> tuple[bool, bool]:
        hub = Hub(memory)
        await hub.start()
        sub = hub.subscribe(Filters())
        hub.close_streams()
        closed = sub.closed
        await hub.stop()
        return closed, hub.closing

    closed, closing = asyncio.run(scenario())
    assert closed
    assert closing
