"""robots.txt, the sitemap index, its sections and the Google News sitemap; HTTP caching on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from newsdesk.core import links
from tests.support.newsroom import make_article

from .seed import Newsroom

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def client() -> Client:
    return Client()


def _xml(client: Client, path: str) -> ElementTree.Element:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def test_robots_txt_points_at_the_sitemap(client) -> None:
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "User-agent: *" in body
    assert f"Sitemap: {links.absolute('/sitemap.xml')}" in body
    assert "Disallow: /admin/" in body


def test_sitemap_index_lists_every_section_on_the_public_url(client, settings, newsroom: Newsroom) -> None:
    settings.SITE_URL = "https://news.example.org"
    root = _xml(client, "/sitemap.xml")
    locations = [el.text for el in root.iter(f"{SM}loc")]
    assert locations == [
        f"https://news.example.org/sitemap-{section}.xml"
        for section in ("pages", "topics", "sources", "articles", "news")
    ]


def test_articles_sitemap_has_every_published_story(client, settings, newsroom: Newsroom) -> None:
    settings.SITE_URL = "https://news.example.org"
    root = _xml(client, "/sitemap-articles.xml")
    locations = {el.text for el in root.iter(f"{SM}loc")}
    expected = {"https://news.example.org" + links.article_path(a.pk, a.title) for a in newsroom.articles}
    assert locations == set(expected)
    assert all(el.text for el in root.iter(f"{SM}lastmod"))


def test_news_sitemap_covers_the_last_48_hours(client, newsroom: Newsroom) -> None:
    old = make_article(title="Old news", published=timezone.now() - timedelta(hours=49))
    root = _xml(client, "/sitemap-news.xml")
    urls = root.findall(f"{SM}url")
    titles = {url.find(f"{NEWS}news/{NEWS}title").text for url in urls}
    assert old.title not in titles
    assert newsroom.quarantined.title not in titles
    assert newsroom.rtl.title in titles
    for url in urls:
        news = url.find(f"{NEWS}news")
        assert news.find(f"{NEWS}publication/{NEWS}name").text == "Newsdesk"
        assert len(news.find(f"{NEWS}publication/{NEWS}language").text) in (2, 3)
        assert news.find(f"{NEWS}publication_date").text
    rtl = next(u for u in urls if u.find(f"{NEWS}news/{NEWS}title").text == newsroom.rtl.title)
    assert rtl.find(f"{NEWS}news/{NEWS}publication/{NEWS}language").text == "ar"


def test_pages_topics_and_sources_sitemaps(client, newsroom: Newsroom) -> None:
    topics = {el.text for el in _xml(client, "/sitemap-topics.xml").iter(f"{SM}loc")}
    assert links.absolute("/topic/transport/") in topics
    sources = {el.text for el in _xml(client, "/sitemap-sources.xml").iter(f"{SM}loc")}
    assert {links.absolute(links.source_path(s.pk, s.name)) for s in newsroom.sources} == sources
    pages = {el.text for el in _xml(client, "/sitemap-pages.xml").iter(f"{SM}loc")}
    assert links.absolute("/") in pages
    assert client.get("/sitemap-nothing.xml").status_code == 404


# ---- caching ----------------------------------------------------------------------------------


def _public_paths(room: Newsroom) -> list[str]:
    article, source = room.articles[0], room.sources[0]
    return [
        "/", "/?page=1", links.article_path(article.pk, article.title), "/sources/",
        links.source_path(source.pk, source.name), "/topics/", "/topic/transport/", "/search?q=harbour",
        "/search", "/feeds/latest.rss", "/feeds/latest.atom", "/feeds/latest.json",
        f"/feeds/source/{source.pk}.rss", "/feeds/topic/transport.json", "/feeds/search.atom?q=harbour",
        "/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml", "/robots.txt",
    ]  # fmt: skip


def test_every_public_page_and_feed_is_cacheable_and_answers_304(client, newsroom: Newsroom) -> None:
    for path in _public_paths(newsroom):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "public" in response["Cache-Control"], path
        assert "max-age=60" in response["Cache-Control"], path
        etag = response["ETag"]
        assert etag, path
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, path
        assert again.content == b"", path
        assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200, path


def test_feeds_also_answer_if_modified_since(client, newsroom: Newsroom) -> None:
    response = client.get("/feeds/latest.rss")
    assert response["Last-Modified"]
    again = client.get("/feeds/latest.rss", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_a_new_story_changes_the_etag(client, newsroom: Newsroom) -> None:
    before = client.get("/")["ETag"]
    make_article(title="Breaking: the tide came in", published=timezone.now())
    assert client.get("/")["ETag"] != before


def test_the_max_age_is_a_setting(client, settings, newsroom: Newsroom) -> None:
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "PAGE_MAX_AGE": 300}
    assert "max-age=300" in client.get("/")["Cache-Control"]


def test_reading_sets_no_cookie(client, newsroom: Newsroom) -> None:
    for path in [*_public_paths(newsroom), "/no/such/page/", "/search?since=bad"]:
        response = client.get(path)
        assert not response.cookies, (path, response.cookies)
        assert "Set-Cookie" not in response, path


def _through_django(path: str, section: str, page: str) -> HttpResponse:
    """What Django's sitemap view and the templates answer for a section page."""
    from django.contrib.sitemaps.views import sitemap
    from django.test import RequestFactory

    from newsdesk.web.sitemaps import SECTIONS

    request = RequestFactory().get(path, {"p": page} if page else {})
    template = "web/sitemap_news.xml" if section == "news" else "sitemap.xml"
    response = sitemap(request, {section: SECTIONS[section]}, section=section, template_name=template)
    response.render()
    return response


@pytest.mark.parametrize("section", ["articles", "news"])
def test_article_sitemap_pages_are_the_bytes_djangos_view_writes(
    client, settings, monkeypatch, section
) -> None:
    """The article and news sitemap pages, written from a few columns, are byte for byte what Django's
    sitemap view with the templates writes, with the same Last-Modified, on every page; past the last page
    is a 404 either way."""
    from newsdesk.web.sitemaps import ArticleSitemap, NewsSitemap

    settings.SITE_URL = "https://news.example.org"
    for n in range(7):
        make_article(
            title=f"Ferry timetable & fares <{n}> «{n}»", published=timezone.now() - timedelta(hours=n)
        )
    make_article(title="نشرة الميناء", language="ar", published=timezone.now() - timedelta(minutes=5))
    monkeypatch.setattr(NewsSitemap if section == "news" else ArticleSitemap, "limit", 3)
    path = f"/sitemap-{section}.xml"
    pages = ["", "2", "3"] if section == "articles" else [""]
    for page in pages:
        ours = client.get(path, {"p": page} if page else {})
        theirs = _through_django(path, section, page)
        assert ours.status_code == 200
        assert ours.content == theirs.content, page
        assert ours["Last-Modified"] == theirs["Last-Modified"]
        assert ours["X-Robots-Tag"] == theirs["X-Robots-Tag"]
        assert b"<url>" in ours.content
    assert client.get(path, {"p": "9"}).status_code == 404
    assert client.get(path, {"p": "x"}).status_code == 404
