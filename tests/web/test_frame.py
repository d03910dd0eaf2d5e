"""The page frame's parts kept between requests ({% fragment %}, source marks, directory rows) and the
queries compiled once (newsdesk.core.prepared): what one reader's page holds never reaches another's,
and what the pages show is what the ORM would have read."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.template import engines
from django.template.defaultfilters import urlencode
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.core.prepared import Prepared
from newsdesk.sources.models import Source
from newsdesk.web import fragments
from newsdesk.web.fragments import Unkeyable, frozen

from .seed import Newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_stores() -> None:
    fragments.store.clear()


def render(template: str, request=None, **context) -> str:
    return engines["django"].from_string(template).render(context, request)


def test_a_fragment_sees_only_the_values_it_is_given() -> None:
    """Nothing per reader (the request, its consent, a CSRF token, a cookie) can reach a kept part."""
    request = RequestFactory().get("/somewhere?secret=1", HTTP_COOKIE="reader=ana")
    request.COOKIES["reader"] = "ana"
    page = (
        "{% load newsdesk_web %}{% fragment 'probe' nav=nav %}"
        "[{{ nav }}|{{ request.path }}|{{ request.COOKIES.reader }}|{{ consent }}|{% csrf_token %}"
        "|{{ secret }}]"
        "{% endfragment %}"
    )
    assert render(page, request, nav="home", secret="s3") == "[home|||||]"


def test_a_fragment_is_kept_per_value_and_language() -> None:
    page = (
        "{% load i18n newsdesk_web %}"
        "{% fragment 'probe' nav=nav %}{{ nav }} {% translate 'Topics' %}{% endfragment %}"
    )
    assert render(page, nav="home") == "home Topics"
    assert render(page, nav="topics") == "topics Topics"
    assert render(page, nav="home") == "home Topics"
    held = len(fragments.store)
    assert held == 2
    from django.utils import translation

    with translation.override("de"):
        render(page, nav="home")
    assert len(fragments.store) == held + 1


def test_a_model_instance_cannot_be_part_of_a_key(newsroom: Newsroom) -> None:
    """A model instance hashes by its id alone: an edit would not change the key, so it is refused, and
    the part is rendered afresh every time."""
    source = newsroom.sources[0]
    with pytest.raises(Unkeyable):
        frozen(source)
    page = "{% load newsdesk_web %}{% fragment 'probe' source=source %}{{ source.name }}{% endfragment %}"
    assert render(page, source=source) == source.name
    source.name = "A New Name"
    assert render(page, source=source) == "A New Name"
    assert len(fragments.store) == 0


def test_the_search_box_and_the_cookie_link_are_each_pages_own(newsroom: Newsroom) -> None:
    """The masthead is kept, but the search words in it and the "Cookie settings" address (the page to come
    back to) are the request's own."""
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


def test_an_article_page_asks_the_database_twice(newsroom: Newsroom) -> None:
    """The story with its source and story in one query, its topics' ids in another; the rest (topics,
    "More like this", the frame) is remembered or kept."""
    client = Client()
    article = newsroom.articles[0]
    path = links.article_path(article.pk, article.title)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert len(queries) <= 3, [q["sql"] for q in queries]


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
