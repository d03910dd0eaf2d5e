"""The image proxy: outlets' images served from our origin, only for URLs that stored stories name."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

import pytest
from django.test import Client

from newsdesk.web import images
from tests.support.loopback import LoopbackServer, reply
from tests.support.newsroom import make_article, make_source

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"'
GOOD_SVG = SVG + b' viewBox="0 0 40 40"><rect width="40" height="40" fill="url(#g)"/></svg>'


def png(width: int, height: int) -> bytes:
    """A real, tiny PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def outlet() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        server.route("/photo.png", reply(png(32, 18), "image/png"))
        server.route("/square.png", reply(png(16, 16), "image/png"))
        server.route("/wide.png", reply(png(300, 40), "image/png"))
        server.route("/good.svg", reply(GOOD_SVG, "image/svg+xml"))
        server.route(
            "/evil.svg",
            reply(SVG + b"><script>alert(1)</script></svg>", "image/svg+xml"),
        )
        server.route("/page.html", reply(b"<!doctype html><p>not an image</p>", "text/html"))
        yield server


@pytest.fixture
def client(settings, tmp_path) -> Client:
    settings.DATA_DIR = tmp_path
    return Client()


def test_an_article_image_is_fetched_once_and_served_by_us(client, outlet: LoopbackServer) -> None:
    article = make_article(lead_image=outlet.url("/photo.png"))
    path = images.article_image_path(article)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png(32, 18)
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    again = client.get(path)
    assert again.status_code == 200
    assert outlet.paths.count("/photo.png") == 1  # the second answer came from our store
    assert client.get(path, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_only_the_url_a_story_names_is_fetched(client, outlet: LoopbackServer) -> None:
    article = make_article(lead_image=outlet.url("/photo.png"))
    forged = f"/img/a/{article.pk}/{images.url_key(outlet.url('/page.html'))}/"
    assert client.get(forged).status_code == 404
    assert client.get(f"/img/a/999999/{images.url_key(outlet.url('/photo.png'))}/").status_code == 404
    quarantined = make_article(lead_image=outlet.url("/square.png"), status="quarantined")
    assert (
        client.get(f"/img/a/{quarantined.pk}/{images.url_key(outlet.url('/square.png'))}/").status_code == 404
    )
    assert outlet.requests == []


def test_what_is_not_an_image_is_refused_and_not_asked_again_soon(client, outlet: LoopbackServer) -> None:
    for name in ("/page.html", "/evil.svg"):
        article = make_article(lead_image=outlet.url(name))
        path = images.article_image_path(article)
        assert client.get(path).status_code == 404
        assert client.get(path).status_code == 404
        assert outlet.paths.count(name) == 1


def test_a_plain_svg_is_served_sandboxed(client, outlet: LoopbackServer) -> None:
    article = make_article(lead_image=outlet.url("/good.svg"))
    response = client.get(images.article_image_path(article))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_ssrf_guard_holds_for_images(client, settings, outlet: LoopbackServer) -> None:
    settings.NEWSDESK_INGEST = {**settings.NEWSDESK_INGEST, "ALLOW_PRIVATE_NETWORKS": False}
    article = make_article(lead_image=outlet.url("/photo.png"))
    assert client.get(images.article_image_path(article)).status_code == 404
    assert outlet.connections == 0


def test_source_icons_square_or_a_monogram(client, outlet: LoopbackServer) -> None:
    square = make_source("Harbour Light", icon_url=outlet.url("/square.png"))
    response = client.get(images.source_icon_path(square))
    assert response["Content-Type"] == "image/png"
    wide = make_source("The Harbour Light", icon_url=outlet.url("/wide.png"))
    response = client.get(images.source_icon_path(wide))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b">HL</text>" in response.content
    dead = make_source("Dead Link Daily", icon_url=outlet.url("/missing.png"))
    assert b">DL</text>" in client.get(images.source_icon_path(dead)).content


def test_pages_point_at_our_copies_only(client, outlet: LoopbackServer) -> None:
    source = make_source("Icon Times", icon_url=outlet.url("/square.png"))
    make_article(source, title="Picture story", lead_image=outlet.url("/photo.png"))
    make_article(source, title="Bad image", lead_image="javascript:alert(1)")
    html = Client().get("/").content.decode()
    assert outlet.url("/") not in html
    assert "javascript:" not in html
    assert "/img/a/" in html
    assert "/img/s/" in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [(png(2, 2), "image/png"), (b"\xff\xd8\xff\xe0rest", "image/jpeg"), (b"GIF89a....", "image/gif"),
     (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"), (b"\x00\x00\x00\x1cftypavif", "image/avif"),
     (GOOD_SVG, "image/svg+xml"), (b"<html></html>", None), (b"", None),
     (SVG + b'><rect onload="x()"/></svg>', None),
     (SVG + b'><image href="http://tracker.test/x.png"/></svg>', None),
     (SVG + b'><style>@import url(http://x.test/a.css);</style></svg>', None),
     (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]>' + SVG + b"/>", None),
     (SVG + b'><foreignObject><p>x</p></foreignObject></svg>', None)],
)  # fmt: skip
def test_sniffing(data: bytes, expected: str | None) -> None:
    assert images.sniff(data) == expected


def test_icon_shapes() -> None:
    assert images.image_size(png(300, 40), "image/png") == (300.0, 40.0)
    assert images.fits_icon((64, 64))
    assert images.fits_icon((64, 48))
    assert images.fits_icon(None)
    assert not images.fits_icon((480, 80))
    assert images.image_size(SVG + b' viewBox="0 0 480 80"/>', "image/svg+xml") == (480.0, 80.0)
