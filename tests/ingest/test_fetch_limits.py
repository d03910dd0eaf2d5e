"""The fetcher's limits against hostile servers: size caps, bombs, slowloris, redirects, concurrency."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from newsdesk.ingest.stages.fetch import Fetcher, FetchPolicy
from newsdesk.types import FetchError
from tests.support import LoopbackServer, Raw, Reply, bomb, drip, redirect, reply
from tests.support.fetching import TableResolver, loopback_policy


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def fetch_error(policy: FetchPolicy, url: str) -> str:
    """The one sentence a failing fetch raises."""
    with Fetcher(policy) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    return str(caught.value)


# ---- size --------------------------------------------------------------------------------


def test_a_body_at_the_cap_is_fine_one_byte_more_is_not(server: LoopbackServer) -> None:
    server.route("/fits", reply(b"a" * 1000))
    server.route("/over", reply(b"a" * 1001))
    with Fetcher(loopback_policy(server, max_body_bytes=1000)) as fetcher:
        assert len(fetcher.fetch(server.url("/fits")).content) == 1000
        with pytest.raises(FetchError) as caught:
            fetcher.fetch(server.url("/over"))
    assert str(caught.value) == "The response is larger than 1 KB."
    assert caught.value.status == 200


def test_a_body_without_length_is_counted_as_it_comes(server: LoopbackServer) -> None:
    chunks = [b"b" * 4096 for _ in range(100)]
    server.route("/stream", Reply(body=chunks))  # chunked, no Content-Length
    assert (
        fetch_error(loopback_policy(server, max_body_bytes=50_000), server.url("/stream"))
        == "The response is larger than 50 KB."
    )


def test_a_lying_content_length_is_refused_before_reading(server: LoopbackServer) -> None:
    server.route("/huge", Raw([b"HTTP/1.1 200 OK\r\nContent-Length: 50000000000\r\n\r\n", b"x" * 10]))
    assert fetch_error(loopback_policy(server), server.url("/huge")) == "The response is larger than 10 MB."


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_decompression_bomb_is_stopped_with_little_memory(server: LoopbackServer, encoding: str) -> None:
    """100 MB of zeros, compressed to a few hundred KB (gzip) or a few KB (brotli)."""
    server.route("/bomb.xml", bomb(100_000_000, encoding))
    with Fetcher(loopback_policy(server, max_body_bytes=1_000_000)) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match=r"^The response is larger than 1 MB\.$"):
                fetcher.fetch(server.url("/bomb.xml"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 6_000_000, f"peak {peak} bytes while refusing a 100 MB bomb"


# ---- time --------------------------------------------------------------------------------


def test_a_dripping_body_is_cut_off_at_the_total_time(server: LoopbackServer) -> None:
    server.route("/drip.xml", drip(b"<rss>" + b" " * 200 + b"</rss>", interval=0.05))  # ~10 s in all
    policy = loopback_policy(server, total_timeout=1.0, read_timeout=5.0)
    with Fetcher(policy) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            fetcher.fetch(server.url("/drip.xml"))
        elapsed = time.monotonic() - started
    assert str(caught.value) == "The server took longer than 1 second to answer."
    assert 0.9 < elapsed < 2.5


def test_dripping_headers_are_cut_off_too(server: LoopbackServer) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nX-Filler: " + b"z" * 200 + b"\r\n\r\n"
    server.route("/drip.xml", Raw([head[i : i + 1] for i in range(len(head))], interval=0.05))
    with Fetcher(loopback_policy(server, total_timeout=0.8, read_timeout=5.0)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^The server took longer than 0\.8 seconds to answer\.$"):
            fetcher.fetch(server.url("/drip.xml"))
    assert time.monotonic() - started < 2.5


def test_a_silent_server_hits_the_read_timeout(server: LoopbackServer) -> None:
    server.route("/feed.xml", Reply(body=b"late", delay=3.0))
    with Fetcher(loopback_policy(server, read_timeout=0.5, total_timeout=10)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^The connection timed out after 0\.5 seconds\.$"):
            fetcher.fetch(server.url("/feed.xml"))
    assert time.monotonic() - started < 2.0


# ---- redirects ---------------------------------------------------------------------------


def test_a_redirect_chain_is_followed(server: LoopbackServer) -> None:
    server.route("/old", redirect("/older", status=301))
    server.route("/older", redirect(server.url("/moved?x=1"), status=307))
    server.route("/moved", redirect("final.xml#top", status=308))
    server.route("/final.xml", reply("<rss/>", "application/rss+xml"))
    with Fetcher(loopback_policy(server)) as fetcher:
        result = fetcher.fetch(server.url("/old"))
    assert result.url == server.url("/final.xml")
    assert result.content == b"<rss/>"
    assert server.paths == ["/old", "/older", "/moved?x=1", "/final.xml"]


def test_a_redirect_loop_is_reported_as_one(server: LoopbackServer) -> None:
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))
    assert fetch_error(loopback_policy(server), server.url("/a")) == "The address redirects in a loop."
    assert server.paths == ["/a", "/b"]


def chain(server: LoopbackServer, hops: int) -> str:
    for n in range(hops):
        server.route(f"/hop{n}", redirect(f"/hop{n + 1}"))
    server.route(f"/hop{hops}", reply("<rss/>"))
    return server.url("/hop0")


def test_five_redirects_are_allowed(server: LoopbackServer) -> None:
    with Fetcher(loopback_policy(server)) as fetcher:
        assert fetcher.fetch(chain(server, 5)).url.endswith("/hop5")


def test_six_redirects_are_too_many(server: LoopbackServer) -> None:
    assert fetch_error(loopback_policy(server), chain(server, 6)) == "Too many redirects."
    assert len(server.requests) == 6  # the sixth redirect is not followed


def test_a_redirect_to_another_scheme_is_refused(server: LoopbackServer) -> None:
    server.route("/feed", redirect("ftp://files.example.test/feed.xml"))
    with (
        Fetcher(loopback_policy(server)) as fetcher,
        pytest.raises(FetchError, match=r"^The server redirected to an address that is not http or https\.$"),
    ):
        fetcher.fetch(server.url("/feed"))


def test_a_redirect_without_location_is_an_error(server: LoopbackServer) -> None:
    server.route("/feed", Reply(status=302))
    assert fetch_error(loopback_policy(server), server.url("/feed")) == "The server answered 302 Found."


# ---- per-host concurrency ----------------------------------------------------------------


def fetch_all(fetcher: Fetcher, urls: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        for result in pool.map(fetcher.fetch, urls):
            assert result.content == b"ok"


@pytest.mark.parametrize(("limit", "expected"), [(2, 2), (4, 4)])
def test_per_host_limit_holds_across_threads(server: LoopbackServer, limit: int, expected: int) -> None:
    server.route("/slow", Reply(body=b"ok", delay=0.2))
    with Fetcher(loopback_policy(server, per_host_concurrency=limit)) as fetcher:
        fetch_all(fetcher, [server.url("/slow") for _ in range(8)])
    assert server.max_concurrent == expected


def test_the_limit_is_per_host_not_global(server: LoopbackServer) -> None:
    """Two made-up names for the same loopback server: one request at a time each, two in all."""
    server.route("/slow", Reply(body=b"ok", delay=0.2))
    names = TableResolver({"a.example.test": "127.0.0.1", "b.example.test": "127.0.0.1"})
    urls = [server.url("/slow", host=name) for name in ["a.example.test", "b.example.test"] * 4]
    with Fetcher(loopback_policy(server, per_host_concurrency=1), resolve=names) as fetcher:
        fetch_all(fetcher, urls)
    assert server.max_concurrent == 2
