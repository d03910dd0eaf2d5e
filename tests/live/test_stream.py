"""GET /live/stream on the real web server (granian + newsdesk.live.server, as `newsdesk run` starts it)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from newsdesk.live.queries import latest_event_id
from tests.support.sse import SSEClient

from .helpers import WebServer, make_source, store, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _status(url: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), ""
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_stream_headers_cursor_events_heartbeat_and_filters() -> None:
    harbour, hills = make_source("Harbour Gazette"), make_source("Hills Courier")
    store(harbour, "Before anyone listened")
    with (
        web_server(NEWSDESK_LIVE_HEARTBEAT_SECONDS="1", NEWSDESK_LIVE_POLL_MS="100") as server,
        SSEClient(server.url("/live/stream")) as everything,
        SSEClient(server.url(f"/live/stream?source={hills.pk}")) as hills_only,
    ):
        assert everything.status == 200
        assert everything.headers["content-type"].startswith("text/event-stream")
        assert "no-cache" in everything.headers["cache-control"]
        assert everything.headers["x-accel-buffering"] == "no"
        time.sleep(0.3)
        assert everything.last_event_id == str(latest_event_id())  # the stream opens at "now"
        assert everything.retry_ms == 3000
        first = store(harbour, "Harbour story")
        second = store(hills, "Hills story")
        a, b = everything.next_event(3), everything.next_event(3)
        assert [json.loads(a.data)["id"], json.loads(b.data)["id"]] == [first.pk, second.pk]
        assert int(a.id) < int(b.id)
        only = hills_only.next_event(3)
        assert json.loads(only.data)["title"] == "Hills story"
        assert hills_only.events_within(0.5) == []
        comments = everything.comments
        time.sleep(2.5)
        assert everything.comments >= comments + 2  # a heartbeat every second here


def test_resume_with_last_event_id_sends_exactly_the_missed_events() -> None:
    source = make_source()
    with web_server(NEWSDESK_LIVE_POLL_MS="100") as server:
        with SSEClient(server.url("/live/stream")) as stream:
            store(source, "Seen live")
            seen = stream.next_event(3)
        missed = [store(source, f"Missed {n}") for n in range(3)]
        with SSEClient(server.url("/live/stream"), last_event_id=seen.id) as again:
            got = [again.next_event(3) for _ in missed]
            assert [json.loads(e.data)["id"] for e in got] == [a.pk for a in missed]
            assert again.events_within(0.5) == []  # no duplicates after the replay
            later = store(source, "After the reconnect")
            assert json.loads(again.next_event(3).data)["id"] == later.pk
        # ?since= (the page's cursor) works the same way when the browser has no Last-Event-ID yet.
        with SSEClient(server.url(f"/live/stream?since={seen.id}")) as from_page:
            ids = [json.loads(from_page.next_event(3).data)["id"] for _ in range(4)]
            assert ids == [a.pk for a in missed] + [later.pk]


def test_bad_requests_get_a_clear_answer() -> None:
    with web_server() as server:
        status, _, body = _status(server.url("/live/stream?topic=not%20a%20slug"))
        assert status == 400
        assert "topic must be a topic's slug" in body
        status, headers, body = _status(server.url("/live/stream"), method="POST")
        assert status == 405
        assert headers["allow"] == "GET"
        status, headers, _ = _status(server.url("/live/stream"), method="HEAD")
        assert status == 200
        assert headers["content-type"].startswith("text/event-stream")


def _hold(server: WebServer, forwarded: str = "") -> tuple[socket.socket, int, dict[str, str]]:
    """Open a stream on a raw connection (optionally as a proxy would forward it); the socket stays open."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    extra = f"X-Forwarded-For: {forwarded}\r\n" if forwarded else ""
    sock.sendall(f"GET /live/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return sock, int(lines[0].split()[1]), headers


def test_beyond_the_cap_readers_are_told_to_come_back_later() -> None:
    # Two readers behind one trusted proxy, each with their own address.
    with web_server(max_streams=2, NEWSDESK_TRUSTED_PROXIES="1") as server:
        one, first, _ = _hold(server, "192.0.2.1")
        two, second, _ = _hold(server, "192.0.2.2")
        try:
            assert first == second == 200
            status, headers, body = _status(server.url("/live/stream"))
            assert status == 503
            assert 1 <= int(headers["retry-after"]) <= 60
            assert "try again" in body
        finally:
            one.close()
            two.close()
        # The slots are given back when readers leave.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with SSEClient(server.url("/live/stream")) as three:
                if three.status == 200:
                    break
            time.sleep(0.2)
        assert three.status == 200


def test_one_address_cannot_take_every_slot() -> None:
    with web_server(
        max_streams=4, NEWSDESK_LIVE_MAX_STREAMS_PER_ADDRESS="2", NEWSDESK_TRUSTED_PROXIES="1"
    ) as server:
        held = [_hold(server, "198.51.100.7") for _ in range(2)]
        try:
            assert [status for _, status, _ in held] == [200, 200]
            _sock, status, headers = _hold(server, "198.51.100.7")
            _sock.close()
            assert status == 429
            assert 1 <= int(headers["retry-after"]) <= 60
            other, status, _ = _hold(server, "198.51.100.8")  # another reader behind the same proxy
            other.close()
            assert status == 200
            # A client's own X-Forwarded-For beyond the trusted hops changes nothing.
            spoofed, status, _ = _hold(server, "203.0.113.1, 198.51.100.7")
            spoofed.close()
            assert status == 429
        finally:
            for sock, _, _ in held:
                sock.close()


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored() -> None:
    with web_server(max_streams=4, NEWSDESK_LIVE_MAX_STREAMS_PER_ADDRESS="2") as server:
        held = [_hold(server, f"192.0.2.{n}") for n in range(2)]
        try:
            sock, status, _ = _hold(server, "192.0.2.99")  # all three are really from loopback
            sock.close()
            assert status == 429
        finally:
            for held_sock, _, _ in held:
                held_sock.close()


def test_shutdown_ends_open_streams_at_once() -> None:
    with WebServer() as server:
        streams = [SSEClient(server.url("/live/stream")) for _ in range(3)]
        try:
            took = server.stop()
            # Well inside granian's worker kill timeout (5 s): the worker stopped by itself. Its
            # "refused to gracefully stop" line is no proof either way: granian also prints it when
            # a worker that has closed its pipe is not yet reaped 1 ms later, on a busy machine.
            assert took < 3, server.output()
            assert all(s.closed_by_server.wait(2) for s in streams)
        finally:
            for s in streams:
                s.close()


def test_pages_are_served_beside_the_stream() -> None:
    source = make_source()
    article = store(source, "Café owners share one van")
    with web_server() as server, SSEClient(server.url("/live/stream")):
        with urllib.request.urlopen(server.url("/"), timeout=5) as response:
            assert response.status == 200
            assert "Café owners share one van" in response.read().decode()
        with urllib.request.urlopen(server.url("/"), timeout=5) as response:
            assert response.headers["X-Page-Cache"] == "HIT"  # answered from memory on the event loop
        path = f"/article/{article.pk}-café-owners-share-one-van/"
        quoted = urllib.parse.quote(path)
        with urllib.request.urlopen(server.url(quoted), timeout=5) as response:
            assert response.status == 200  # a UTF-8 path reaches Django intact
        status, _, _ = _status(server.url("/no/such/page"))
        assert status == 404
