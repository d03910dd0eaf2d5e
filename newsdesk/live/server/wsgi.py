"""Django's WSGI app behind granian's RSGI interface: each request runs in a thread of our pool.

Pages Django renders cost what they cost under granian's own WSGI mode (bench/live); an app that can
answer from memory (the page cache's `cached()`) is asked first on the event loop, so a cache hit pays
no thread hop. The event loop stays free for the live stream. A response is buffered in the worker
thread up to BUFFER_LIMIT bytes and sent in one piece (pages are small) by that thread itself; a larger
or endless one is streamed chunk by chunk from the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

BUFFER_LIMIT = 1 << 20  # bytes of a response kept in memory before it is streamed instead
MAX_BODY = 16 << 20  # request bodies larger than this are refused (413)
_DONE = object()
# How often the event loop ends the coroutines of pages that have already been answered (seconds).
SETTLE_EVERY = 0.005
_BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})

_BASE_ENVIRON: dict[str, Any] = {
    "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr,
    "wsgi.multithread": True,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
    "wsgi.input_terminated": True,
    "SCRIPT_NAME": "",
    "SERVER_SOFTWARE": "newsdesk (granian rsgi)",
}


def _latin1(text: str) -> str:
    """PEP 3333 strings carry bytes: the request path arrives decoded as UTF-8 and goes back to
    its bytes, each one a latin-1 character."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def _host_port(address: str) -> tuple[str, str]:
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


def build_environ(scope: Any, body: bytes) -> dict[str, Any]:
    server_name, server_port = _host_port(scope.server)
    environ = dict(_BASE_ENVIRON)
    environ.update(
        {
            "REQUEST_METHOD": scope.method,
            "PATH_INFO": _latin1(scope.path),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server_name,
            "SERVER_PORT": server_port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": _host_port(scope.client)[0],
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
        }
    )
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key not in {"CONTENT_TYPE", "CONTENT_LENGTH"}:
            key = "HTTP_" + key
        if key in environ:  # a repeated header: one value, comma-joined (cookies with "; ")
            value = environ[key] + ("; " if key == "HTTP_COOKIE" else ", ") + value
        environ[key] = value
    return environ


class _Response:
    __slots__ = ("chunks", "headers", "rest", "result", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.rest: Iterator[bytes] | None = None
        self.result: Any = None

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and self.chunks:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = int(status[:3])
        self.headers = headers
        return self.chunks.append  # the legacy write() callable


def _close(result: Any) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


class WSGIBridge:
    def __init__(self, app: WSGIApp, threads: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="web")
        # An app that can answer from memory without blocking (the page cache, newsdesk/core/pagecache.py)
        # is asked first, on the event loop: a cache hit then costs no thread hop (bench/live).
        self.cached: Callable[..., Iterable[bytes] | None] | None = getattr(app, "cached", None)
        # Pages made but not yet given back to their coroutines, per event loop; see _settle.
        self._made: dict[
            asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any, BaseException | None]]
        ] = {}
        self._made_lock = threading.Lock()
        self._called: set[asyncio.AbstractEventLoop] = set()  # loops asked to settle at once
        self._ticks: dict[asyncio.AbstractEventLoop, asyncio.TimerHandle] = {}  # each loop's next tick
        # Each waiting coroutine's future and its work item (to end the coroutine if close() drops the item).
        self._waiting: dict[asyncio.Future[Any], Future[None]] = {}

    def _call(self, environ: dict[str, Any]) -> _Response:
        """In a worker thread: run the app and gather its answer (up to BUFFER_LIMIT bytes)."""
        response = _Response()
        result = self.app(environ, response.start_response)
        if isinstance(result, list | tuple):
            response.chunks.extend(result)
            _close(result)
            return response
        size = 0
        iterator = iter(result)
        for chunk in iterator:
            response.chunks.append(chunk)
            size += len(chunk)
            if size > BUFFER_LIMIT:
                response.rest, response.result = iterator, result
                return response
        _close(result)
        return response

    def _answer(self, environ: dict[str, Any], proto: Any) -> _Response | None:
        """In a worker thread: run the app and, when its answer fits in memory, send it from here.

        granian's protocol object hands the response to its own (Rust) side through a channel guarded by
        a lock, so any thread may call it; the response then leaves at once, without waiting for the
        event loop to take the GIL back from the page threads and resume the request's coroutine. The
        coroutine still ends afterwards (when the future resolves), as RSGI asks. A larger answer is
        given back to the event loop, which streams it."""
        response = self._call(environ)
        if response.rest is not None:
            return response
        proto.response_bytes(response.status, response.headers, b"".join(response.chunks))
        return None

    async def __call__(self, scope: Any, proto: Any) -> None:
        length = scope.headers.get("content-length")
        if length and (not length.isdigit() or int(length) > MAX_BODY):
            proto.response_str(413, [("content-type", "text/plain; charset=utf-8")], "Request too large.\n")
            return
        body = await proto() if length or scope.method not in _BODILESS else b""
        environ = build_environ(scope, body)
        if self.cached is not None:
            hit = _Response()
            result = self.cached(environ, hit.start_response)
            if result is not None:
                proto.response_bytes(hit.status, hit.headers, b"".join(result))
                return
        loop = asyncio.get_running_loop()
        made: asyncio.Future[_Response | None] = loop.create_future()
        self._waiting[made] = self.pool.submit(self._page, loop, made, environ, proto)
        if loop not in self._ticks:
            self._ticks[loop] = loop.call_later(SETTLE_EVERY, self._tick, loop)
        try:
            response = await made
        finally:
            work = self._waiting.pop(made, None)
            if made.cancelled() and work is not None:
                work.cancel()  # not started yet: never made (as run_in_executor's cancellation does)
        if response is not None:
            await self._stream(loop, proto, response)

    def _page(
        self, loop: asyncio.AbstractEventLoop, made: asyncio.Future[Any], environ: dict[str, Any], proto: Any
    ) -> None:
        """In a worker thread: make and send the page, then leave its coroutine for the event loop to end.

        A page that has been answered (see _answer) only needs its coroutine ended, which nobody waits for:
        it joins a list that the event loop's own tick (every SETTLE_EVERY seconds while pages are in
        flight, _tick) ends in one call, so the page thread does not wake the loop at all (run_in_executor
        wakes it once per page: a concurrent future, its callback and a write to the loop's self-pipe).
        A page that failed, or whose answer is to be streamed from the loop, wakes it at once; pages
        finished before the loop has run join that call."""
        if made.cancelled():  # the request went away while its page waited in the pool's queue
            return
        try:
            outcome: tuple[asyncio.Future[Any], Any, BaseException | None] = (
                made,
                self._answer(environ, proto),
                None,
            )
        except BaseException as error:  # handed to the coroutine, as run_in_executor does
            outcome = (made, None, error)
        answered = outcome[1] is None and outcome[2] is None
        with self._made_lock:
            self._made.setdefault(loop, []).append(outcome)
            if answered or loop in self._called:
                return  # the loop's tick ends it, or the loop is already called
            self._called.add(loop)
        try:
            loop.call_soon_threadsafe(self._settle, loop)
        except RuntimeError:  # the loop is closed: nobody waits any more
            with self._made_lock:
                self._made.pop(loop, None)
                self._called.discard(loop)

    def _settle(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the event loop: resume every coroutine whose page is made."""
        with self._made_lock:
            outcomes = self._made.pop(loop, ())
            self._called.discard(loop)
        for made, response, error in outcomes:
            if made.done():  # cancelled meanwhile
                continue
            if error is None:
                made.set_result(response)
                continue
            if isinstance(error, StopIteration):
                # A future refuses StopIteration (TypeError), which would leave the rest of this batch
                # waiting for ever; asyncio's own hand-back turns it into a RuntimeError the same way.
                wrapped = RuntimeError("a page raised StopIteration")
                wrapped.__cause__ = error
                error = wrapped
            made.set_exception(error)

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the event loop: end the answered pages' coroutines; tick again while any page is in flight."""
        del self._ticks[loop]
        self._settle(loop)
        if self._waiting:
            self._ticks[loop] = loop.call_later(SETTLE_EVERY, self._tick, loop)

    async def _stream(self, loop: asyncio.AbstractEventLoop, proto: Any, response: _Response) -> None:
        rest = response.rest
        assert rest is not None
        transport = proto.response_stream(response.status, response.headers)
        try:
            await transport.send_bytes(b"".join(response.chunks))
            while (chunk := await loop.run_in_executor(self.pool, next, rest, _DONE)) is not _DONE:
                await transport.send_bytes(chunk)
        finally:
            await loop.run_in_executor(self.pool, _close, response.result)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        for made, work in list(self._waiting.items()):
            if work.cancelled():  # never started: its coroutine ends (cancelled), as with run_in_executor
                with contextlib.suppress(RuntimeError):  # a closed loop: nothing waits
                    made.get_loop().call_soon_threadsafe(made.cancel)
