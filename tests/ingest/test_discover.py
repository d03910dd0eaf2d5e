"""Feed autodiscovery on pages written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.ingest.stages.discover import find_feed_links

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>The Harbourside Gazette</title>
<link rel="stylesheet" href="/site.css">
<link rel="alternate" hreflang="cy" href="/cy/">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/77">
<link rel="alternate" type="application/rss+xml" title="Gazette » Comments Feed" href="/comments/feed/">
<link rel="alternate" type="text/xml" href="/legacy.xml">
<link rel="alternate" type="application/rss+xml" title="Gazette » Feed" href="/feed/">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://harbourside.example/atom.xml">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body><p>Ferries, fish and the council.</p></body></html>
"""


def test_feed_links_come_back_absolute_best_first_in_document_order() -> None:
    links = find_feed_links(PAGE, "https://harbourside.example/news/today.html")
    assert links == [
        "https://harbourside.example/feed/",
        "https://harbourside.example/atom.xml",
        "https://harbourside.example/news/feed.json",
        "https://harbourside.example/legacy.xml",
        "https://harbourside.example/comments/feed/",
    ]


def test_bytes_are_read_with_the_charset_the_page_declares() -> None:
    page = (
        '<html><head><meta charset="windows-1251"><title>Вести</title>'
        '<link rel="alternate" type="application/rss+xml" href="/лента.xml"></head></html>'
    ).encode("cp1251")
    assert find_feed_links(page, "https://vesti.example/") == ["https://vesti.example/лента.xml"]


def test_base_element_changes_where_relative_links_point() -> None:
    page = (
        '<html><head><base href="https://cdn.tidewater.example/culture/">'
        '<link rel="alternate" type="application/atom+xml" href="feed.atom"></head></html>'
    )
    assert find_feed_links(page, "https://tidewater.example/") == [
        "https://cdn.tidewater.example/culture/feed.atom"
    ]


def test_a_str_page_with_an_xml_declaration_is_read() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
        '<link rel="alternate" type="application/rss+xml" href="/rss"/></head></html>'
    )
    assert find_feed_links(page, "https://old-xhtml.example/a/") == ["https://old-xhtml.example/rss"]


@pytest.mark.parametrize(
    "page",
    ["", "   ", b"", "<html><head><title>No feeds</title></head></html>", "\x00\x00<<<>>>", "plain text"],
)
def test_pages_without_feeds_give_an_empty_list(page: str | bytes) -> None:
    assert find_feed_links(page, "https://quiet.example/") == []


def _spliced(cut: int, junk: str) -> str:
    return PAGE[:cut] + junk + PAGE[cut:]


PAGES = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000),
    st.builds(_spliced, st.integers(0, len(PAGE)), st.text(max_size=40)),
)


@settings(max_examples=300, deadline=None)
@given(PAGES)
def test_any_input_gives_a_list_of_absolute_http_urls(page: bytes | str) -> None:
    links = find_feed_links(page, "https://fuzz.example/page")
    assert all(link.startswith(("http://", "https://")) for link in links)
