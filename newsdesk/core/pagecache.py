"""A tiny page cache in front of Django, for anonymous readers (docs/decisions/0007-page-cache.md).

Why our own: Django's cache middleware runs inside the request cycle (request object, middleware,
pickled responses); this answers a repeat request before Django is entered at all, which measured
several times faster (docs/benchmarks.md, "Serving").

What it caches — only what is safe to share:
- GET requests with no Cookie and no Authorization header (HEAD is answered from a GET's entry);
- 200 responses that say `Cache-Control: public` (no private/no-store/no-cache), set no cookie, have
  a Content-Length of at most `max_body` bytes, and vary at most on Cookie, Sec-GPC and the Accept
  headers. Sec-GPC is always part of the key (a reader sending it may get a different page), and so
  is every header the page's Vary names, learned per URL as Django's cache does; a reader with any
  cookie (e.g. a consent choice) bypasses the cache;
- for at most `ttl` seconds (less if the response's max-age says so), and not past a change stamp:
  when the file at `stamp_path` changes (touched when an article is stored), every entry is dropped.

It answers conditional requests itself (If-None-Match, then If-Modified-Since) with 304.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

ALWAYS_KEYED = ("HTTP_SEC_GPC",)
_VARY_OK = {"cookie", "sec-gpc", "accept-encoding", "accept-language", "accept"}
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*(\d+)", re.IGNORECASE)
_NOT_IN_304 = {"content-length", "content-type", "content-encoding", "content-language"}

Environ = dict[str, Any]
Key = tuple[Any, ...]  # scheme, host, path, query, the varying header names, their values
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


@dataclass
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    stored: float
    expires: float
    etag: str | None
    last_modified: str | None


def mark_changed(stamp_path: Path) -> None:
    """Tell every page cache on this machine that content changed (cheap: touch a file)."""
    stamp_path.parent.mkdir(parents=True, exist_ok=True)
    stamp_path.touch()
    os.utime(stamp_path)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _vary_names(headers: list[tuple[str, str]]) -> tuple[str, ...]:
    """The WSGI names of the request headers a response varies on (Cookie aside: we never cache those)."""
    vary = {v.strip().lower() for v in (_header(headers, "vary") or "").split(",") if v.strip()}
    names = {f"HTTP_{v.upper().replace('-', '_')}" for v in vary - {"cookie"}}
    return tuple(sorted(names | set(ALWAYS_KEYED)))


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True

    def weak(tag: str) -> str:
        return tag.strip().removeprefix("W/")

    return weak(etag) in {weak(tag) for tag in if_none_match.split(",")}


def _not_modified_since(if_modified_since: str, last_modified: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False


def _first(chunks: Iterator[bytes]) -> list[bytes]:
    try:
        return [next(chunks)]
    except StopIteration:
        return []


def _chain(first: list[bytes], rest: Iterator[bytes], result: Iterable[bytes]) -> Iterable[bytes]:
    """The response as the app gave it; closes it as the server would."""
    if not first:
        return result

    def chained() -> Iterator[bytes]:
        try:
            yield from first
            yield from rest
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return chained()


class PageCache:
    WAIT_SECONDS = 10.0  # how long a request waits for another thread rendering the same page

    def __init__(
        self,
        app: WSGIApp,
        *,
        ttl: float,
        max_entries: int = 2000,
        max_body: int = 2_000_000,
        stamp_path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        counter: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        # Told how each request went: HIT, STALE, MISS (rendered here) or PASS (not cacheable, not asked).
        self.counter = counter
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_body = max_body
        self.stamp_path = stamp_path
        self.clock = clock
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._rendering: dict[Key, threading.Event] = {}  # one renderer per page; the others wait
        self._uncacheable: dict[Key, float] = {}  # pages that last answered uncacheable, until when
        # Per URL (scheme, host, path, query): the request headers its answer varies on.
        self._vary: dict[tuple[str, str, str, str], tuple[str, ...]] = {}
        self._lock = threading.Lock()
        # The stamp is looked at on every request: by name (no Path on the way), and made when missing,
        # so that the look is a plain stat, not a raised and caught FileNotFoundError (a few µs of a
        # hit's ~10). Creating it changes no modification time that other processes compare.
        self._stamp_name = os.fspath(stamp_path) if stamp_path is not None else None
        if self._stamp_name is not None:
            with contextlib.suppress(OSError):
                os.close(os.open(self._stamp_name, os.O_WRONLY | os.O_CREAT, 0o644))
        self._stamp: float | None = self._read_stamp()
        self._hit_counters: tuple[Any, Any] | None = None  # the metrics' (hits, misses), once imported

    # ---- the WSGI entry point ---------------------------------------------------------------
    def _count(self, outcome: str) -> None:
        if self.counter is not None:
            self.counter(outcome)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD") or environ.get("HTTP_COOKIE") or environ.get("HTTP_AUTHORIZATION"):
            self._count("PASS")
            return self.app(environ, start_response)
        key = self._key(environ)
        if key is None:
            self._count("PASS")
            return self.app(environ, start_response)
        for attempt in range(2):
            action, entry, stamp, event = self._lookup(key, renders=method == "GET" and attempt == 0)
            if action == "hit" and entry is not None:
                self._count("HIT")
                return self._serve(entry, environ, start_response, "HIT")
            if action == "stale" and entry is not None:
                self._count("STALE")
                return self._serve(entry, environ, start_response, "STALE")
            if action == "render":
                self._count("MISS")
                try:
                    return self._fill(key, stamp, environ, start_response)
                finally:
                    with self._lock:
                        done = self._rendering.pop(key, None)
                    if done is not None:
                        done.set()
            if action == "wait" and event is not None:
                event.wait(self.WAIT_SECONDS)
                continue
            break
        self._count("PASS")
        return self.app(environ, start_response)

    def cached(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes] | None:
        """The answer from memory if there is one, else None: never renders, never waits.

        For a server that runs Django in a thread pool behind an event loop (newsdesk/live/server):
        it answers hits on the loop itself, without the hop to a thread that costs more than the hit.
        """
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD") or environ.get("HTTP_COOKIE") or environ.get("HTTP_AUTHORIZATION"):
            return None
        key = self._key(environ)
        if key is None:
            return None
        action, entry, _stamp, _event = self._lookup(key, renders=False)
        if action in ("hit", "stale") and entry is not None:
            outcome = "HIT" if action == "hit" else "STALE"
            self._count(outcome)
            return self._serve(entry, environ, start_response, outcome)
        return None

    # ---- lookup -----------------------------------------------------------------------------
    def _key(self, environ: Environ) -> Key | None:
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        if len(path) + len(query) > 2000:
            return None
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
        base = (scheme, host, path, query)
        names = self._vary.get(base, ALWAYS_KEYED)
        return (*base, names, *(environ.get(name, "") for name in names))

    def _read_stamp(self) -> float | None:
        if self._stamp_name is None:
            return None
        try:
            return os.stat(self._stamp_name).st_mtime
        except OSError:
            return None

    def _lookup(
        self, key: Key, *, renders: bool
    ) -> tuple[str, Entry | None, float | None, threading.Event | None]:
        """What to do for this page: "hit", "stale" (another thread is refreshing it), "render"
        (this thread renders and stores it), "wait" (for the thread rendering it) or "pass"."""
        stamp = self._read_stamp()
        now = self.clock()
        with self._lock:
            if stamp != self._stamp:  # content changed: nothing kept is current any more
                self._entries.clear()
                self._uncacheable.clear()
                self._stamp = stamp
            entry = self._entries.get(key)
            if entry is not None:
                if entry.expires > now:
                    self._entries.move_to_end(key)
                    return "hit", entry, stamp, None
                if entry.expires + self.ttl <= now:
                    del self._entries[key]
                    entry = None
            if self._uncacheable.get(key, 0) > now:
                return "pass", None, stamp, None
            rendering = self._rendering.get(key)
            if rendering is not None:
                # Someone is already rendering this page: serve the previous copy (at most one
                # lifetime past its expiry) or wait for theirs. Never a stampede of renders.
                if entry is not None:
                    return "stale", entry, stamp, None
                return "wait", None, stamp, rendering
            if not renders:
                return "pass", None, stamp, None
            self._rendering[key] = threading.Event()
            return "render", None, stamp, None

    def _fill(
        self, key: Key, stamp: float | None, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}
        written: list[bytes] = []

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: object = None
        ) -> Callable[[bytes], object]:
            captured["status"], captured["headers"] = status, headers
            return written.append

        result = self.app(environ, capture)
        chunks = iter(result)
        if "status" not in captured:  # a generator app calls start_response on its first step
            written.extend(_first(chunks))
        ttl = self._cacheable_for(captured.get("status", ""), captured.get("headers", []))
        if ttl <= 0:
            # Not ours to cache (or Django's own 304): pass it through untouched; it may stream.
            if not captured.get("status", "").startswith("304"):
                with self._lock:
                    self._uncacheable[key] = self.clock() + self.ttl
                    if len(self._uncacheable) > self.max_entries:
                        self._uncacheable.pop(next(iter(self._uncacheable)))
            start_response(captured["status"], captured["headers"])
            return _chain(written, chunks, result)
        try:
            body = b"".join([*written, *chunks])
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "age"]
        now = self.clock()
        entry = Entry(
            status=captured["status"],
            headers=headers,
            body=body,
            stored=now,
            expires=now + ttl,
            etag=_header(headers, "etag"),
            last_modified=_header(headers, "last-modified"),
        )
        names = _vary_names(headers)
        if names != key[4]:  # the page varies on more than we keyed it by: learn, and key it properly
            with self._lock:
                self._vary[key[:4]] = names
                if len(self._vary) > self.max_entries:
                    self._vary.pop(next(iter(self._vary)))
            key = self._key(environ) or key
        if _header(headers, "content-length") == str(len(body)):
            with self._lock:
                if self._stamp != stamp:  # content changed while this page was rendered: do not keep it
                    return self._serve(entry, environ, start_response, "MISS")
                self._entries[key] = entry
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return self._serve(entry, environ, start_response, "MISS")

    def _cacheable_for(self, status: str, headers: list[tuple[str, str]]) -> float:
        if not status.startswith("200"):
            return 0
        control = (_header(headers, "cache-control") or "").lower()
        directives = {part.strip().split("=")[0] for part in control.split(",")}
        if "public" not in directives or directives & {"private", "no-store", "no-cache"}:
            return 0
        if _header(headers, "set-cookie") is not None:
            return 0
        vary = {v.strip().lower() for v in (_header(headers, "vary") or "").split(",") if v.strip()}
        if not vary <= _VARY_OK:
            return 0
        if (_header(headers, "content-type") or "").startswith("text/event-stream"):
            return 0
        length = _header(headers, "content-length")
        if length is None or not length.isdigit() or int(length) > self.max_body:
            return 0
        ttl = self.ttl
        match = _MAX_AGE.search(control)
        if match:
            ttl = min(ttl, int(match.group(1)))
        return ttl

    # ---- answering ---------------------------------------------------------------------------
    def _serve(
        self, entry: Entry, environ: Environ, start_response: StartResponse, state: str
    ) -> Iterable[bytes]:
        counters = self._hit_counters
        if counters is None:
            from . import metrics

            counters = self._hit_counters = (metrics.page_cache_hits, metrics.page_cache_misses)
        counters[state == "MISS"].inc()
        age = str(int(max(0.0, self.clock() - entry.stored)))
        extra = [("Age", age), ("X-Page-Cache", state)]
        if self._not_modified(entry, environ):
            headers = [(k, v) for k, v in entry.headers if k.lower() not in _NOT_IN_304]
            start_response("304 Not Modified", headers + extra)
            return []
        start_response(entry.status, entry.headers + extra)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return []
        return [entry.body]

    @staticmethod
    def _not_modified(entry: Entry, environ: Environ) -> bool:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            return entry.etag is not None and _etag_matches(if_none_match, entry.etag)
        if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if if_modified_since and entry.last_modified:
            return _not_modified_since(if_modified_since, entry.last_modified)
        return False
