"""A feed of 100,000 entries costs what `max_entries` entries cost: the text is cut before parsing."""

from __future__ import annotations

import pytest

from newsdesk.ingest.stages.parse import parse_feed

URL = "http://outlet.test/feed"
N = 100_000


def rss(n: int) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>http://outlet.test/{i}</link></item>" for i in range(n)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>'
    return f"{head}{items}</channel></rss>".encode()


def atom(n: int) -> bytes:
    entries = "".join(
        f'<entry><title>Entry {i}</title><id>urn:e:{i}</id><link href="http://outlet.test/{i}"/></entry>'
        for i in range(n)
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Many</title>{entries}</feed>'.encode()


def rdf(n: int) -> bytes:
    items = "".join(
        f'<item rdf:about="http://outlet.test/{i}"><title>Item {i}</title><link>http://outlet.test/{i}</link></item>'
        for i in range(n)
    )
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
        f'<channel rdf:about="http://outlet.test/"><title>Many</title></channel>{items}</rdf:RDF>'
    ).encode()


@pytest.mark.parametrize("build", [rss, atom, rdf], ids=["rss", "atom", "rdf"])
def test_only_the_first_entries_are_parsed(build) -> None:
    feed = parse_feed(build(N), url=URL, max_entries=50)
    assert len(feed.entries) == 50
    assert feed.entries[0].title.endswith(" 0")
    assert feed.entries[-1].title.endswith(" 49")
    assert feed.total_entries == N
    assert feed.title == "Many"


@pytest.mark.parametrize("build", [rss, atom, rdf], ids=["rss", "atom", "rdf"])
def test_a_feed_within_the_cap_is_read_whole(build) -> None:
    feed = parse_feed(build(50), url=URL, max_entries=50)
    assert len(feed.entries) == feed.total_entries == 50


def test_a_cap_of_zero_reads_the_channel_only() -> None:
    feed = parse_feed(rss(10), url=URL, max_entries=0)
    assert feed.entries == ()
    assert feed.title == "Many"
    assert feed.total_entries == 10
