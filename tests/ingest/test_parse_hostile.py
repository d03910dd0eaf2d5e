"""Hostile feeds: entity tricks, oversized input and fuzzing. Only ParseError may come out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.ingest.stages.parse import MAX_FEED_BYTES, MAX_TAGS, parse_feed
from newsdesk.types import ParsedFeed, ParseError
from tests.support import LoopbackServer, reply

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
URL = "https://hostile.example/feed.xml"


def _rss(doctype: str, title: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n<rss version="2.0"><channel>'
        f"<title>{title}</title><item><title>Only item</title></item></channel></rss>"
    ).encode()


def test_billion_laughs_is_not_expanded() -> None:
    feed = parse_feed((FEEDS / "billion-laughs.xml").read_bytes(), url=URL)
    assert "lollol" not in repr(feed)
    assert feed.title == "Laughing Gull Gazette &lol9;"


@pytest.fixture
def trap(tmp_path: Path) -> Iterator[tuple[LoopbackServer, Path]]:
    """A loopback server and a local file that an external entity might try to read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("MARKER-7f3a-never-in-output")
    with LoopbackServer() as server:
        server.route("/evil.dtd", reply(b'<!ENTITY leak "LEAKED-FROM-DTD">', "application/xml-dtd"))
        server.route("/steal", reply(b"LEAKED-FROM-HTTP", "text/plain"))
        yield server, secret


def test_external_entities_and_dtds_are_never_fetched(trap: tuple[LoopbackServer, Path]) -> None:
    server, secret = trap
    doctype = (
        f'<!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}" [\n'
        f'  <!ENTITY file SYSTEM "file://{secret}">\n'
        f'  <!ENTITY web SYSTEM "{server.url("/steal")}">\n'
        f'  <!ENTITY % param SYSTEM "{server.url("/evil.dtd")}">\n  %param;\n]>'
    )
    feed = parse_feed(_rss(doctype, "Door &file; &web; &leak;"), url=URL)
    assert server.connections == 0
    assert "MARKER" not in repr(feed)
    assert "LEAKED" not in repr(feed)
    assert feed.entries[0].title == "Only item"


def test_entities_our_doctype_scan_misses_meet_the_defused_parser(trap: tuple[LoopbackServer, Path]) -> None:
    """A comment holding a tag before the DOCTYPE hides it from our scan; expat must still refuse."""
    server, secret = trap
    doctype = (
        f'<!-- <not-the-root> -->\n<!DOCTYPE rss [\n  <!ENTITY file SYSTEM "file://{secret}">\n'
        f'  <!ENTITY web SYSTEM "{server.url("/steal")}">\n  <!ENTITY lol "lol">\n]>'
    )
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_feed(_rss(doctype, "&file; &web; &lol;"), url=URL)
    assert server.connections == 0


def test_a_bracket_inside_an_entity_value_does_not_end_the_doctype_early() -> None:
    doctype = '<!DOCTYPE rss [\n  <!ENTITY tricky "]>">\n  <!ENTITY lol "lol&#38;lol">\n]>'
    feed = parse_feed(_rss(doctype, "Gulls &lol; &tricky;"), url=URL)
    assert feed.title == "Gulls &lol; &tricky;"


def test_a_megabyte_title_is_capped_at_a_thousand_characters() -> None:
    feed = parse_feed((FEEDS / "huge-title.xml").read_bytes(), url=URL)
    title = feed.entries[0].title
    assert len(title) == 1000
    assert title.startswith("The longest headline the harbour has ever printed")
    assert title.endswith("…")


def test_nul_bytes_are_dropped_and_the_text_around_them_kept() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>A\x00B\x00C</title></channel></rss>', url=URL)
    assert feed.title == "ABC"


def test_input_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(ParseError, match="larger than 16 MB"):
        parse_feed(b"<rss>" + b" " * MAX_FEED_BYTES, url=URL)


def test_tag_soup_over_the_tag_limit_is_refused() -> None:
    with pytest.raises(ParseError, match="more than 500,000 tags"):
        parse_feed(b"<rss version='2.0'><channel>" + b"<a>" * MAX_TAGS, url=URL)


@pytest.mark.parametrize("content", [b"", b"   \n\t", b"\x00\x01\x02", b"{}", b"[1, 2]", b"<html></html>"])
def test_nothing_like_a_feed_raises_parse_error(content: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_feed(content, url=URL)
    assert caught.value.message.endswith(".")
    assert "\n" not in caught.value.message


def test_deeply_nested_json_is_a_parse_error_not_a_recursion_error() -> None:
    with pytest.raises(ParseError, match="not valid JSON"):
        parse_feed(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, url=URL)


# ---- fuzzing ------------------------------------------------------------------------------------


def _is_seed(path: Path) -> bool:
    sidecar = path.name.endswith((".expected.json", ".meta.json"))
    return path.suffix in {".xml", ".json"} and not sidecar and path.stat().st_size < 100_000


SEEDS = [p.read_bytes() for p in sorted(FEEDS.iterdir()) if _is_seed(p)]


def _mutate(seed: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, how many bytes to remove, bytes to insert) edits to a valid feed."""
    data = bytearray(seed)
    for position, remove, insert in edits:
        at = position % (len(data) + 1)
        data[at : at + remove] = insert
    return bytes(data)


def _splice(seed: bytes, junk: bytes, position: int) -> bytes:
    at = position % len(seed)
    return seed[:at] + junk + seed[at:]


EDITS = st.tuples(st.integers(0, 1 << 16), st.integers(0, 8), st.binary(max_size=12))
MUTATED = st.builds(_mutate, st.sampled_from(SEEDS), st.lists(EDITS, min_size=1, max_size=6))
JUNK = [b"<", b">", b"&", b"]]>", b"<![CDATA[", b"<!DOCTYPE x [", b'"', b"\x00", b"\xff\xfe", b"&#xD800;"]
SPLICED = st.builds(_splice, st.sampled_from(SEEDS), st.sampled_from(JUNK), st.integers(0, 1 << 16))


def _check_invariants(feed: ParsedFeed, max_entries: int) -> None:
    assert len(feed.entries) <= max_entries <= 200
    assert feed.total_entries >= len(feed.entries)
    for entry in feed.entries:
        assert len(entry.title) <= 1000
        assert "\x00" not in entry.title + entry.summary_html + entry.content_html
        for moment in (entry.published, entry.updated):
            assert moment is None or moment.tzinfo is UTC
        for url in (entry.link, entry.image, *(e.url for e in entry.enclosures)):
            assert url is None or url.startswith(("http://", "https://"))


def _parse_or_error(content: bytes, max_entries: int = 200) -> None:
    try:
        feed = parse_feed(content, url=URL, max_entries=max_entries)
    except ParseError as exc:
        message = exc.message
    else:
        _check_invariants(feed, max_entries)
        return
    assert message
    assert "\n" not in message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_raise_nothing_but_parse_error(content: bytes) -> None:
    _parse_or_error(content)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(MUTATED, SPLICED), st.integers(0, 200))
def test_mutated_feeds_raise_nothing_but_parse_error(content: bytes, max_entries: int) -> None:
    _parse_or_error(content, max_entries)
