"""GET /live/stream on the real web server (granian + newsdesk.live.server, as `newsdesk run` starts it)."""

from __future__ import annotations

import json
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


def test_beyond_the_cap_readers_are_told_to_come_back_later() -> None:
    with web_server(max_streams=2) as server:
        with SSEClient(server.url("/live/stream")) as one, SSEClient(server.url("/live/stream")) as two:
            assert one.status == two.status == 200
            status, headers, body = _status(server.url("/live/stream"))
            assert status == 503
            assert 1 <= int(headers["retry-after"]) <= 60
            assert "try again" in body
        # The slots are given back when readers leave.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with SSEClient(server.url("/live/stream")) as three:
                if three.status == 200:
                    break
            time.sleep(0.2)
        assert three.status == 200


def test_shutdown_ends_open_streams_at_once() -> None:
    with WebServer() as server:
        streams = [SSEClient(server.url("/live/stream")) for _ in range(3)]
        try:
            took = server.stop()
            assert took < 3, server.output()
            assert all(s.closed_by_server.wait(2) for s in streams)
            assert "refused to gracefully stop" not in server.output()
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
