"""The page frame's per-request parts (the search words, the "Cookie settings" address) and the queries
compiled once (newsdesk.core.prepared): what one reader's page holds never reaches another's,
and what the pages show is what the ORM would have read."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.template.defaultfilters import urlencode
from django.test import Client
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.core.prepared import Prepared
from newsdesk.sources.models import Source
from newsdesk.web import article_page, fragments

from .seed import Newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_stores() -> None:
    fragments.store.clear()


def test_the_search_box_and_the_cookie_link_are_each_pages_own(newsroom: Newsroom) -> None:
    """The search words in the masthead and the "Cookie settings" address (the page to come back to) are
    the request's own, and so is the masthead's marked section."""
    client = Client()
    for words in ("harbour", "council vote"):
        html = client.get("/search", {"q": words}).content.decode()
        assert f'value="{words}"' in html
    first, second = newsroom.articles[0], newsroom.articles[1]
    for article in (first, second, first):
        path = links.article_path(article.pk, article.title)
        html = Client().get(path).content.decode()
        assert re.findall(r'\?next=([^"]+)"', html.split('class="site-footer"')[1]) == [urlencode(path)]
        assert 'aria-current="page"' not in html.split("</header>")[0].split('class="masthead"')[1]
    html = Client().get("/topics/").content.decode()
    masthead = html.split('class="masthead"')[1].split("</header>")[0]
    assert re.search(r'href="/topics/" aria-current="page"', masthead)


def test_an_article_page_asks_the_database_once(newsroom: Newsroom) -> None:
    """The story with its source, its story, its kept part and its topics' ids in one query; the rest
    (topics, "More like this", the frame) is remembered or kept. On PostgreSQL each query is a round trip."""
    client = Client()
    # Stories with topics, and one in none (its newsletter box ticks no topic, without asking again).
    first, second = [a for a in newsroom.articles if a.topics.exists()][:2]
    third = next(a for a in newsroom.articles if not a.topics.exists())
    article_page.fill([first.pk, second.pk, third.pk])  # their kept parts, as the writing action leaves them
    for article in (first, second, third):
        client.get(links.article_path(article.pk, article.title))
    for article in (first, second, third):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(links.article_path(article.pk, article.title)).status_code == 200
        assert len(queries) == 1, [q["sql"] for q in queries]


def test_list_pages_do_not_ask_per_story(newsroom: Newsroom) -> None:
    """Cards and Live News items are keyed on fields every list reads: none is loaded afterwards."""
    client = Client()
    for path in ("/", "/?page=2", links.topic_path(next(iter(newsroom.topics.values())).slug)):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code in (200, 404)
        assert len(queries) <= 6, (path, [q["sql"] for q in queries])


def test_a_prepared_query_reads_what_the_orm_reads(newsroom: Newsroom) -> None:
    by_id = Prepared(
        lambda pk: Article.objects.published().select_related("source", "story_member__story").filter(pk=pk),
        probes=(-1,),
    )
    for article in Article.objects.all():
        found = by_id.run(article.pk)
        if article.status != Article.Status.PUBLISHED:
            assert found == []
            continue
        (got,) = found
        expected = Article.objects.select_related("source").get(pk=article.pk)
        assert [getattr(got, f.attname) for f in Article._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in Article._meta.concrete_fields
        ]
        assert got.source.name == expected.source.name
    assert by_id.run(10**9) == []
    named = Prepared(lambda name: Source.objects.filter(name=name), probes=("\0",))
    source = newsroom.sources[1]
    assert [s.pk for s in named.run(source.name)] == [source.pk]


def test_a_prepared_query_refuses_what_it_cannot_build() -> None:
    with pytest.raises(ValueError, match="plain model querysets"):
        Prepared(lambda pk: Article.objects.filter(pk=pk).values("title"), probes=(-1,)).run(1)  # type: ignore[type-var]
    with pytest.raises(ValueError, match="stand-in value"):
        Prepared(lambda pk: Article.objects.filter(pk=3), probes=(-1,)).run(1)


def test_each_page_has_its_own_title(newsroom: Newsroom) -> None:
    """The <title> is the page's own, whatever page the process rendered first (a not-found page first
    here): nothing of one page's head is kept for another."""
    client = Client()
    assert client.get("/article/999999999/").status_code == 404
    article = newsroom.articles[0]
    paths = (links.article_path(article.pk, article.title), "/topics/", "/sources/", "/")
    titles = {
        path: re.findall(r"<title>(.*?)</title>", client.get(path).content.decode())[0] for path in paths
    }
    assert len(set(titles.values())) == 4, titles
    assert all("Page not found" not in title for title in titles.values())
    assert titles["/topics/"].startswith("Topics · ")
