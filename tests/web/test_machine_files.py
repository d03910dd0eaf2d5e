"""robots.txt, the sitemap index, its sections and the Google News sitemap; HTTP caching on every page."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.core.pagecache import mark_changed
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


def test_a_new_story_changes_the_etag(client, settings, newsroom: Newsroom) -> None:
    before = client.get("/")["ETag"]
    make_article(title="Breaking: the tide came in", published=timezone.now())
    stamp = settings.DATA_DIR / ".content-changed"
    mark_changed(stamp)  # what storing it through the actions does
    os.utime(stamp, (time.time() + 5, time.time() + 5))  # a clearly newer modification time
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


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati"])
def test_news_sitemap_pages_are_the_bytes_djangos_view_writes(client, settings, monkeypatch, zone) -> None:
    """The news sitemap, written from a few columns, is byte for byte what Django's sitemap view with the
    template writes, with the same Last-Modified, on every page; past the last page is a 404 either way."""
    from newsdesk.web.sitemaps import NewsSitemap

    settings.SITE_URL = "https://news.example.org"
    for n in range(7):
        make_article(
            title=f"Ferry timetable & fares <{n}> «{n}»", published=timezone.now() - timedelta(hours=n)
        )
    make_article(title="نشرة الميناء", language="ar", published=timezone.now() - timedelta(minutes=5))
    make_article(title="On the hour", published=(timezone.now() - timedelta(hours=3)).replace(microsecond=0))
    settings.TIME_ZONE = zone  # the publication time is written in the site's zone
    monkeypatch.setattr(NewsSitemap, "limit", 3)
    path = "/sitemap-news.xml"
    for page in ["", "2", "3"]:
        ours = client.get(path, {"p": page} if page else {})
        theirs = _through_django(path, "news", page)
        assert ours.status_code == 200
        assert ours.content == theirs.content, page
        assert ours["Last-Modified"] == theirs["Last-Modified"]
        assert ours["X-Robots-Tag"] == theirs["X-Robots-Tag"]
        assert b"<url>" in ours.content
    assert client.get(path, {"p": "9"}).status_code == 404
    assert client.get(path, {"p": "x"}).status_code == 404


def _article_pages(client: Client) -> dict[str, bytes]:
    """Every article sitemap page the index lists, by its address."""
    index = _xml(client, "/sitemap.xml")
    listed = [el.text or "" for el in index.iter(f"{SM}loc") if "sitemap-articles.xml" in (el.text or "")]
    pages = {}
    for address in listed:
        response = client.get(address.removeprefix("https://news.example.org"))
        assert response.status_code == 200, address
        assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
        pages[address] = response.content
    return pages


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati"])
def test_article_sitemap_pages_hold_every_published_story_once_in_id_blocks(
    client, settings, monkeypatch, zone
) -> None:
    """The index lists the article pages from the oldest published story's block of ids to the newest's;
    together they hold every published story exactly once, on the public address, with its lastmod's day,
    at most `limit` to a page; a quarantined story is on none; Last-Modified is the page's newest change."""
    from django.utils.http import http_date

    from newsdesk.articles.models import Article
    from newsdesk.web.sitemaps import ArticleSitemap

    settings.SITE_URL = "https://news.example.org"
    settings.TIME_ZONE = zone  # the lastmod's day is the site's local day (UTC+14 is most often another)
    monkeypatch.setattr(ArticleSitemap, "limit", 3)
    made = [
        make_article(
            title=f"Ferry timetable & fares <{n}> «{n}»", published=timezone.now() - timedelta(hours=n)
        )
        for n in range(8)
    ]
    made.append(make_article(title="نشرة الميناء", language="ar"))
    hidden = make_article(title="Quarantined rumour", status=Article.Status.QUARANTINED)
    pages = _article_pages(client)
    first, last = (min(a.pk for a in made) - 1) // 3 + 1, (max(a.pk for a in made) - 1) // 3 + 1
    assert len(pages) == last - first + 1
    assert next(iter(pages)) == "https://news.example.org/sitemap-articles.xml"
    seen: list[str] = []
    for address, body in pages.items():
        urls = ElementTree.fromstring(body).findall(f"{SM}url")
        assert len(urls) <= 3, address
        seen += [url.findtext(f"{SM}loc") or "" for url in urls]
    expected = {links.absolute(links.article_path(a.pk, a.title)): a for a in made}
    assert sorted(seen) == sorted(expected)  # each once, nothing else
    assert links.absolute(links.article_path(hidden.pk, hidden.title)) not in seen
    # The bytes of one URL, and the page's Last-Modified: its newest lastmod.
    story = made[0]
    story.refresh_from_db()
    day = timezone.localtime(story.updated or story.modified_at or story.published).date().isoformat()
    page = (story.pk - 1) // 3 + 1
    response = client.get("/sitemap-articles.xml", {"p": str(page)} if page != first else {})
    loc = links.absolute(links.article_path(story.pk, story.title)).replace("&", "&amp;")
    assert f"<url><loc>{loc}</loc><lastmod>{day}</lastmod></url>".encode() in response.content
    in_page = Article.objects.filter(pk__gt=(page - 1) * 3, pk__lte=page * 3, status=Article.Status.PUBLISHED)
    newest = max(a.updated or a.modified_at or a.published for a in in_page)
    assert response["Last-Modified"] == http_date(newest.timestamp())
    for wrong in ("x", "0", str(last + 1), ""):
        assert client.get("/sitemap-articles.xml", {"p": wrong}).status_code == 404, wrong


def test_article_sitemap_pages_keep_their_stories_when_new_ones_arrive(client, settings, monkeypatch) -> None:
    """A page is a block of ids: new stories fill the last page and then new pages; every page before
    the last is the same bytes as before."""
    from newsdesk.core.figures import forget
    from newsdesk.web.sitemaps import ArticleSitemap

    settings.SITE_URL = "https://news.example.org"
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for n in range(5):
        make_article(title=f"Harbour log {n}")
    before = _article_pages(client)
    for n in range(4):
        make_article(title=f"Harbour log, later {n}")
    forget()
    after = _article_pages(client)
    assert len(after) > len(before)
    *unchanged, _last = before
    for address in unchanged:
        assert after[address] == before[address], address
    total = sum(len(ElementTree.fromstring(body).findall(f"{SM}url")) for body in after.values())
    assert total == 9


def test_news_sitemap_entries_kept_between_requests_follow_edits_and_quarantines(
    client, newsroom: Newsroom
) -> None:
    """Each <url> of the news sitemap is written once per (id, title, time, language) and reused: an edited
    title shows on the next request, a quarantined story leaves it."""
    edited, held = newsroom.articles[0], newsroom.articles[1]

    def titles() -> set[str]:
        root = _xml(client, "/sitemap-news.xml")
        return {url.find(f"{NEWS}news/{NEWS}title").text for url in root}

    first = titles()
    assert edited.title in first
    assert held.title in first
    assert titles() == first  # written from the kept entries: the same
    Article.objects.filter(pk=edited.pk).update(
        title="A corrected headline & more", modified_at=timezone.now()
    )
    Article.objects.filter(pk=held.pk).update(status=Article.Status.QUARANTINED)
    after = titles()
    assert "A corrected headline & more" in after
    assert edited.title not in after
    assert held.title not in after


def test_the_etag_is_the_bodys_xxh3_128(client, newsroom: Newsroom) -> None:
    from xxhash import xxh3_128_hexdigest

    response = client.get("/")
    assert response["ETag"] == f'"{xxh3_128_hexdigest(response.content)}"'


def test_each_precondition_is_still_answered(client, newsroom: Newsroom) -> None:
    """A page is answered without the conditional step only when the request asks no precondition."""
    page = client.get("/")
    etag, stale = page["ETag"], "Mon, 01 Jan 1990 00:00:00 GMT"
    assert client.get("/", HTTP_IF_MATCH='"something-else"').status_code == 412
    assert client.get("/", HTTP_IF_MATCH=etag).status_code == 200
    assert client.get("/feeds/latest.rss", HTTP_IF_UNMODIFIED_SINCE=stale).status_code == 412
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/feeds/latest.rss", HTTP_IF_MODIFIED_SINCE=stale).status_code == 200
