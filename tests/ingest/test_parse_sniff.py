"""looks_like_feed, the encoding rules, and the arguments of parse_feed."""

from __future__ import annotations

import codecs

import pytest

from newsdesk.ingest.stages.parse import looks_like_feed, parse_feed

URL = "https://sniff.example/feed"
RSS = '<rss version="2.0"><channel><title>{}</title><item><title>x</title></item></channel></rss>'


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"><channel/></rss>', None),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "text/html"),
        (b'<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"/>', None),
        (b'<rdf:RDF xmlns:rdf="x" xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>', None),
        (b'<rdf:RDF xmlns="http://my.netscape.com/rdf/simple/0.9/"></rdf:RDF>', None),
        (b'\n {"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/json"),
        (b'{"items": []}', "application/feed+json; charset=utf-8"),
        (codecs.BOM_UTF16_LE + '<rss version="2.0"/>'.encode("utf-16-le"), None),
    ],
)
def test_feeds_are_recognised(content: bytes, content_type: str | None) -> None:
    assert looks_like_feed(content, content_type)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"<!DOCTYPE html>\n<html><head><title>Home</title></head></html>", "application/rss+xml"),
        (
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description/></rdf:RDF>',
            None,
        ),
        (b'{"status": "ok", "items": []}', "application/json"),
        (b"", None),
        (b"\xff\xd8\xff\xe0 a JPEG, not a feed", "image/jpeg"),
        (b"<sitemapindex><sitemap/></sitemapindex>", "application/xml"),
    ],
)
def test_other_things_are_not_feeds(content: bytes, content_type: str | None) -> None:
    assert not looks_like_feed(content, content_type)


def _title(content: bytes, charset: str | None = None) -> str:
    return parse_feed(content, url=URL, charset=charset).title


def test_a_bom_beats_the_http_charset() -> None:
    content = codecs.BOM_UTF8 + RSS.format("Ёлка на площади").encode("utf-8")
    assert _title(content, charset="windows-1251") == "Ёлка на площади"


def test_utf16_without_a_bom_is_recognised_by_its_zero_bytes() -> None:
    assert _title(RSS.format("Ωmega café").encode("utf-16-le")) == "Ωmega café"
    assert _title(RSS.format("Ωmega café").encode("utf-16-be")) == "Ωmega café"


def test_a_utf16_declaration_on_single_byte_text_is_ignored() -> None:
    content = ('<?xml version="1.0" encoding="UTF-16"?>' + RSS.format("Straße")).encode("utf-8")
    assert _title(content) == "Straße"


def test_one_stray_windows_1252_byte_does_not_spoil_the_utf8_around_it() -> None:
    content = RSS.format("Zürich — ").encode("utf-8").replace(b"\xe2\x80\x94", b"\x97")
    assert _title(content) == "Zürich —"


@pytest.mark.parametrize("charset", ["x-no-such-charset", "zlib", "base64", "rot13", "utf-7", ""])
def test_unusable_charsets_are_ignored(charset: str) -> None:
    assert _title(RSS.format("Café olé").encode("utf-8"), charset=charset) == "Café olé"


def test_the_http_charset_is_used_when_the_bytes_fit_it() -> None:
    content = RSS.format("Газета").encode("koi8-r")
    assert _title(content, charset="KOI8-R") == "Газета"
    assert _title(content) != "Газета"  # without it, the bytes are read as windows-1252


def test_json_is_recognised_by_its_first_character_whatever_the_content_type() -> None:
    content = b'\xef\xbb\xbf  {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}'
    feed = parse_feed(content, url=URL, content_type="text/html")
    assert (feed.format, feed.title) == ("json11", "T")


def test_xml_served_as_json_is_still_read_as_xml() -> None:
    feed = parse_feed(RSS.format("Mislabelled").encode(), url=URL, content_type="application/json")
    assert (feed.format, feed.title) == ("rss20", "Mislabelled")


@pytest.mark.parametrize(("max_entries", "kept"), [(0, 0), (-5, 0), (2, 2), (200, 6)])
def test_max_entries_caps_the_entries_but_not_the_count(max_entries: int, kept: int) -> None:
    items = "".join(f"<item><title>Story {n}</title></item>" for n in range(6))
    content = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    feed = parse_feed(content, url=URL, max_entries=max_entries)
    assert [e.title for e in feed.entries] == [f"Story {n}" for n in range(kept)]
    assert feed.total_entries == 6


@pytest.mark.parametrize(("ttl", "minutes"), [("60", 60), (" 15 ", 15), ("0", None), ("-5", None),
                                              ("soon", None), ("²", None), ("99999999", None)])  # fmt: skip
def test_ttl_is_a_positive_number_of_minutes_or_none(ttl: str, minutes: int | None) -> None:
    content = f'<rss version="2.0"><channel><title>t</title><ttl>{ttl}</ttl></channel></rss>'.encode()
    assert parse_feed(content, url=URL).ttl_minutes == minutes
