"""The article page reads its story's topic ids in the story's own query (newsdesk.topics.queries.
with_topic_ids, an annotation the prepared query sets on the instance): the same topics the link table
holds, none for a story in none, and a changed assignment in the next page."""

from __future__ import annotations

import pytest
from django.test import Client

from newsdesk.articles.models import Article
from newsdesk.core import links
from newsdesk.core.prepared import Prepared
from newsdesk.topics.actions import do_set_article_topics
from newsdesk.topics.models import Topic
from newsdesk.topics.queries import topic_ids, with_topic_ids
from newsdesk.web import queries
from newsdesk.web.views.pages import _published_article
from tests.support.newsroom import make_article

pytestmark = pytest.mark.django_db


def _topics(*slugs: str) -> list[Topic]:
    return [Topic.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0] for slug in slugs]


def _ids_of(article: Article) -> str | None:
    joined: str | None = article.topic_ids  # type: ignore[attr-defined]  # the annotation
    return joined


def test_the_ids_are_the_link_tables() -> None:
    sport, weather, farming = _topics("sport", "weather", "farming")
    none, one, three = make_article(), make_article(), make_article()
    do_set_article_topics({one.pk: ["weather"], three.pk: ["sport", "weather", "farming"]})
    by_id = Prepared(lambda pk: with_topic_ids(Article.objects.filter(pk=pk)), probes=(-1,))
    expected = {none.pk: set(), one.pk: {weather.pk}, three.pk: {sport.pk, weather.pk, farming.pk}}
    for pk, ids in expected.items():
        (article,) = by_id.run(pk)
        assert set(topic_ids(_ids_of(article))) == ids
        assert len(topic_ids(_ids_of(article))) == len(ids)  # each once
    assert _ids_of(by_id.run(none.pk)[0]) is None


def test_the_page_shows_the_same_topics_as_the_link_table_and_follows_a_change() -> None:
    _topics("sport", "weather", "farming")
    article = make_article(title="A story with topics")
    do_set_article_topics({article.pk: ["weather", "sport"]})
    plain = Article.objects.get(pk=article.pk)  # no topic_ids: article_topics reads the link table
    read = _published_article(article.pk)
    assert [t.slug for t in queries.article_topics(read)] == [t.slug for t in queries.article_topics(plain)]
    assert [t.slug for t in queries.article_topics(read)] == ["sport", "weather"]  # by name
    path = links.article_path(article.pk, article.title)
    html = Client().get(path).content.decode()
    assert links.topic_path("weather") in html
    assert links.topic_path("farming") not in html
    do_set_article_topics({article.pk: ["farming"]})
    html = Client().get(path).content.decode()
    assert links.topic_path("farming") in html
    assert links.topic_path("weather") not in html
