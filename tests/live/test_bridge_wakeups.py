"""The bridge's hand-back from page threads to the event loop (newsdesk.live.server.wsgi), in process:
granian's protocol object is replaced by a recorder; the bridge and its thread pool are the real ones."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from newsdesk.live.server import wsgi
from newsdesk.live.server.wsgi import WSGIBridge


class Recorder:
    """Stands in for granian's RSGIHTTPProtocol: keeps what was sent, and from which thread."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, bytes, str]] = []

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.sent.append((status, body, threading.current_thread().name))


class CountingLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        super().__init__()
        self.wakeups = 0

    def call_soon_threadsafe(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.wakeups += 1
        return super().call_soon_threadsafe(*args, **kwargs)


def scope(path: str) -> SimpleNamespace:
    return SimpleNamespace(
        headers={}, method="GET", path=path, query_string="", server="127.0.0.1:8000",
        client="127.0.0.1:5000", http_version="1.1", scheme="http",
    )  # fmt: skip


def page(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ["PATH_INFO"] == "/raise":
        raise LookupError("a page that fails")
    if environ["PATH_INFO"] == "/stop":
        raise StopIteration
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["PATH_INFO"].encode()]


def test_pages_answered_while_the_loop_is_busy_do_not_wake_it() -> None:
    bridge = WSGIBridge(page, threads=4)
    protos = [Recorder() for _ in range(8)]

    async def main() -> None:
        tasks = [asyncio.create_task(bridge(scope(f"/p{n}"), protos[n])) for n in range(8)]
        await asyncio.sleep(0)  # every request is in the pool
        deadline = time.monotonic() + 5
        while not all(proto.sent for proto in protos) and time.monotonic() < deadline:
            time.sleep(0.01)  # the loop stays busy while all 8 pages are made and sent
        assert all(proto.sent for proto in protos)  # sent by the page threads, not the loop
        await asyncio.gather(*tasks)

    with asyncio.Runner(loop_factory=CountingLoop) as runner:
        runner.run(main())
        wakeups = runner.get_loop().wakeups  # type: ignore[attr-defined]
    bridge.close()
    assert [proto.sent[0][:2] for proto in protos] == [(200, f"/p{n}".encode()) for n in range(8)]
    assert all(proto.sent[0][2].startswith("web") for proto in protos)
    # Answered pages' coroutines are ended by the loop's own tick: no page thread wakes it
    # (run_in_executor: one wake-up per page, 8).
    assert wakeups == 0


def test_an_answered_pages_coroutine_ends_at_the_next_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wsgi, "SETTLE_EVERY", 0.2)
    bridge = WSGIBridge(page, threads=2)
    proto = Recorder()

    async def main() -> float:
        started = time.monotonic()
        await asyncio.wait_for(bridge(scope("/p"), proto), 5)
        return time.monotonic() - started

    with asyncio.Runner(loop_factory=CountingLoop) as runner:
        took = runner.run(main())
        wakeups = runner.get_loop().wakeups  # type: ignore[attr-defined]
    bridge.close()
    assert proto.sent[0][:2] == (200, b"/p")
    assert 0.15 <= took < 2  # the page was sent at once; its coroutine ended at the tick
    assert wakeups == 0


def test_a_failed_page_wakes_the_loop_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wsgi, "SETTLE_EVERY", 30)  # a tick would come far too late
    bridge = WSGIBridge(page, threads=2)

    async def main() -> float:
        started = time.monotonic()
        with pytest.raises(LookupError):
            await asyncio.wait_for(bridge(scope("/raise"), Recorder()), 5)
        return time.monotonic() - started

    took = asyncio.run(main())
    bridge.close()
    assert took < 1


def test_a_page_error_reaches_its_coroutine_and_sends_nothing() -> None:
    bridge = WSGIBridge(page, threads=2)
    proto = Recorder()
    with pytest.raises(LookupError):
        asyncio.run(bridge(scope("/raise"), proto))
    bridge.close()
    assert proto.sent == []  # granian answers 500 when the coroutine ends without a response


def test_close_ends_the_coroutines_of_pages_never_started() -> None:
    release = threading.Event()

    def slow(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        release.wait(5)
        start_response("200 OK", [])
        return [b"made"]

    bridge = WSGIBridge(slow, threads=1)
    first, second = Recorder(), Recorder()

    async def main() -> list[Any]:
        running = asyncio.create_task(bridge(scope("/first"), first))
        queued = asyncio.create_task(bridge(scope("/second"), second))
        await asyncio.sleep(0.1)
        bridge.close()  # as at a worker's shutdown: the queued page is dropped
        release.set()
        return list(await asyncio.wait_for(asyncio.gather(running, queued, return_exceptions=True), 5))

    started, dropped = asyncio.run(main())
    assert started is None
    assert first.sent[0][1] == b"made"
    assert isinstance(dropped, asyncio.CancelledError)
    assert second.sent == []


def test_a_page_raising_stopiteration_does_not_strand_the_pages_finished_with_it() -> None:
    """A future refuses StopIteration; the other coroutines of the same hand-back must still end."""
    bridge = WSGIBridge(page, threads=4)
    protos = [Recorder() for _ in range(3)]
    paths = ["/a", "/stop", "/b"]

    async def main() -> list[Any]:
        tasks = [
            asyncio.create_task(bridge(scope(path), proto)) for path, proto in zip(paths, protos, strict=True)
        ]
        await asyncio.sleep(0)
        deadline = time.monotonic() + 5
        while not (protos[0].sent and protos[2].sent) and time.monotonic() < deadline:
            time.sleep(0.01)  # all three finish while the loop is busy: one hand-back holds them all
        time.sleep(0.1)
        return list(await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 5))

    first, stopped, last = asyncio.run(main())
    bridge.close()
    assert first is None
    assert last is None
    assert isinstance(stopped, RuntimeError)
    assert isinstance(stopped.__cause__, StopIteration)
    assert protos[1].sent == []


def test_a_request_cancelled_while_its_page_waits_in_the_queue_is_never_made() -> None:
    release = threading.Event()
    made: list[str] = []

    def slow(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        made.append(environ["PATH_INFO"])
        release.wait(5)
        start_response("200 OK", [])
        return [b"made"]

    bridge = WSGIBridge(slow, threads=1)
    first, second = Recorder(), Recorder()

    async def main() -> Any:
        running = asyncio.create_task(bridge(scope("/first"), first))
        queued = asyncio.create_task(bridge(scope("/second"), second))
        await asyncio.sleep(0.1)
        queued.cancel()  # the reader went away while /first held the only page thread
        await asyncio.sleep(0.05)
        release.set()
        await asyncio.wait_for(running, 5)
        await asyncio.sleep(0.3)  # time for a wrongly queued /second to run
        return await asyncio.gather(queued, return_exceptions=True)

    (dropped,) = asyncio.run(main())
    bridge.close()
    assert isinstance(dropped, asyncio.CancelledError)
    assert made == ["/first"]
    assert second.sent == []
