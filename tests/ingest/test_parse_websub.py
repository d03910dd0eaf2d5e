"""WebSub discovery in the parse stage: hubs and the topic URL from the Link header and from the feed."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from newsdesk.ingest.stages.parse import parse_feed
from newsdesk.ingest.stages.parse.links import MAX_HUBS, parse_link_header

URL = "https://lanternbay.example/feeds/news.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Lantern Bay Post</title><link>https://lanternbay.example/</link>
<atom:link rel="hub" href="https://hub.lanternbay.example/"/>
<atom:link rel="self" type="application/rss+xml" href="/feeds/news.xml"/>
<item><title>Harbour wall repaired</title><link>https://lanternbay.example/wall</link>
<atom:link rel="hub" href="https://not-a-feed-hub.example/"/></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Tidewater Review</title><id>tag:tw,2024:feed</id>
<updated>2024-05-01T10:00:00Z</updated>
<link rel="hub" href="https://hub-one.example/"/>
<link rel="hub" href="https://hub-two.example/"/>
<link rel="hub" href="https://hub-one.example/"/>
<link rel="self" href="https://tidewater.example/atom.xml"/>
<link rel="alternate" href="https://tidewater.example/"/>
<entry><title>Ferry returns</title><id>tag:tw,2024:1</id><updated>2024-05-01T10:00:00Z</updated></entry>
</feed>"""


def _json_feed(**extra: object) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Kestrel Bay Courier",
        "items": [{"id": "1", "title": "Lifeboat day", "content_text": "Crowds on the quay."}],
        **extra,
    }
    return json.dumps(feed).encode()


def test_rss_atom_link_names_the_hub_and_self_resolved_against_the_feed() -> None:
    feed = parse_feed(RSS, url=URL)
    assert feed.hubs == ("https://hub.lanternbay.example/",)
    assert feed.self_url == "https://lanternbay.example/feeds/news.xml"


def test_atom_hubs_in_order_without_duplicates() -> None:
    feed = parse_feed(ATOM, url=URL)
    assert feed.hubs == ("https://hub-one.example/", "https://hub-two.example/")
    assert feed.self_url == "https://tidewater.example/atom.xml"


def test_json_feed_hubs_of_type_websub_and_feed_url_as_self() -> None:
    body = _json_feed(
        feed_url="https://kestrel.example/feed.json",
        hubs=[
            {"type": "rssCloud", "url": "https://cloud.example/"},
            {"type": "WebSub", "url": "https://hub.kestrel.example/"},
            {"type": "WebSub", "url": "javascript:alert(1)"},
            "not an object",
        ],
    )
    feed = parse_feed(body, url="https://kestrel.example/feed.json")
    assert feed.hubs == ("https://hub.kestrel.example/",)
    assert feed.self_url == "https://kestrel.example/feed.json"


def test_a_feed_without_a_hub_has_none() -> None:
    feed = parse_feed(_json_feed(), url="https://kestrel.example/feed.json")
    assert feed.hubs == ()
    assert feed.self_url is None


def test_the_link_header_wins_over_the_feed() -> None:
    header = '<https://push.example/hub>; rel="hub", <https://lanternbay.example/topic>; rel="self"'
    feed = parse_feed(RSS, url=URL, link_header=header)
    assert feed.hubs == ("https://push.example/hub",)
    assert feed.self_url == "https://lanternbay.example/topic"


def test_a_link_header_without_a_hub_leaves_the_feed_links() -> None:
    feed = parse_feed(RSS, url=URL, link_header='<https://lanternbay.example/>; rel="alternate"')
    assert feed.hubs == ("https://hub.lanternbay.example/",)


def test_a_header_hub_without_self_keeps_the_feeds_self() -> None:
    feed = parse_feed(RSS, url=URL, link_header="</hub>; rel=hub")
    assert feed.hubs == ("https://lanternbay.example/hub",)
    assert feed.self_url == "https://lanternbay.example/feeds/news.xml"


def test_link_header_grammar() -> None:
    header = (
        '<https://a.example/hub>; rel="hub self"; title="one, two; three", '
        "<https://b.example/x>;REL=Hub;rel=self, "
        "<https://c.example/>; title=plain, "
        '<https://d.example/>; rel="next"junk; rel=hub, '
        '<https://e.example/>; title="escaped \\" quote"; rel=hub'
    )
    assert parse_link_header(header) == [
        ("https://a.example/hub", frozenset({"hub", "self"})),
        ("https://b.example/x", frozenset({"hub"})),  # only a parameter's first occurrence counts
        ("https://d.example/", frozenset({"next"})),
        ("https://e.example/", frozenset({"hub"})),
    ]


def test_hubs_are_bounded_and_only_web_urls() -> None:
    links = ", ".join(f"<https://h{n}.example/>; rel=hub" for n in range(MAX_HUBS + 5))
    feed = parse_feed(RSS, url=URL, link_header="<ftp://files.example/>; rel=hub, " + links)
    assert len(feed.hubs) == MAX_HUBS
    assert all(hub.startswith("https://h") for hub in feed.hubs)


@given(st.text(alphabet='<>;,="\\ \tarelhubsf:/.x', max_size=200))
def test_any_header_parses_without_error(header: str) -> None:
    for target, rels in parse_link_header(header):
        assert isinstance(target, str)
        assert all(rel == rel.lower() and rel for rel in rels)
