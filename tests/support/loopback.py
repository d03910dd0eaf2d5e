"""A real, threaded HTTP server on loopback, for tests that must not leave this machine.

    with LoopbackServer() as server:
        server.route("/feed.xml", reply(b"<rss/>", "application/rss+xml", encoding="gzip"))
        server.route("/old", redirect("/feed.xml"))
        server.route("/slow", drip(b"x" * 100, interval=0.1))
        fetch(server.url("/old"))
        assert server.requests[0].path == "/old"

A route is a fixed `Reply` (or `Raw` bytes), or a function of the `SeenRequest` returning one.
The server records every connection and request, and the most requests it served at once.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import brotli


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # lower-case names
    at: float  # time.monotonic() when the request line was read
    body: bytes = b""  # a request's body, when it came with a Content-Length


@dataclass(frozen=True)
class Reply:
    """An HTTP answer. An iterable body is sent chunk by chunk (chunked, unless a length is given)."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: tuple[tuple[str, str], ...] = ()
    interval: float = 0.0  # seconds slept before each body chunk (a dripping server)
    delay: float = 0.0  # seconds slept before answering at all


@dataclass(frozen=True)
class Raw:
    """Bytes written to the socket as they are, for broken servers or dripping headers."""

    chunks: Iterable[bytes]
    interval: float = 0.0


Answer = Reply | Raw
Handler = Callable[[SeenRequest], Answer]


# ---- building replies --------------------------------------------------------------------


def compress(data: bytes, encoding: str) -> bytes:
    """`data` encoded as "gzip", "deflate" (zlib wrapper), "deflate-raw", "br" or "identity"."""
    if encoding == "gzip":
        packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush()
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "deflate-raw":
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush()
    if encoding == "br":
        return bytes(brotli.compress(data))
    return data


def reply(
    body: bytes | str = b"",
    content_type: str = "text/plain; charset=utf-8",
    *,
    status: int = 200,
    encoding: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """A whole body, optionally compressed and labelled with Content-Encoding."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    extra = [("Content-Type", content_type), *(headers or {}).items()]
    if encoding and encoding != "identity":
        data = compress(data, encoding)
        extra.append(("Content-Encoding", "deflate" if encoding == "deflate-raw" else encoding))
    return Reply(status=status, body=data, headers=tuple(extra))


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers=(("Location", location),))


def drip(body: bytes, interval: float, *, content_type: str = "application/xml") -> Reply:
    """A body sent one byte at a time, `interval` seconds apart, with an honest Content-Length."""
    chunks = [body[i : i + 1] for i in range(len(body))]
    headers = (("Content-Type", content_type), ("Content-Length", str(len(body))))
    return Reply(body=chunks, headers=headers, interval=interval)


def zeros_stream(total: int, encoding: str, piece: int = 1 << 20) -> Iterator[bytes]:
    """`total` zero bytes compressed lazily: a decompression bomb that costs little to send."""
    if encoding == "br":
        packer: Any = brotli.Compressor(quality=5)
        finish = packer.finish
        push = packer.process
    else:
        wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
        finish = packer.flush
        push = packer.compress
    zeros = bytes(piece)
    for _ in range(total // piece):
        out = push(zeros)
        if out:
            yield bytes(out)
    yield bytes(finish())


def bomb(total: int, encoding: str) -> Reply:
    """A compressed body that inflates to `total` bytes, streamed with chunked encoding."""
    headers = (("Content-Type", "application/xml"), ("Content-Encoding", encoding))
    return Reply(body=zeros_stream(total, encoding), headers=headers)


# ---- the server --------------------------------------------------------------------------


@dataclass
class _Stats:
    connections: int = 0
    active: int = 0
    max_concurrent: int = 0
    requests: list[SeenRequest] = field(default_factory=list)


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 (or ::1) on a free port, with fixed routes."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._routes: dict[str, Answer | Handler] = {}
        self._lock = threading.Lock()
        self._stats = _Stats()
        self._httpd = _make_httpd(self)
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def route(self, path: str, answer: Answer | Handler) -> None:
        """Serve `answer` at `path` (with or without its query string)."""
        self._routes[path] = answer

    def url(self, path: str = "/", host: str | None = None) -> str:
        """The URL of `path` here; `host` writes this server's address another way (e.g. "127.1")."""
        shown = host or self.host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}{path}"

    @property
    def requests(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._stats.requests)

    @property
    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    @property
    def connections(self) -> int:
        """TCP connections accepted, counted before any byte is read."""
        with self._lock:
            return self._stats.connections

    @property
    def max_concurrent(self) -> int:
        """The most requests that were being answered at the same moment."""
        with self._lock:
            return self._stats.max_concurrent

    # -- called by the handler threads --

    def _connected(self) -> None:
        with self._lock:
            self._stats.connections += 1

    def _begin(self, seen: SeenRequest) -> Answer:
        with self._lock:
            self._stats.requests.append(seen)
            self._stats.active += 1
            self._stats.max_concurrent = max(self._stats.max_concurrent, self._stats.active)
        target = self._routes.get(seen.path) or self._routes.get(seen.path.partition("?")[0])
        if target is None:
            return reply(b"No such page here.", status=404)
        return target if isinstance(target, Reply | Raw) else target(seen)

    def _end(self) -> None:
        with self._lock:
            self._stats.active -= 1


def _make_httpd(owner: LoopbackServer) -> ThreadingHTTPServer:
    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in owner.host else socket.AF_INET
        daemon_threads = True
        block_on_close = False

        def process_request(self, request: Any, client_address: Any) -> None:
            owner._connected()
            super().process_request(request, client_address)

        def handle_error(self, request: Any, client_address: Any) -> None:
            """Clients hanging up (a fetcher giving up on a bomb) are normal here, not news."""
            if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
                super().handle_error(request, client_address)

    class Handler(_Handler):
        server_owner = owner

    return Server((owner.host, 0), Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; no 40 ms stalls
    server_owner: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the server's records instead of its log."""

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        at = time.monotonic()
        length = headers.get("content-length", "")
        body = self.rfile.read(int(length)) if length.isdigit() else b""
        seen = SeenRequest(self.command, self.path, headers, at, body)
        try:
            answer = self.server_owner._begin(seen)
            if isinstance(answer, Raw):
                self._send_raw(answer)
            else:
                self._send_reply(answer)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        finally:
            self.server_owner._end()

    def _send_raw(self, answer: Raw) -> None:
        self.close_connection = True
        for chunk in answer.chunks:
            time.sleep(answer.interval)
            self.wfile.write(chunk)
            self.wfile.flush()

    def _send_reply(self, answer: Reply) -> None:
        time.sleep(answer.delay)
        self.send_response(answer.status)
        names = {name.lower() for name, _ in answer.headers}
        for name, value in answer.headers:
            self.send_header(name, value)
        pieces: Iterable[bytes] = [answer.body] if isinstance(answer.body, bytes) else answer.body
        if isinstance(answer.body, bytes) and "content-length" not in names:
            self.send_header("Content-Length", str(len(answer.body)))
        chunked = not isinstance(answer.body, bytes) and "content-length" not in names
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        for piece in pieces:
            self._send_piece(piece, answer.interval, chunked)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _send_piece(self, piece: bytes, interval: float, chunked: bool) -> None:
        if interval:
            time.sleep(interval)
        if not piece:
            return
        if chunked:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        else:
            self.wfile.write(piece)
        if interval:
            self.wfile.flush()
