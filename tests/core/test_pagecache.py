"""The WSGI page cache, in front of a small real WSGI app that counts how often it is asked."""

from __future__ import annotations

import os
import threading
import time
from wsgiref.util import setup_testing_defaults

import pytest

from newsdesk.core.pagecache import PageCache, mark_changed


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Site:
    """A WSGI app whose answer the test chooses; counts the requests that reach it."""

    def __init__(self) -> None:
        self.calls = 0
        self.headers = [("Cache-Control", "public, max-age=60"), ("ETag", '"v1"')]
        self.status = "200 OK"
        self.body = b"<p>page</p>"

    def __call__(self, environ, start_response):
        self.calls += 1
        body = self.body + f" #{self.calls}".encode()
        headers = [("Content-Type", "text/html"), ("Content-Length", str(len(body))), *self.headers]
        start_response(self.status, headers)
        return [body]


def request(app, path="/", method="GET", **headers):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"] = status
        seen["headers"] = dict(response_headers)
        return lambda data: None

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture
def site():
    return Site()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def cache(site, clock, tmp_path):
    return PageCache(site, ttl=5, max_entries=3, stamp_path=tmp_path / "stamp", clock=clock)


def test_anonymous_get_is_served_from_cache(cache, site):
    first = request(cache, "/a")
    second = request(cache, "/a")
    assert site.calls == 1
    assert first[2] == second[2] == b"<p>page</p> #1"
    assert first[1]["X-Page-Cache"] == "MISS"
    assert second[1]["X-Page-Cache"] == "HIT"
    request(cache, "/b")
    assert site.calls == 2


def test_query_string_is_part_of_the_key(cache, site):
    request(cache, "/search")
    request(cache, "/search")
    assert site.calls == 1
    b"".join(cache({"REQUEST_METHOD": "GET", "PATH_INFO": "/search", "QUERY_STRING": "q=x"}, lambda *a: None))
    assert site.calls == 2


def test_readers_with_cookies_or_credentials_are_never_cached(cache, site):
    request(cache, "/", cookie="consent=analytics")
    request(cache, "/", cookie="consent=analytics")
    request(cache, "/", authorization="Basic eDp5")
    assert site.calls == 3
    request(cache, "/")
    _status, headers, body = request(cache, "/", cookie="sessionid=1")
    assert body == b"<p>page</p> #5"
    assert "X-Page-Cache" not in headers


def test_sec_gpc_gets_its_own_entry(cache, site):
    plain = request(cache, "/")[2]
    gpc = request(cache, "/", sec_gpc="1")[2]
    assert plain != gpc
    assert request(cache, "/", sec_gpc="1")[2] == gpc
    assert site.calls == 2


@pytest.mark.parametrize(
    "headers",
    [
        [("Cache-Control", "private, max-age=60")],
        [("Cache-Control", "public, no-store")],
        [],
        [("Cache-Control", "public, max-age=60"), ("Set-Cookie", "csrftoken=abc")],
        [("Cache-Control", "public, max-age=60"), ("Vary", "User-Agent")],
        [("Cache-Control", "public, max-age=60"), ("Vary", "*")],
    ],
)
def test_responses_that_are_not_public_and_shareable_are_not_kept(cache, site, headers):
    site.headers = headers
    request(cache, "/")
    request(cache, "/")
    assert site.calls == 2


def test_vary_on_cookie_and_gpc_is_fine(cache, site):
    site.headers = [("Cache-Control", "public, max-age=60"), ("Vary", "Cookie, Sec-GPC, Accept-Encoding")]
    request(cache, "/")
    request(cache, "/")
    assert site.calls == 1


def test_only_200_is_kept(cache, site):
    site.status = "404 Not Found"
    request(cache, "/gone")
    request(cache, "/gone")
    assert site.calls == 2


def test_entries_expire_after_ttl_or_max_age(cache, site, clock):
    request(cache, "/")
    clock.now += 4.9
    assert request(cache, "/")[1]["Age"] == "4"
    assert site.calls == 1
    clock.now += 0.2
    request(cache, "/")
    assert site.calls == 2
    site.headers = [("Cache-Control", "public, max-age=1")]
    request(cache, "/short")
    clock.now += 1.01
    request(cache, "/short")
    assert site.calls == 4


def test_a_content_change_drops_everything(cache, site, tmp_path):
    request(cache, "/")
    mark_changed(tmp_path / "stamp")
    os.utime(tmp_path / "stamp", (1, 12345))
    request(cache, "/")
    assert site.calls == 2
    request(cache, "/")
    assert site.calls == 2


def test_a_missing_stamp_is_made_and_an_existing_one_left_as_it_was(site, tmp_path):
    """The stamp is made when missing (so a hit's look at it is a plain stat), without touching one that is
    there: other processes compare its modification time."""
    PageCache(site, ttl=5, stamp_path=tmp_path / "made")
    assert (tmp_path / "made").is_file()
    mark_changed(tmp_path / "kept")
    os.utime(tmp_path / "kept", (1, 12345))
    other = PageCache(site, ttl=5, stamp_path=tmp_path / "kept")
    assert (tmp_path / "kept").stat().st_mtime == 12345
    request(other, "/")
    mark_changed(tmp_path / "kept")  # a change after the cache was made still drops its pages
    request(other, "/")
    assert site.calls == 2


def test_conditional_requests_get_304(cache, site):
    request(cache, "/")  # fills
    status, headers, body = request(cache, "/", if_none_match='"v1"')
    assert status == "304 Not Modified"
    assert body == b""
    assert headers["ETag"] == '"v1"'
    assert "Content-Length" not in headers
    assert request(cache, "/", if_none_match='W/"v1", "v0"')[0].startswith("304")
    assert request(cache, "/", if_none_match='"v0"')[0] == "200 OK"
    assert site.calls == 1


def test_if_modified_since(cache, site):
    site.headers = [("Cache-Control", "public"), ("Last-Modified", "Tue, 10 Mar 2026 12:00:00 GMT")]
    request(cache, "/")
    assert request(cache, "/", if_modified_since="Tue, 10 Mar 2026 12:00:00 GMT")[0].startswith("304")
    assert request(cache, "/", if_modified_since="Mon, 09 Mar 2026 12:00:00 GMT")[0] == "200 OK"
    assert request(cache, "/", if_modified_since="not a date")[0] == "200 OK"


def test_head_is_answered_from_a_get_entry_without_body(cache, site):
    assert request(cache, "/", method="HEAD")[2] == b"<p>page</p> #1"  # a miss goes to the app
    request(cache, "/")
    _status, headers, body = request(cache, "/", method="HEAD")
    assert body == b""
    assert headers["Content-Length"] == str(len(b"<p>page</p> #2"))
    assert site.calls == 2


def test_other_methods_pass_through(cache, site):
    request(cache, "/", method="POST")
    request(cache, "/", method="POST")
    assert site.calls == 2


def test_least_recently_used_entries_go_first(cache, site):
    for path in ("/1", "/2", "/3"):
        request(cache, path)
    request(cache, "/1")  # used again: now the newest
    request(cache, "/4")  # evicts /2
    calls = site.calls
    request(cache, "/1")
    request(cache, "/3")
    assert site.calls == calls
    request(cache, "/2")
    assert site.calls == calls + 1


def test_streaming_and_unsized_responses_pass_through(site, clock):
    def stream(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/event-stream"), ("Cache-Control", "public")])
        yield b"data: 1\n\n"
        yield b"data: 2\n\n"

    cache = PageCache(stream, ttl=5, clock=clock)
    _status, headers, body = request(cache, "/live/stream")
    assert body == b"data: 1\n\ndata: 2\n\n"
    assert "X-Page-Cache" not in headers


class SlowSite(Site):
    """Blocks each render until the test releases it, to hold a render in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def __call__(self, environ, start_response):
        self.entered.set()
        self.release.wait(5)
        return super().__call__(environ, start_response)


def in_threads(count, target):
    results = [None] * count

    def run(index):
        results[index] = target()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, results


def test_concurrent_misses_render_once(clock):
    site = SlowSite()
    cache = PageCache(site, ttl=5, clock=clock)
    threads, results = in_threads(8, lambda: request(cache, "/"))
    assert site.entered.wait(5)
    time.sleep(0.1)  # let the other seven arrive and wait
    site.release.set()
    for thread in threads:
        thread.join(5)
    assert site.calls == 1
    assert {r[2] for r in results} == {b"<p>page</p> #1"}


def test_an_expired_page_is_served_stale_while_one_thread_refreshes(clock):
    site = SlowSite()
    site.release.set()
    cache = PageCache(site, ttl=5, clock=clock)
    request(cache, "/")
    clock.now += 6  # expired, but within one more lifetime
    site.release.clear()
    site.entered.clear()
    threads, results = in_threads(1, lambda: request(cache, "/"))
    assert site.entered.wait(5)
    _status, headers, body = request(cache, "/")
    assert headers["X-Page-Cache"] == "STALE"
    assert body == b"<p>page</p> #1"
    site.release.set()
    threads[0].join(5)
    assert results[0][2] == b"<p>page</p> #2"
    assert request(cache, "/")[1]["X-Page-Cache"] == "HIT"
    clock.now += 11  # past expiry plus a lifetime: never served, rendered afresh
    assert request(cache, "/")[2] == b"<p>page</p> #3"


def test_uncacheable_pages_do_not_make_readers_queue(site, clock):
    site.headers = [("Cache-Control", "private")]
    cache = PageCache(site, ttl=5, clock=clock)
    request(cache, "/account")
    key = cache._key(environ_for("/account"))
    assert key is not None
    assert cache._lookup(key, renders=True)[0] == "pass"  # no render slot taken: nobody waits behind it
    request(cache, "/account")
    assert site.calls == 2


def environ_for(path):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path}
    setup_testing_defaults(environ)
    return environ


def test_keyed_on_what_the_page_varies_on(cache, site):
    request(cache, "/plain", accept_language="fr")
    request(cache, "/plain", accept_language="de")
    assert site.calls == 1  # no Vary: one copy for everyone
    site.headers = [("Cache-Control", "public, max-age=60"), ("Vary", "Accept-Language")]
    french = request(cache, "/varies", accept_language="fr")[2]
    assert request(cache, "/varies", accept_language="fr")[2] == french
    german = request(cache, "/varies", accept_language="de")[2]
    assert german != french
    assert request(cache, "/varies", accept_language="de")[2] == german
    assert site.calls == 3  # /plain once; /varies once per language (the first answer teaches the key)
