"""A small Server-Sent Events client for tests, reading a real stream over a real socket.

It parses the wire format as the HTML standard's EventSource does (id, data, retry, comments; an
`id:` without data sets the last event id and fires nothing), in a background thread, so a test
can wait for the next event with a timeout:

    with SSEClient(url, last_event_id="41") as stream:
        event = stream.next_event(timeout=2)
        assert json.loads(event.data)["title"] == "…"
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SSEEvent:
    id: str
    data: str
    received_at: float  # time.monotonic()
    event: str = "message"  # the `event:` type


class SSEClient:
    def __init__(self, url: str, *, last_event_id: str | None = None, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.last_event_id = last_event_id or ""
        self.retry_ms: int | None = None
        self.comments = 0
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.closed_by_server = threading.Event()
        self._events: queue.Queue[SSEEvent] = queue.Queue()
        self._ready = threading.Event()
        self._sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self._sock.settimeout(None)
        request = (
            f"GET {self.target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n"
            + (f"Last-Event-ID: {last_event_id}\r\n" if last_event_id else "")
            + "\r\n"
        )
        self._sock.sendall(request.encode())
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"no response headers from {url} in {timeout}s")

    def __enter__(self) -> SSEClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the server may have closed it already
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(timeout=5)

    def next_event(self, timeout: float) -> SSEEvent:
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no event within {timeout}s") from None

    def events_within(self, seconds: float) -> list[SSEEvent]:
        """Every event that arrives in the next `seconds` (to check that nothing more comes)."""
        found = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                found.append(self._events.get(timeout=left))
            except queue.Empty:
                break
        return found

    # -- the reader thread --

    def _read(self) -> None:
        reader = self._sock.makefile("rb")
        try:
            self._read_head(reader)
            if self.status == 200:
                self._read_stream(reader)
        except (OSError, ValueError):
            pass
        finally:
            self._ready.set()
            self.closed_by_server.set()

    def _read_head(self, reader) -> None:
        status_line = reader.readline().decode("latin-1")
        self.status = int(status_line.split()[1])
        while (line := reader.readline().decode("latin-1").rstrip("\r\n")) != "":
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self._ready.set()

    def _chunks(self, reader):
        """The body, de-chunked (the stream is sent with Transfer-Encoding: chunked)."""
        if self.headers.get("transfer-encoding", "").lower() != "chunked":
            while chunk := reader.read1(65536):
                yield chunk
            return
        while True:
            size = int(reader.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                return
            yield reader.read(size)
            reader.readline()

    def _read_stream(self, reader) -> None:
        buffer = b""
        data: list[str] = []
        kind = ""
        event_id = self.last_event_id
        for chunk in self._chunks(reader):
            buffer += chunk
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                line = raw.decode("utf-8").rstrip("\r")
                if line == "":
                    self.last_event_id = event_id
                    if data:
                        self._events.put(
                            SSEEvent(event_id, "\n".join(data), time.monotonic(), kind or "message")
                        )
                    data, kind = [], ""
                    continue
                if line.startswith(":"):
                    self.comments += 1
                    continue
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "data":
                    data.append(value)
                elif name == "event":
                    kind = value
                elif name == "id" and "\0" not in value:
                    event_id = value
                elif name == "retry" and value.isdigit():
                    self.retry_ms = int(value)
