"""Article pages carry the story and the furniture around it; homes advertise their feeds."""

from __future__ import annotations

import json
import re

import httpx
import lxml.html
import pytest

from newsdesk_demo.content import load_outlets
from newsdesk_demo.server import DemoServer
from tests.demo.helpers import canonical, entries, meta, page, text

OUTLETS = load_outlets()
COOKIE = (
    "This website uses cookies to improve your experience. "
    "We'll assume you're ok with this, but you can opt-out if you wish."
)
READ_MORE = re.compile(r'Read More:(?:</strong>|</span>)?\s*<a href="([^"]+)">([^<]+)</a>')
FURNITURE = (COOKIE, "Accept", "Get more stuff like this in your inbox", "Live News", "Read More:", "©")


def first_article(client: httpx.Client, slug: str) -> str:
    outlet = next(o for o in OUTLETS if o.slug == slug)
    return next(e["link"] for e in entries(client, outlet) if "slot" not in e["title"].lower())


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.slug)
def test_article_page_has_story_text_and_furniture(outlet, client: httpx.Client) -> None:
    link = first_article(client, outlet.slug)
    doc = page(client, link)
    story = next(s for s in outlet.stories if f"/{s.slug}/" in link)
    words = text(doc)
    for paragraph in story.paragraphs:
        assert " ".join(paragraph.split()) in words
    for piece in FURNITURE:
        assert piece in words, piece
    assert len(doc.xpath('//a[contains(@href, "/share/?service=")]')) >= 2, "share links"
    assert doc.xpath('//a[starts-with(@href, "mailto:")]'), "share by email"
    assert doc.xpath("//nav"), "navigation"
    assert doc.xpath("//footer"), "footer"

    related = READ_MORE.search(client.get(link).text)
    assert related, "Read More block"
    headlines = {s.headline for s in outlet.stories}
    assert related.group(2) in headlines - {story.headline}
    assert client.get(related.group(1)).status_code == 200


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.slug)
def test_article_page_has_metadata(outlet, client: httpx.Client, demo: DemoServer) -> None:
    link = first_article(client, outlet.slug)
    doc = page(client, link)
    story = next(s for s in outlet.stories if f"/{s.slug}/" in link)
    assert story.headline in doc.findtext(".//title")
    assert meta(doc, "og:title") == story.headline
    assert canonical(doc).startswith(demo.base_url)
    assert meta(doc, "author")
    image = meta(doc, "og:image")
    assert image
    assert client.get(image).status_code == 200
    jsonld = doc.xpath('//script[@type="application/ld+json"]/text()')
    published = meta(doc, "article:published_time") or json.loads(jsonld[0])["datePublished"]
    assert published.startswith(("20", "19"))


def test_comments_appear_on_outlets_that_have_them(client: httpx.Client) -> None:
    outlet = next(o for o in OUTLETS if o.slug == "courier")
    story = next(s for s in outlet.stories if s.comments and not s.held)
    link = next(e["link"] for e in entries(client, outlet) if f"/{story.slug}/" in e["link"])
    words = text(page(client, link))
    assert f"{len(story.comments)} comments" in words
    assert all(c.text in words for c in story.comments)


@pytest.mark.parametrize("outlet", OUTLETS, ids=lambda o: o.slug)
def test_home_page_advertises_its_feed(outlet, client: httpx.Client, demo: DemoServer) -> None:
    doc = page(client, f"/{outlet.slug}/")
    links = doc.xpath('//link[@rel="alternate"]')
    assert [(a.get("type"), a.get("href")) for a in links] == [
        (outlet.feed_type, demo.base_url + outlet.feed_path)
    ]
    feed = client.get(links[0].get("href"))
    assert feed.headers["content-type"].startswith(outlet.feed_type)


def test_home_page_hides_the_spam_post_and_filters_by_section(client: httpx.Client) -> None:
    home = text(page(client, "/bulletin/"))
    assert "gacor" not in home.lower()
    transit = text(page(client, "/courier/?section=sport"))
    assert "Mariners snatch late winner" in transit
    assert "Council backs harbour-front homes" not in transit.split("Live News")[0]


def test_syndicated_copy_points_canonical_at_the_original(client: httpx.Client, demo: DemoServer) -> None:
    copy_link = next(e["link"] for e in entries(client, OUTLETS[1]) if "utm_" in e["link"])
    copy = page(client, copy_link)
    original_url = canonical(copy)
    assert original_url.startswith(demo.base_url + "/courier/")
    assert "utm_" not in original_url
    original = page(client, original_url)
    assert canonical(original) == original_url
    assert copy.findtext(".//h1") == original.findtext(".//h1")
    body = text(original)
    assert all(
        " ".join(p.text_content().split()) in body for p in copy.xpath('//div[@class="post-content"]/p')
    )


def test_only_the_hacked_page_carries_the_hidden_spam_block(client: httpx.Client) -> None:
    hidden_blocks = {}
    for outlet in OUTLETS:
        for entry in entries(client, outlet):
            doc = page(client, entry["link"])
            hidden = doc.xpath('//div[contains(@style, "display:none")]')
            if hidden:
                hidden_blocks[entry["link"]] = " ".join(h.text_content() for h in hidden)
    assert len(hidden_blocks) == 1
    [(link, spam)] = hidden_blocks.items()
    assert "/bulletin/" in link
    assert "mahjong slot" in spam
    assert "slot gacor" in spam


def test_no_page_links_anywhere_but_the_demo_server(client: httpx.Client, demo: DemoServer) -> None:
    seen: set[str] = set()
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen or len(seen) > 300:
            continue
        seen.add(path)
        response = client.get(path)
        if not response.headers["content-type"].startswith("text/html"):
            continue
        doc = lxml.html.fromstring(response.text)
        for url in doc.xpath("//@href | //@src | //@action | //meta[starts-with(@property, 'og:')]/@content"):
            if url.startswith(("http:", "https:", "//")):
                assert url.startswith(demo.base_url), f"{path} links out to {url}"
                url = url[len(demo.base_url) :]
            if url.startswith("/") and "share/" not in url:
                queue.append(url.split("#")[0])
    assert len(seen) > 40


def test_held_back_stories_and_wrong_years_are_not_found(client: httpx.Client) -> None:
    held = next(s for s in OUTLETS[0].stories if s.held)
    for year in ("2020", "2025", "2026", "2027"):
        assert client.get(f"/courier/{year}/{held.slug}/").status_code == 404
    link = first_article(client, "courier")
    wrong_year = re.sub(r"/(\d{4})/", "/1999/", link)
    assert client.get(wrong_year).status_code == 404
    assert client.get("/nowhere/").status_code == 404
