"""The public pages through Django's test client, on the real database: what a reader gets."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from markupsafe import escape

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.web import queries
from tests.support.newsroom import make_article, make_source

from .html import found
from .seed import LONG_TITLE, RTL_TITLE, Newsroom

pytestmark = pytest.mark.django_db

FULL_TEXT_MARKER = "The ninth paragraph reveals the committee's private vote tally in full detail."


@pytest.fixture
def client() -> Client:
    return Client()


def _path(article: Article) -> str:
    return links.article_path(article.pk, article.title)


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


# ---- home -------------------------------------------------------------------------------------


def test_home_lists_published_stories_never_quarantined(client, newsroom: Newsroom) -> None:
    html = client.get("/").content.decode()
    assert str(escape(newsroom.articles[0].title)) in html
    assert newsroom.quarantined.title not in html
    assert "Top stories" in html
    assert "More news" in html


def test_home_live_news_keeps_the_contract_with_the_live_app(client, newsroom: Newsroom) -> None:
    html = client.get("/").content.decode()
    section = found(r'<section class="live-news"[^>]*>', html).group(0)
    assert 'aria-labelledby="live-news-heading"' in section
    assert 'data-stream-url="/live/stream"' in section
    assert '<ol class="live-news__list" aria-live="polite">' in html
    ids = re.findall(r'<li class="live-news__item" data-article-id="(\d+)"', html)
    newest = Article.objects.published().newest_first().values_list("pk", flat=True)[: len(ids)]
    assert [int(i) for i in ids] == list(newest)
    assert str(newsroom.quarantined.pk) not in ids


def test_home_has_topic_sections_and_the_newsletter_slot(client, newsroom: Newsroom) -> None:
    response = client.get("/")
    sections = response.context["sections"]
    assert sections, "no topic sections"
    shown = [a.pk for section in sections for a in section.articles]
    assert len(shown) == len(set(shown)), "a story appears in two sections"
    assert not set(shown) & {a.pk for a in response.context["page"].items}
    for section in sections:
        assert all(section.topic in a.topics.all() for a in section.articles)
    html = response.content.decode()
    assert 'class="topic-section"' in html
    assert 'class="newsletter-slot"' in html


def test_home_pages_through_older_stories(client, settings, newsroom: Newsroom) -> None:
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "PAGE_SIZE": 10}
    first = client.get("/")
    last = first.context["page"].items[-1]
    key = f"{(last.published - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)}:{last.pk}"
    assert f'href="/?before={key}&amp;page=2"' in first.content.decode()
    second = client.get(f"/?before={key}&page=2")
    assert second.status_code == 200
    first_ids = [a.pk for a in first.context["page"].items]
    second_ids = [a.pk for a in second.context["page"].items]
    assert second_ids
    assert not set(first_ids) & set(second_ids)
    # An old ?page=N link (OFFSET) shows the same stories as the keyed link.
    assert [a.pk for a in client.get("/?page=2").context["page"].items] == second_ids
    assert client.get("/?page=999").status_code == 404
    assert client.get("/?page=abc").status_code == 404
    assert client.get("/?page=0").status_code == 404
    for bad in (
        "/?before=x&page=2",
        f"/?before={key}",
        f"/?before={key}&after={key}&page=2",
        "/?after=1:&page=2",
    ):
        assert client.get(bad).status_code == 404, bad


def test_keyed_pages_walk_every_list_both_ways(client, settings, newsroom: Newsroom) -> None:
    """Older links then newer links visit every listed story once, in order, on the home, a topic and a source
    page."""
    settings.NEWSDESK_SITE = {**settings.NEWSDESK_SITE, "PAGE_SIZE": 3}
    story = Article.objects.published().first()
    assert story is not None
    topic = max(newsroom.topics.values(), key=lambda t: t.articles.count())
    paths = ["/", links.source_path(story.source.pk, story.source.name), links.topic_path(topic.slug)]
    for path in paths:
        response = client.get(path)
        whole = [a.pk for a in response.context["page"].items]
        pages = [response]
        while response.context["page"].has_next:
            href = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
            assert href, path
            response = client.get(html.unescape(href.group(1)))
            assert response.status_code == 200
            pages.append(response)
            whole += [a.pk for a in response.context["page"].items]
        expected = list(queries.listed().filter(pk__in=whole).values_list("pk", flat=True))
        assert whole == expected, path
        assert len(whole) == len(set(whole)), path
        # And back up through the newer links to the first page.
        numbers = [response.context["page"].number]
        while response.context["page"].has_previous:
            href = re.search(r'rel="prev" href="([^"]+)"', response.content.decode())
            assert href, path
            response = client.get(html.unescape(href.group(1)))
            numbers.append(response.context["page"].number)
            page_ids = [a.pk for a in response.context["page"].items]
            assert page_ids == [
                a.pk for a in pages[response.context["page"].number - 1].context["page"].items
            ]
        assert numbers == list(range(len(pages), 0, -1)), path


def test_an_empty_site_says_so(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories yet" in response.content.decode()


# ---- article ----------------------------------------------------------------------------------


def test_article_page_shows_the_story_and_read_more_to_the_original(client, newsroom: Newsroom) -> None:
    article = newsroom.articles[0]
    html = client.get(_path(article)).content.decode()
    assert re.search(r'<h1 class="article__title"[^>]*>Council backs harbour-front homes', html)
    assert f'<time datetime="{timezone.localtime(article.published).isoformat()}">' in html
    read_more = found(r"<a class=\"read-more__link\" href=\"([^\"]+)\"[^>]*>(.*?)</a>", html, re.S)
    assert read_more.group(1) == article.url
    text = re.sub(r"<[^>]+>", "", read_more.group(2))
    assert " ".join(text.split()) == f"Read More: {article.title}"
    assert "By Nadia Quell" in html
    assert article.source.name in html


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_article_page_shows_its_time_in_the_sites_time_zone(client, settings, zone) -> None:
    """The shown time and the <time datetime> are the same moment in the site's zone: at 23:30 UTC it is
    already the next morning in Tokyo, and still the afternoon in Los Angeles (the day differs both ways)."""
    settings.TIME_ZONE = zone
    moment = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    article = make_article(title="Night ferry returns to the timetable", published=moment)
    html = client.get(_path(article)).content.decode()
    shown = found(r'<time datetime="([^"]+)">([^<]+)</time>', html)
    local = timezone.localtime(moment)
    assert datetime.fromisoformat(shown.group(1)) == moment
    assert shown.group(1) == local.isoformat()
    expected = {"Asia/Tokyo": "March 11, 2026, 8:30 a.m.", "America/Los_Angeles": "March 10, 2026, 4:30 p.m."}
    assert shown.group(2) == expected[zone]
    modified = make_article(title="Harbour lights", published=moment, updated=moment + timedelta(hours=1))
    html = client.get(_path(modified)).content.decode()
    meta = found(r'<meta property="article:modified_time" content="([^"]+)">', html)
    assert meta.group(1) == timezone.localtime(moment + timedelta(hours=1)).isoformat()


def test_article_page_shows_the_excerpt_never_the_full_text(client, settings) -> None:
    settings.NEWSDESK_INGEST = {**settings.NEWSDESK_INGEST, "EXCERPT_WORDS": 12}
    text = "The harbour board met on Monday to talk about the ferry. " * 8 + FULL_TEXT_MARKER
    article = make_article(title="Harbour board meets", text=text, excerpt="")
    html = client.get(_path(article)).content.decode()
    excerpt = found(r'<div class="article__excerpt"[^>]*>\s*<p>(.*?)</p>', html, re.S).group(1)
    assert excerpt.endswith("…")
    assert len(excerpt.split()) <= 12
    assert FULL_TEXT_MARKER not in html
    assert "ninth paragraph" not in html


def test_a_stored_excerpt_without_an_ellipsis_gets_one(client) -> None:
    article = make_article(title="Short", text="One line.", excerpt="One line.")
    html = client.get(_path(article)).content.decode()
    assert "<p>One line…</p>" in html


def test_article_metadata_canonical_social_cards_and_json_ld(client, newsroom: Newsroom) -> None:
    article = newsroom.articles[0]
    html = client.get(_path(article)).content.decode()
    canonical = links.absolute(_path(article))
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert re.search(r'<meta property="og:image" content="http://[^"]+/img/a/\d+/[0-9a-f]{20}/">', html)
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = _json_ld(html)
    assert data["@type"] == "NewsArticle"
    assert data["isBasedOn"] == article.url
    assert data["url"] == canonical
    assert data["headline"] == article.title
    assert data["author"] == [{"@type": "Person", "name": "Nadia Quell"}]
    assert data["datePublished"] == article.published.isoformat()


def test_json_ld_cannot_be_broken_out_of(client) -> None:
    article = make_article(title="</script><script>alert(1)</script>", authors=["<b>x</b>"])
    html = client.get(_path(article)).content.decode()
    block = found(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block
    assert _json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_wrong_or_missing_slug_redirects_permanently(client, newsroom: Newsroom) -> None:
    article = newsroom.articles[0]
    right = _path(article)
    for wrong in (f"/article/{article.pk}/", f"/article/{article.pk}-old-headline/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == right


def test_unknown_and_quarantined_articles_are_404(client, newsroom: Newsroom) -> None:
    assert client.get("/article/999999-nothing/").status_code == 404
    assert client.get(_path(newsroom.quarantined)).status_code == 404


def test_article_without_image_author_or_excerpt(client, newsroom: Newsroom) -> None:
    html = client.get(_path(newsroom.no_date)).content.decode()
    assert "article__figure" not in html
    assert "article__byline" not in html
    assert "published no summary" in html
    assert 'twitter:card" content="summary"' in html
    html = client.get(_path(newsroom.no_author)).content.decode()
    assert "article__byline" not in html
    assert "article__figure" in html


def test_extremely_long_title(client, newsroom: Newsroom) -> None:
    response = client.get(_path(newsroom.long_title))
    assert response.status_code == 200
    assert len(links.slug_for(LONG_TITLE)) <= links.SLUG_MAX
    html = response.content.decode()
    assert str(escape(LONG_TITLE)) in html  # the apostrophe as &#39;
    assert len(_json_ld(html)["headline"]) <= 110


def test_right_to_left_article(client, newsroom: Newsroom) -> None:
    path = _path(newsroom.rtl)
    assert "ميناء" in links.slug_for(RTL_TITLE)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="article__title" dir="auto" lang="ar">{RTL_TITLE}</h1>' in html
    assert 'class="article__excerpt" dir="auto" lang="ar"' in html


def test_no_read_more_without_a_web_address(client) -> None:
    article = make_article(title="An item with no link", url="about:blank#item-1234", link="")
    html = client.get(_path(article)).content.decode()
    assert "read-more__link" not in html
    assert "isBasedOn" not in html


def test_an_invalid_stored_language_is_left_out(client) -> None:
    article = make_article(title="Odd language", language="not a tag!")
    html = client.get(_path(article)).content.decode()
    assert 'lang="not a tag!"' not in html


def test_more_like_this_and_newsletter_topics(client, newsroom: Newsroom) -> None:
    article = newsroom.articles[0]
    response = client.get(_path(article))
    topic_slugs = sorted(article.topics.values_list("slug", flat=True))
    assert sorted(response.context["newsletter_topics"]) == topic_slugs
    related = response.context["related"]
    assert related
    assert article not in related
    assert all(r.status == "published" for r in related)
    shared = set(article.topics.values_list("pk", flat=True))
    for story in related:
        assert story.source_id == article.source_id or shared & set(story.topics.values_list("pk", flat=True))


# ---- sources and topics -----------------------------------------------------------------------


def test_sources_index_and_source_page(client, newsroom: Newsroom) -> None:
    html = client.get("/sources/").content.decode()
    for source in newsroom.sources:
        assert links.source_path(source.pk, source.name) in html
    source = newsroom.sources[0]
    page = client.get(links.source_path(source.pk, source.name))
    assert page.status_code == 200
    assert all(a.source_id == source.pk for a in page.context["page"].items)
    assert client.get(f"/source/{source.pk}/").status_code == 301
    assert client.get("/source/99999-nobody/").status_code == 404


def test_a_source_with_nothing_published_is_not_listed(client) -> None:
    quiet = make_source("Quiet Weekly")
    make_article(quiet, title="Held", status=Article.Status.QUARANTINED)
    assert "Quiet Weekly" not in client.get("/sources/").content.decode()


def test_topics_index_and_topic_page(client, newsroom: Newsroom) -> None:
    html = client.get("/topics/").content.decode()
    assert 'href="/topic/transport/"' in html
    response = client.get("/topic/transport/")
    assert response.status_code == 200
    topic = newsroom.topics["Transport"]
    items = response.context["page"].items
    assert items
    assert all(topic in a.topics.all() for a in items)
    html = response.content.decode()
    assert 'data-stream-url="/live/stream?topic=transport"' in html
    assert client.get("/topic/no-such-topic/").status_code == 404


# ---- errors -----------------------------------------------------------------------------------


def test_404_page_looks_like_the_site_and_helps(client, newsroom: Newsroom) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="masthead"' in html
    assert 'action="/search"' in html
    assert "We could not find that page" in html
    assert "Latest headlines" in html
    assert 'rel="alternate"' in html


def test_500_page_renders_without_a_request_or_database(client) -> None:
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "/static/web/site.css" in html


def test_public_pages_only_answer_get_and_head(client, newsroom: Newsroom) -> None:
    assert client.post("/").status_code == 405
    assert client.head("/").status_code == 200


def test_dates_and_interface_follow_the_site_language(client, settings) -> None:
    article = make_article(title="Markt", published=datetime(2025, 3, 10, 12, 0, tzinfo=UTC))
    settings.LANGUAGE_CODE = "de"  # NEWSDESK_LANGUAGE
    html = client.get(_path(article)).content.decode()
    assert '<html lang="de"' in html
    assert "10. März 2025 12:00" in html  # German date format and month name
    assert "Monate" in html or "Jahr" in html  # the relative time, in German words


@pytest.mark.django_db
def test_live_news_column_links_to_the_live_page(client) -> None:
    from django.urls import reverse

    html = client.get("/").content.decode()
    assert f'href="{reverse("web:live")}">All live news</a>' in html
