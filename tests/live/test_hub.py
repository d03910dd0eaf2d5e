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


class _Recorder:
    """A stream transport that keeps what was written, as granian's does (the write returns at once)."""

    def __init__(self, fail: bool = False) -> None:
        self.chunks: list[bytes] = []
        self.fail = fail

    def write(self, data: bytes) -> None:
        if self.fail:
            raise RuntimeError("the reader went away")
        self.chunks.append(data)

    async def send_bytes(self, data: bytes) -> None:
        self.write(data)


def _events(*ids: int, source: int = 1, topics: str = "") -> list[Event]:
    return [Event(n, f'{{"n":{n}}}', source, topics) for n in ids]


def test_live_streams_get_each_batch_written_once_as_the_same_bytes(memory) -> None:
    async def scenario() -> tuple[list[_Recorder], Hub]:
        hub = Hub(memory)
        recorders = [_Recorder() for _ in range(3)]
        for recorder in recorders:
            hub.subscribe(Filters()).go_live(recorder.write, 0, 0.0)
        hub._deliver(_events(1, 2, 3))
        hub._deliver(_events(4))
        return recorders, hub

    recorders, hub = asyncio.run(scenario())
    first = recorders[0].chunks
    assert first == [b"".join(e.packet for e in _events(1, 2, 3)), _events(4)[0].packet]
    for other in recorders[1:]:
        assert other.chunks == first
        assert all(a is b for a, b in zip(other.chunks, first, strict=True))  # joined once, not per reader
    assert hub.delivered == 12


def test_a_stream_going_live_gets_what_was_queued_during_its_replay_once_and_in_order(memory) -> None:
    async def scenario() -> list[bytes]:
        hub = Hub(memory)
        sub = hub.subscribe(Filters())
        hub._deliver(_events(5, 6))  # while its replay is being written: queued
        recorder = _Recorder()
        sub.go_live(recorder.write, 5, 0.0)  # the replay already ended at 5
        hub._deliver(_events(6, 7))  # 6 again (a re-read): not written twice
        hub._deliver(_events(8))
        return recorder.chunks

    chunks = asyncio.run(scenario())
    assert b"".join(chunks) == b"".join(e.packet for e in _events(6, 7, 8))


_MIXED = {
    1: Event(1, "{}", 1, ",science,"),
    2: Event(2, "{}", 7, ""),
    3: Event(3, "{}", 1, ",sport,science,"),
}


def test_filtered_live_streams_get_only_their_events(memory) -> None:
    async def scenario() -> tuple[bytes, bytes]:
        hub = Hub(memory)
        science, harbour = _Recorder(), _Recorder()
        hub.subscribe(Filters(topic="science")).go_live(science.write, 0, 0.0)
        hub.subscribe(Filters(source=7)).go_live(harbour.write, 0, 0.0)
        hub._deliver(list(_MIXED.values()))
        return b"".join(science.chunks), b"".join(harbour.chunks)

    science, harbour = asyncio.run(scenario())
    assert science == _MIXED[1].packet + _MIXED[3].packet
    assert harbour == _MIXED[2].packet


def test_a_failing_stream_is_closed_and_the_others_still_get_the_batch(memory) -> None:
    async def scenario() -> tuple[Subscription, Subscription, _Recorder]:
        hub = Hub(memory)
        broken, fine = hub.subscribe(Filters()), hub.subscribe(Filters())
        broken.go_live(_Recorder(fail=True).write, 0, 0.0)
        recorder = _Recorder()
        fine.go_live(recorder.write, 0, 0.0)
        hub._deliver(_events(1))
        return broken, fine, recorder

    broken, fine, recorder = asyncio.run(scenario())
    assert broken.closed
    assert not fine.closed
    assert recorder.chunks == [_events(1)[0].packet]


def test_a_live_stream_gets_a_heartbeat_only_when_idle_and_ends_when_closed() -> None:
    from newsdesk.live.events import HEARTBEAT
    from newsdesk.live.stream import StreamLimits, _keep_alive

    async def scenario() -> tuple[list[bytes], list[bytes], float]:
        loop = asyncio.get_running_loop()
        sub = Subscription(Filters(), 0, limit=10)
        recorder = _Recorder()
        sub.go_live(recorder.write, 0, loop.time())
        limits = StreamLimits(max_streams=10, heartbeat=0.2, max_seconds=60, replay_limit=10)
        task = asyncio.ensure_future(_keep_alive(sub, recorder, limits))
        for n in range(1, 6):  # an event every 0.1 s: no heartbeat needed
            await asyncio.sleep(0.1)
            sub.offer(_events(n), _events(n)[0].packet, loop.time())
        busy = list(recorder.chunks)
        await asyncio.sleep(0.5)  # idle: heartbeats
        idle = recorder.chunks[len(busy) :]
        sub.close()
        started = time.monotonic()
        await asyncio.wait_for(task, 2)
        return busy, idle, time.monotonic() - started

    busy, idle, ended = asyncio.run(scenario())
    assert HEARTBEAT not in busy
    assert len(busy) == 5
    assert 1 <= idle.count(HEARTBEAT) <= 3
    assert ended < 0.5
