"""Outgoing feeds, read back with feedparser (and, for JSON Feed, checked against the 1.1 spec's rules)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import feedparser
import pytest
from django.test import Client

from newsdesk.core import links
from newsdesk.ingest.stages.parse import parse_feed
from newsdesk.types import ArticleDraft, ParsedFeed
from newsdesk.web.feeds import items as written
from tests.support.newsroom import make_article

from .seed import Newsroom

pytestmark = pytest.mark.django_db

SECRET = "This closing sentence is only in the full text and must never leave the site."
VERSIONS = {"rss": "rss20", "atom": "atom10", "json": "json11"}
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}


@pytest.fixture
def client() -> Client:
    return Client()


def _parse(client: Client, url: str, fmt: str) -> tuple[Any, ParsedFeed]:
    """The feed read back: RSS and Atom must be well-formed to feedparser; every format is then read by
    our own ingest parser (feedparser 6 has no JSON Feed support), whose result the tests inspect."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(TYPES[fmt])
    if fmt != "json":
        strict = feedparser.parse(response.content)
        assert not strict.bozo, strict.get("bozo_exception")
        assert strict.version == VERSIONS[fmt]
    parsed = parse_feed(response.content, url=links.absolute(url), content_type=response["Content-Type"])
    assert parsed.format == VERSIONS[fmt]
    return response, parsed


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_latest_feed_has_the_required_elements(client, newsroom: Newsroom, fmt: str) -> None:
    _, parsed = _parse(client, f"/feeds/latest.{fmt}", fmt)
    assert parsed.title == "Newsdesk: latest news"
    assert parsed.link == links.absolute("/")
    published = list(newsroom.articles)
    assert len(parsed.entries) == min(len(published), 30)
    newest = sorted(published, key=lambda a: (a.published, a.pk), reverse=True)[0]
    first = parsed.entries[0]
    assert first.title == newest.title
    assert first.link == links.absolute(links.article_path(newest.pk, newest.title))
    assert first.published is not None
    assert abs(first.published - newest.published) < timedelta(seconds=1)
    assert all(entry.title != newsroom.quarantined.title for entry in parsed.entries)


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_items_carry_the_excerpt_and_read_more_never_the_text(client, fmt: str) -> None:
    article = make_article(
        title="Pier lights restored", authors=["Ana Ruiz"],
        text="The pier lights were switched on again on Friday evening. " * 12 + SECRET,
        excerpt="The pier lights were switched on again on Friday evening…",
    )  # fmt: skip
    response, parsed = _parse(client, f"/feeds/latest.{fmt}", fmt)
    assert SECRET not in response.content.decode()
    entry = parsed.entries[0]
    body = entry.content_html or entry.summary_html
    assert "The pier lights were switched on again" in body
    assert f'href="{article.url}"' in body
    assert "Read More: Pier lights restored" in body
    assert entry.authors == ("Ana Ruiz",)


def test_atom_feed_names_an_author_for_entries_without_one(client, newsroom: Newsroom) -> None:
    from defusedxml import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(client.get("/feeds/latest.atom").content)
    assert root.find(f"{atom}author/{atom}name").text == "Newsdesk"
    assert root.find(f"{atom}id").text
    assert root.find(f"{atom}updated").text
    for entry in root.findall(f"{atom}entry"):
        assert entry.find(f"{atom}id").text
        assert entry.find(f"{atom}updated").text
        assert entry.find(f"{atom}link").get("href").startswith("http")


def test_json_feed_follows_version_1_1(client, newsroom: Newsroom) -> None:
    data = json.loads(client.get("/feeds/latest.json").content)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == links.absolute("/feeds/latest.json")
    assert data["home_page_url"] == links.absolute("/")
    for item in data["items"]:
        assert item["id"]
        assert item["url"].startswith("http")
        assert "content_html" in item or "content_text" in item
        assert all(set(author) == {"name"} for author in item.get("authors", []))
    with_image = next(item for item in data["items"] if "image" in item)
    assert "/img/a/" in with_image["image"]
    by_url = {item["url"]: item for item in data["items"]}
    article = newsroom.articles[0]
    item = by_url[links.absolute(links.article_path(article.pk, article.title))]
    assert item["external_url"] == article.url
    assert sorted(item["tags"]) == sorted(article.topics.values_list("name", flat=True))


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_source_topic_and_search_feeds(client, newsroom: Newsroom, fmt: str) -> None:
    source = newsroom.sources[1]
    _, parsed = _parse(client, f"/feeds/source/{source.pk}.{fmt}", fmt)
    ours = {a.title for a in newsroom.articles if a.source_id == source.pk}
    assert parsed.entries
    assert {e.title for e in parsed.entries} <= ours
    _, parsed = _parse(client, f"/feeds/topic/transport.{fmt}", fmt)
    transport = set(
        newsroom.topics["Transport"].articles.filter(status="published").values_list("title", flat=True)
    )
    assert parsed.entries
    assert {e.title for e in parsed.entries} <= transport
    _, parsed = _parse(client, f"/feeds/search.{fmt}?q=turbines", fmt)
    assert any("wind farm" in e.title for e in parsed.entries)


def test_feeds_for_things_that_do_not_exist_are_404(client, newsroom: Newsroom) -> None:
    assert client.get("/feeds/source/99999.rss").status_code == 404
    assert client.get("/feeds/topic/nothing.atom").status_code == 404
    assert client.get("/feeds/search.json").status_code == 404
    assert client.get("/feeds/search.json?q=%22%28").status_code == 404
    assert client.get("/feeds/latest.xml").status_code == 404


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/", "/feeds/latest.rss"), ("/topic/transport/", "/feeds/topic/transport.atom"),
     ("/search?q=harbour", "/feeds/search.json?q=harbour"), ("/topics/", "/feeds/latest.json"),
     ("/sources/", "/feeds/latest.rss")],
)  # fmt: skip
def test_every_page_advertises_its_feeds(client, newsroom: Newsroom, path: str, expected: str) -> None:
    html = client.get(path).content.decode()
    assert f'href="{expected}"' in html
    assert html.count('<link rel="alternate"') >= 3


def test_article_and_source_pages_advertise_feeds(client, newsroom: Newsroom) -> None:
    article, source = newsroom.articles[0], newsroom.sources[0]
    assert (
        'rel="alternate" type="application/rss+xml"'
        in client.get(links.article_path(article.pk, article.title)).content.decode()
    )
    html = client.get(links.source_path(source.pk, source.name)).content.decode()
    assert f'href="/feeds/source/{source.pk}.rss"' in html


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_slim_feed_rows_give_the_same_bytes_as_whole_articles(
    client, monkeypatch, newsroom: Newsroom, fmt
) -> None:
    """The feeds read only the columns they show and topic names from the link table; the bytes are the
    same as from whole articles with their topics prefetched (the way they were read before)."""
    from newsdesk.web.views import feeds as feed_views

    topic = max(newsroom.topics.values(), key=lambda t: t.articles.count())
    source = newsroom.sources[0]
    paths = [f"/feeds/latest.{fmt}", f"/feeds/source/{source.pk}.{fmt}", f"/feeds/topic/{topic.slug}.{fmt}"]
    slim = {path: client.get(path).content for path in paths}

    def whole(queryset: Any, limit: int) -> list[Any]:
        return list(queryset.prefetch_related("topics")[:limit])

    monkeypatch.setattr(feed_views, "_newest", whole)
    written.clear()  # the items are built again from the whole articles, not taken as written
    for path in paths:
        before = client.get(path).content
        assert b"<category" in before or b'"tags"' in before or fmt == "json", path
        assert slim[path] == before, path


def _django_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Feeds as Django's syndication view and generators write them, nothing kept between requests."""
    from django.contrib.syndication.views import Feed
    from django.utils import feedgenerator

    from newsdesk.web import feeds

    monkeypatch.setattr(feeds.ArticleFeed, "get_feed", Feed.get_feed)
    from newsdesk.web.jsonfeed import JsonFeed

    original = {"rss": feedgenerator.Rss201rev2Feed, "atom": feedgenerator.Atom1Feed, "json": JsonFeed}
    monkeypatch.setattr(feeds, "FEED_TYPES", original)


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_items_written_once_are_the_bytes_djangos_feed_writes(
    client, monkeypatch, newsroom: Newsroom, fmt
) -> None:
    """Each item is written once per version and its text reused: the first request (every item built),
    the next (every item from the store), and one with a new story (both kinds) are byte for byte what
    Django's feed view and generators write, headers included."""
    topic = max(newsroom.topics.values(), key=lambda t: t.articles.count())
    paths = [f"/feeds/latest.{fmt}", f"/feeds/topic/{topic.slug}.{fmt}", f"/feeds/search.{fmt}?q=harbour"]
    first = {path: client.get(path) for path in paths}
    assert len(written) > 0
    again = {path: client.get(path) for path in paths}
    make_article(newsroom.sources[0], title="Harbour pilots’ new boat <& more>")
    mixed = {path: client.get(path) for path in paths}
    _django_feed(monkeypatch)
    for path in paths:
        theirs = client.get(path)
        ours = mixed[path]
        assert ours.status_code == 200, path
        assert any(mark in ours.content for mark in (b"<item>", b"<entry>", b'"items": [{')), path
        assert ours.content == theirs.content, path
        assert ours["Content-Type"] == theirs["Content-Type"]
        assert ours["Last-Modified"] == theirs["Last-Modified"]
        assert first[path].content == again[path].content, path
    assert "Harbour pilots’ new boat".encode() in mixed[paths[0]].content


def test_an_edit_or_a_new_topic_shows_in_the_feeds_at_once(client, newsroom: Newsroom) -> None:
    """An item's text is kept per version (its modified_at, which the actions set) and per topic names: an
    edited title and a topic given later are in the next feed, the old title in none."""
    from newsdesk.articles import actions
    from newsdesk.articles.models import Article
    from newsdesk.topics.models import Topic

    newest = Article.objects.published().newest_first().first()
    assert newest is not None
    paths = ["/feeds/latest.rss", "/feeds/latest.atom", "/feeds/latest.json"]
    for path in paths:
        assert newest.title.encode() in client.get(path).content
    fields = (
        "source_id",
        "url",
        "link",
        "guid",
        "fingerprint",
        "content_hash",
        "published",
        "excerpt",
        "text",
    )
    draft = ArticleDraft(
        **{name: getattr(newest, name) for name in fields}, title="Ferry strike called off after late talks"
    )
    actions.do_update_article(newest.pk, draft)
    for path in paths:
        body = client.get(path).content
        assert b"Ferry strike called off after late talks" in body, path
        assert newest.title.encode() not in body, path
    extra = Topic.objects.create(name="Late Night Talks", slug="late-night-talks")
    extra.articles.add(newest)
    for path in paths:
        assert b"Late Night Talks" in client.get(path).content, path
