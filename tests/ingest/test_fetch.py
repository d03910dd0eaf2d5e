"""Fetching from a real HTTP server on loopback: bodies, encodings, conditional GET, headers, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from newsdesk.core.clock import FrozenClock
from newsdesk.ingest.stages.fetch import Fetcher, FetchPolicy
from newsdesk.types import FetchError, Validators
from tests.support import LoopbackServer, Raw, Reply, SeenRequest, compress, reply
from tests.support.fetching import loopback_policy
from tests.support.net import free_port

STORY = (
    "<rss version='2.0'><channel><title>The Harbour Gazette</title>"
    + "".join(
        f"<item><title>Ferry timetable change {n}</title>"
        f"<description>The morning crossing number {n} now leaves ten minutes later.</description></item>"
        for n in range(600)
    )
    + "</channel></rss>"
).encode()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def fetcher(server: LoopbackServer) -> Iterator[Fetcher]:
    with Fetcher(loopback_policy(server)) as running:
        yield running


def test_plain_answer_with_type_charset_and_request_headers(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route(
        "/feed.xml", reply(STORY, "Application/RSS+XML; charset=ISO-8859-1", headers={"X-Note": "hi"})
    )
    result = fetcher.fetch(server.url("/feed.xml"))
    assert result.status == 200
    assert result.content == STORY
    assert result.url == server.url("/feed.xml")
    assert result.content_type == "application/rss+xml"
    assert result.charset == "ISO-8859-1"
    assert result.headers["x-note"] == "hi"
    sent = server.requests[0].headers
    assert sent["user-agent"] == "Newsdesk/0.1.0 (+http://newsdesk.test/; self-hosted news aggregator)"
    assert sent["accept-encoding"] == "gzip, deflate, br"
    assert "application/rss+xml" in sent["accept"]
    assert "if-none-match" not in sent


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "br"])
def test_compressed_bodies_are_decoded(server: LoopbackServer, fetcher: Fetcher, encoding: str) -> None:
    server.route("/feed.xml", reply(STORY, "application/rss+xml", encoding=encoding))
    result = fetcher.fetch(server.url("/feed.xml"))
    assert result.headers["content-encoding"] in encoding  # really sent compressed
    assert int(result.headers["content-length"]) < len(STORY) // 5
    assert result.content == STORY


def test_stacked_encodings_are_undone_in_reverse_order(server: LoopbackServer, fetcher: Fetcher) -> None:
    body = compress(compress(STORY, "gzip"), "br")
    server.route("/feed.xml", Reply(body=body, headers=(("Content-Encoding", "gzip, br"),)))
    assert fetcher.fetch(server.url("/feed.xml")).content == STORY


def test_an_encoding_we_did_not_ask_for_is_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", Reply(body=b"(*&^", headers=(("Content-Encoding", "zstd"),)))
    with pytest.raises(FetchError, match=r"^The server used a compression we did not ask for \(zstd\)\.$"):
        fetcher.fetch(server.url("/feed.xml"))


def test_damaged_gzip_gets_one_sentence(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route(
        "/feed.xml", Reply(body=b"\x1f\x8b\x08\x00garbage-here", headers=(("Content-Encoding", "gzip"),))
    )
    with pytest.raises(FetchError, match=r"^The server sent damaged compressed data\.$"):
        fetcher.fetch(server.url("/feed.xml"))


def conditional(seen: SeenRequest) -> Reply:
    """Answers 304 to a request carrying this resource's current ETag or date."""
    current = {"ETag": '"v7"', "Last-Modified": "Tue, 03 Mar 2026 08:00:00 GMT"}
    if (
        seen.headers.get("if-none-match") == '"v7"'
        or seen.headers.get("if-modified-since") == (current["Last-Modified"])
    ):
        return Reply(status=304, headers=(("ETag", '"v7"'),))
    return reply(STORY, "application/rss+xml", headers=current)


def test_conditional_get_round_trip(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", conditional)
    first = fetcher.fetch(server.url("/feed.xml"))
    assert not first.not_modified
    assert first.validators == Validators(etag='"v7"', last_modified="Tue, 03 Mar 2026 08:00:00 GMT")

    second = fetcher.fetch(server.url("/feed.xml"), validators=first.validators)
    assert second.not_modified
    assert second.status == 304
    assert second.content == b""
    assert second.validators == first.validators  # the 304 omitted Last-Modified: the old one holds
    sent = server.requests[1].headers
    assert sent["if-none-match"] == '"v7"'
    assert sent["if-modified-since"] == "Tue, 03 Mar 2026 08:00:00 GMT"


def test_stale_validators_get_the_full_body_and_new_validators(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", conditional)
    result = fetcher.fetch(server.url("/feed.xml"), validators=Validators(etag='"v6"'))
    assert not result.not_modified
    assert result.content == STORY
    assert result.validators.etag == '"v7"'


@pytest.mark.parametrize(
    ("cache_control", "expected"),
    [("public, max-age=300", 300), ('max-age="60", must-revalidate', 60), ("no-cache", None), (None, None)],
)
def test_max_age_from_cache_control(
    server: LoopbackServer, fetcher: Fetcher, cache_control: str | None, expected: int | None
) -> None:
    headers = {"Cache-Control": cache_control} if cache_control else {}
    server.route("/feed.xml", reply(STORY, "application/rss+xml", headers=headers))
    assert fetcher.fetch(server.url("/feed.xml")).max_age == expected


def test_503_carries_retry_after_seconds(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", reply("busy", status=503, headers={"Retry-After": "120"}))
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/feed.xml"))
    assert str(caught.value) == "The server answered 503 Service Unavailable."
    assert (caught.value.status, caught.value.retry_after, caught.value.permanent) == (503, 120, False)


def test_429_retry_after_as_an_http_date(server: LoopbackServer) -> None:
    clock = FrozenClock(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    later = format_datetime(clock.now + timedelta(seconds=90), usegmt=True)
    server.route("/feed.xml", reply("slow down", status=429, headers={"Retry-After": later}))
    with Fetcher(loopback_policy(server), clock=clock) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/feed.xml"))
    assert str(caught.value) == "The server answered 429 Too Many Requests."
    assert caught.value.retry_after == 90


@pytest.mark.parametrize(
    ("status", "sentence", "permanent"),
    [
        (404, "The server answered 404 Not Found.", True),
        (410, "The server answered 410 Gone.", True),
        (500, "The server answered 500 Internal Server Error.", False),
        (403, "The server answered 403 Forbidden.", False),
        (599, "The server answered with status 599.", False),
    ],
)
def test_error_statuses(
    server: LoopbackServer, fetcher: Fetcher, status: int, sentence: str, permanent: bool
) -> None:
    server.route("/feed.xml", reply("no", status=status))
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/feed.xml"))
    assert (str(caught.value), caught.value.status, caught.value.permanent) == (sentence, status, permanent)


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("ftp://files.example.test/feed.xml", "Only http and https addresses can be fetched, not ftp: ones."),
        ("file:///etc/passwd", "Only http and https addresses can be fetched, not file: ones."),
        ("javascript:alert(1)", "Only http and https addresses can be fetched, not javascript: ones."),
        ("gopher://old.example.test/", "Only http and https addresses can be fetched, not gopher: ones."),
        ("feeds.example.test/rss", "The address must start with http:// or https://."),
        ("http://", "The address is not a valid web address."),
        ("http://exa%20mple.test/", "The address is not a valid web address."),
    ],
)
def test_wrong_schemes_and_bad_addresses(fetcher: Fetcher, url: str, sentence: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert str(caught.value) == sentence
    assert caught.value.permanent


def test_connection_refused() -> None:
    port = free_port()
    policy = FetchPolicy(allowed_endpoints=frozenset({("127.0.0.1", port)}))
    with Fetcher(policy) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert str(caught.value) == "Could not connect to 127.0.0.1: connection refused."


def test_a_server_speaking_nonsense(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", Raw([b"SSH-2.0-OpenSSH_9.9\r\n\r\n"]))
    with pytest.raises(FetchError, match=r"^127\.0\.0\.1 sent a response that is not valid HTTP\.$"):
        fetcher.fetch(server.url("/feed.xml"))


def test_a_fetcher_is_reused_across_requests(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/feed.xml", reply(STORY, "application/rss+xml"))
    for _ in range(3):
        assert fetcher.fetch(server.url("/feed.xml")).content == STORY
    assert server.connections == 1  # keep-alive: one connection served all three


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        FetchPolicy(total_timeout=0)
    with pytest.raises(ValueError, match="positive"):
        FetchPolicy(per_host_concurrency=0)


def test_an_unknown_kind_is_a_programming_error(fetcher: Fetcher, server: LoopbackServer) -> None:
    with pytest.raises(ValueError, match="kind must be"):
        fetcher.fetch(server.url("/feed.xml"), kind="podcast")  # type: ignore[arg-type]
    assert server.connections == 0
