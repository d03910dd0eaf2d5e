"""Each outlet's feed parses, links absolutely, and tells the story the outlet's pages tell."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import httpx
import pytest
from defusedxml import ElementTree

from newsdesk_demo.content import load_outlets
from newsdesk_demo.server import DemoServer

OUTLETS = load_outlets()
EXPECTED_VERSION = {"courier": "rss20", "coastline": "atom10", "bulletin": "rss20"}


@pytest.mark.parametrize("outlet", [o for o in OUTLETS if o.feed != "json"], ids=lambda o: o.slug)
def test_xml_feeds_parse_with_feedparser_and_link_absolutely(
    outlet, demo: DemoServer, client: httpx.Client
) -> None:
    response = client.get(outlet.feed_path)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == EXPECTED_VERSION[outlet.slug]
    assert parsed.feed.title == outlet.name
    visible = [s for s in outlet.all_stories() if not s.held]
    assert len(parsed.entries) == len(visible)
    for entry in parsed.entries:
        assert entry.link.startswith(demo.base_url + f"/{outlet.slug}/"), entry.link
        assert entry.title
        assert entry.published_parsed is not None
        assert entry.get("author")
        assert entry.get("tags")


def test_json_feed_follows_json_feed_1_1(demo: DemoServer, client: httpx.Client) -> None:
    # feedparser 6.0 cannot read JSON Feed, so check the spec's rules directly.
    outlet = next(o for o in OUTLETS if o.feed == "json")
    response = client.get(outlet.feed_path)
    assert response.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == outlet.name
    assert feed["feed_url"] == demo.base_url + outlet.feed_path
    assert len(feed["items"]) == len([s for s in outlet.stories if not s.held])
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert item["id"]
        assert item["url"].startswith(demo.base_url + "/gazette/")
        assert item["content_html"].count("<p>") >= 5
        assert item["image"].startswith(demo.base_url)
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
        assert 1 <= len(item["authors"]) <= 2


def test_every_feed_item_link_opens_its_article(client: httpx.Client) -> None:
    from tests.demo.helpers import entries

    for outlet in OUTLETS:
        for entry in entries(client, outlet):
            response = client.get(entry["link"])
            assert response.status_code == 200, entry["link"]
            assert entry["title"].split(":")[0] in response.text


def test_published_times_are_relative_to_start_and_spread_over_days(client: httpx.Client) -> None:
    now = datetime.now(UTC)
    response = client.get("/courier/feed.xml")
    parsed = feedparser.parse(response.content)
    ages = [now - parsedate_to_datetime(e.published) for e in parsed.entries]
    assert all(timedelta(0) <= age <= timedelta(days=3) for age in ages)
    assert min(ages) < timedelta(hours=6)
    assert max(ages) > timedelta(hours=48)


def test_rss_enclosure_length_matches_the_served_image(client: httpx.Client) -> None:
    parsed = feedparser.parse(client.get("/courier/feed.xml").content)
    for entry in parsed.entries:
        enclosure = entry.enclosures[0]
        image = client.get(enclosure.href)
        assert image.headers["content-type"].startswith("image/svg+xml")
        assert int(enclosure.length) == len(image.content)


def test_wordpress_feed_carries_full_content_and_shortlink_guids(
    client: httpx.Client, demo: DemoServer
) -> None:
    parsed = feedparser.parse(client.get("/bulletin/feed.xml").content)
    for entry in parsed.entries:
        assert entry.id.startswith(demo.base_url + "/bulletin/?p=")
        assert len(entry.content[0].value) > len(entry.summary)
        redirect = client.get(entry.id)
        assert redirect.status_code == 301
        assert entry.link.endswith(redirect.headers["location"])


def test_hacked_feed_carries_one_whole_gambling_post(client: httpx.Client) -> None:
    parsed = feedparser.parse(client.get("/bulletin/feed.xml").content)
    spam = [e for e in parsed.entries if "slot gacor" in e.title.lower()]
    assert len(spam) == 1
    assert "mahjong" in spam[0].content[0].value.lower()
    for slug in ("courier", "coastline"):
        other = feedparser.parse(
            client.get(f"/{slug}/" + ("feed.xml" if slug == "courier" else "atom.xml")).content
        )
        assert not any("slot" in e.title.lower() for e in other.entries)


def test_syndicated_copy_in_feed_carries_tracking_parameters(client: httpx.Client) -> None:
    parsed = feedparser.parse(client.get("/coastline/atom.xml").content)
    tracked = [e.link for e in parsed.entries if "utm_" in e.link]
    assert len(tracked) == 1
    assert "utm_source=" in tracked[0]
    assert "utm_medium=" in tracked[0]


def test_atom_ids_do_not_depend_on_the_port(client: httpx.Client, demo: DemoServer) -> None:
    parsed = feedparser.parse(client.get("/coastline/atom.xml").content)
    port = demo.base_url.rsplit(":", 1)[1]
    assert all(e.id.startswith("tag:") and port not in e.id for e in parsed.entries)


def test_feeds_do_not_change_each_others_namespaces(client: httpx.Client) -> None:
    before = client.get("/bulletin/feed.xml", headers={"Accept-Encoding": "identity"})
    atom = ElementTree.fromstring(client.get("/coastline/atom.xml").content)
    after = client.get("/bulletin/feed.xml", headers={"Accept-Encoding": "identity"})
    assert after.content == before.content
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed"
    rss = ElementTree.fromstring(after.content)
    assert rss.tag == "rss"
    assert rss.find("channel/item/{http://purl.org/dc/elements/1.1/}creator") is not None
    assert rss.find("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded") is not None
    assert rss.find("channel/{http://www.w3.org/2005/Atom}link").get("rel") == "self"
