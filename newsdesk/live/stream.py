"""GET /live/stream: the Server-Sent Events endpoint, pure asyncio on granian's RSGI interface.

No Django request cycle runs here, per connection or per event: the hub holds each event's bytes
and, once a stream is live, writes them to it directly (decision 0028). See docs/live.md for the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import random
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from newsdesk.core import metrics
from newsdesk.core.http import forwarded_client
from newsdesk.core.tallies import Batch

from .events import HEARTBEAT, BadFilter, Filters, cursor_only, parse_cursor, retry
from .hub import Hub, Subscription

log = logging.getLogger(__name__)

STREAM_HEADERS = [
    ("content-type", "text/event-stream; charset=utf-8"),
    # no-transform: a proxy must neither compress nor buffer the stream.
    ("cache-control", "no-cache, no-store, no-transform"),
    # nginx: pass each event on at once (proxy_buffering off for this response).
    ("x-accel-buffering", "no"),
    ("x-content-type-options", "nosniff"),
]
_TEXT = [("content-type", "text/plain; charset=utf-8"), ("cache-control", "no-store")]


@functools.cache
def _security() -> list[tuple[str, str]]:
    """The pages' security headers (CSP, Permissions-Policy, X-Frame-Options, Referrer-Policy, COOP): this
    endpoint runs without Django's middleware, so it adds them itself. HSTS is added per request."""
    from newsdesk.consent.headers import site_headers

    return [(name.lower(), value) for name, value in site_headers()]


def _with_security(base: list[tuple[str, str]], scope: Any) -> list[tuple[str, str]]:
    from django.conf import settings

    from newsdesk.consent.headers import hsts_header

    present = {name for name, _ in base}
    headers = [*base, *(header for header in _security() if header[0] not in present)]
    hsts = hsts_header()
    https = scope.scheme == "https" or (
        settings.HTTPS and scope.headers.get("x-forwarded-proto", "").strip().lower() == "https"
    )
    if hsts is not None and https:
        headers.append((hsts[0].lower(), hsts[1]))
    return headers


# Streams opened and reader-seconds, written every few seconds off the event loop (core/tallies.py).
READERS = Batch()


@dataclass(frozen=True)
class StreamLimits:
    max_streams: int
    heartbeat: float
    max_seconds: float
    replay_limit: int
    retry_ms: int = 3000
    # Streams one client address may hold; always below max_streams, so one client never takes them all.
    max_per_address: int = 10
    # Proxies in front that append to X-Forwarded-For (0: the connection's address is the client's).
    trusted_proxies: int = 0

    @classmethod
    def from_settings(cls) -> StreamLimits:
        from django.conf import settings

        live = settings.NEWSDESK_LIVE
        max_streams = int(live["MAX_STREAMS"])
        return cls(
            max_streams=max_streams,
            heartbeat=float(live["HEARTBEAT_SECONDS"]),
            max_seconds=float(live["MAX_STREAM_SECONDS"]),
            replay_limit=live["REPLAY_LIMIT"],
            max_per_address=per_address_limit(int(live["MAX_STREAMS_PER_ADDRESS"]), max_streams),
            trusted_proxies=int(settings.NEWSDESK_SITE["TRUSTED_PROXIES"]),
        )


def per_address_limit(configured: int, max_streams: int) -> int:
    """The per-address limit, kept below the process cap (a cap of 1 can only be shared by one)."""
    return max(1, min(configured if configured > 0 else max_streams, max_streams - 1))


def client_of(scope: Any, trusted_proxies: int) -> str:
    """The client's address: the connection's, or NEWSDESK_TRUSTED_PROXIES hops into X-Forwarded-For."""
    host = str(scope.client or "").rpartition(":")[0].strip("[]")
    return forwarded_client(host, scope.headers.get("x-forwarded-for") or "", trusted_proxies)


def _busy(proto: Any, text: list[tuple[str, str]], message: str) -> None:
    wait = random.randint(10, 30)  # noqa: S311 - spreading reconnects, not secrecy
    proto.response_str(503, [*text, ("retry-after", str(wait))], message)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


async def serve_stream(scope: Any, proto: Any, hub: Hub, limits: StreamLimits) -> None:
    text = _with_security(_TEXT, scope)
    if scope.method not in {"GET", "HEAD"}:
        proto.response_str(405, [*text, ("allow", "GET")], "The live stream only answers GET.\n")
        return
    query = parse_qs(scope.query_string, keep_blank_values=True)
    try:
        filters = Filters.parse(_first(query, "topic"), _first(query, "source"))
    except BadFilter as exc:
        proto.response_str(400, text, f"{exc}\n")
        return
    # The browser's own Last-Event-ID (a reconnect) wins over ?since= (the page's cursor).
    resume = parse_cursor(scope.headers.get("last-event-id"))
    if resume is None:
        resume = parse_cursor(_first(query, "since"))
    if scope.method == "HEAD":
        proto.response_empty(200, _with_security(STREAM_HEADERS, scope))
        return

    try:
        await hub.start()
    except Exception as exc:
        log.warning("Live News cannot read the event log: %s", exc)
        _busy(proto, text, "Live News is unavailable for a moment; try again shortly.\n")
        return
    if hub.closing or hub.streams >= limits.max_streams:
        _busy(proto, text, "Too many live readers right now; try again shortly.\n")
        return
    client = client_of(scope, limits.trusted_proxies)
    if hub.by_address[client] >= limits.max_per_address:
        wait = random.randint(10, 30)  # noqa: S311 - spreading reconnects, not secrecy
        proto.response_str(
            429, [*text, ("retry-after", str(wait))], "Too many live streams from your address.\n"
        )
        return
    hub.by_address[client] += 1
    sub = hub.subscribe(filters)
    opened = time.monotonic()
    READERS.add("live", "opened")
    watcher = asyncio.ensure_future(proto.client_disconnect())
    watcher.add_done_callback(lambda _: sub.close())
    metrics.live_streams.inc()
    try:
        transport = proto.response_stream(200, _with_security(STREAM_HEADERS, scope))
        head = [retry(limits.retry_ms)]
        sent = sub.start
        if resume is None:
            head.append(cursor_only(sub.start))
        elif resume < sub.start:
            try:
                missed = await hub.missed(resume, sub.start, filters, limits.replay_limit)
            except Exception as exc:  # end the stream; the browser comes back with the same cursor
                log.warning("Live News could not replay missed events: %s", exc)
                await transport.send_bytes(head[0])
                return
            head.extend(event.wire() for event in missed)
            if not missed or missed[-1].id < sub.start:
                head.append(cursor_only(sub.start))
        else:
            sent = resume  # the client is ahead of this process (another web process served it)
        wrote = transport.send_bytes(b"".join(head))
        # granian's stream writes queue the bytes and return a finished awaitable: the hub may then write
        # to this stream itself. A server whose writes are coroutines keeps the queued path.
        direct = not inspect.iscoroutine(wrote)
        await wrote
        if direct:
            sub.go_live(transport.send_bytes, sent, asyncio.get_running_loop().time())
            await _keep_alive(sub, transport, limits)
        else:
            await _follow(sub, transport, sent, limits)
    except (OSError, RuntimeError) as exc:  # the reader went away mid-write (RSGIProtocolClosed is one)
        log.debug("live stream ended: %s", exc)
    finally:
        metrics.live_streams.dec()
        hub.unsubscribe(sub)
        hub.by_address[client] -= 1
        if hub.by_address[client] <= 0:
            del hub.by_address[client]
        watcher.cancel()
        READERS.add("live", "reader_seconds", total=time.monotonic() - opened)


def _lifetime(loop: asyncio.AbstractEventLoop, limits: StreamLimits) -> float:
    """When the stream ends: after its lifetime, jittered, so that readers who came together do not
    all reconnect together."""
    return loop.time() + limits.max_seconds * random.uniform(0.9, 1.0)  # noqa: S311


async def _keep_alive(sub: Subscription, transport: Any, limits: StreamLimits) -> None:
    """A live stream's own coroutine: the hub writes its events; this writes a heartbeat when nothing
    was written for `heartbeat` seconds, and ends the stream after its lifetime or when it is closed.
    It wakes about once per heartbeat, not once per event."""
    loop = asyncio.get_running_loop()
    deadline = _lifetime(loop, limits)
    while not sub.closed:
        now = loop.time()
        if now >= deadline:
            return
        due = sub.last + limits.heartbeat
        if now >= due:
            await transport.send_bytes(HEARTBEAT)
            sub.last = now
            continue
        await sub.idle(min(due, deadline))


async def _follow(sub: Subscription, transport: Any, sent: int, limits: StreamLimits) -> None:
    """The queued path: write events as they come, a heartbeat when idle, and end after the stream's
    lifetime."""
    loop = asyncio.get_running_loop()
    deadline = _lifetime(loop, limits)
    while not sub.closed:
        left = deadline - loop.time()
        if left <= 0:
            return
        batch = await sub.wait(min(limits.heartbeat, left))
        fresh = [event for event in batch if event.id > sent]
        if fresh:
            sent = fresh[-1].id
            await transport.send_bytes(b"".join(event.wire() for event in fresh))
        elif not sub.closed and not batch:
            await transport.send_bytes(HEARTBEAT)


def close_quietly(hub: Hub | None, loop: asyncio.AbstractEventLoop) -> None:
    if hub is not None:
        with contextlib.suppress(Exception):
            loop.run_until_complete(hub.stop())
