"""The server speaks HTTP the way a well-run news site does: validators, 304s, gzip, charsets."""

from __future__ import annotations

import gzip
import http.client
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pytest

from newsdesk_demo.server import DemoServer

PATHS = (
    "/courier/feed.xml",
    "/coastline/atom.xml",
    "/gazette/feed.json",
    "/bulletin/",
    "/courier/images/logo.svg",
)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/courier/", "text/html; charset=utf-8"),
        ("/courier/feed.xml", "application/rss+xml; charset=utf-8"),
        ("/coastline/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/gazette/feed.json", "application/feed+json; charset=utf-8"),
        ("/gazette/images/logo.svg", "image/svg+xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_types_carry_a_charset(path: str, content_type: str, client: httpx.Client) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_robots_allows_everything(client: httpx.Client) -> None:
    assert client.get("/robots.txt").text == "User-agent: *\nAllow: /\n"


@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_gets_304(path: str, client: httpx.Client) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.content == first.content


@pytest.mark.parametrize("path", PATHS)
def test_if_modified_since_gets_304(path: str, client: httpx.Client) -> None:
    last_modified = client.get(path).headers["last-modified"]
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(last_modified) - timedelta(seconds=1), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: httpx.Client) -> None:
    response = client.get("/courier/feed.xml")
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": response.headers["last-modified"]}
    assert client.get("/courier/feed.xml", headers=headers).status_code == 200


def test_gzip_when_asked_and_identity_otherwise(demo: DemoServer) -> None:
    host, port = demo.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/coastline/atom.xml", headers={"Accept-Encoding": "gzip"})
    zipped = connection.getresponse()
    zipped_body = zipped.read()
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert zipped.getheader("Vary") == "Accept-Encoding"
    connection.request("GET", "/coastline/atom.xml", headers={"Accept-Encoding": "identity"})
    plain = connection.getresponse()
    plain_body = plain.read()
    connection.close()
    assert plain.getheader("Content-Encoding") is None
    assert gzip.decompress(zipped_body) == plain_body
    assert len(zipped_body) < len(plain_body) / 2
    assert zipped.getheader("ETag") != plain.getheader("ETag")


def test_head_sends_headers_only(client: httpx.Client) -> None:
    get = client.get("/courier/", headers={"Accept-Encoding": "identity"})
    head = client.head("/courier/", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["etag"] == get.headers["etag"]


def test_post_is_refused_plainly(client: httpx.Client) -> None:
    response = client.post("/courier/comments/", data={"comment": "hello"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.text == "This demo site accepts no submissions.\n"
    # The unread body ends the connection; the header tells the client not to reuse it.
    assert response.headers["connection"] == "close"
    assert client.get("/gazette/").status_code == 200


def test_missing_trailing_slash_redirects(client: httpx.Client) -> None:
    response = client.get("/gazette")
    assert response.status_code == 301
    assert response.headers["location"] == "/gazette/"


def test_feeds_tell_fetchers_how_long_to_wait(client: httpx.Client) -> None:
    assert client.get("/courier/feed.xml").headers["cache-control"] == "public, max-age=60"
    assert client.get("/courier/images/logo.svg").headers["cache-control"] == "public, max-age=86400"
