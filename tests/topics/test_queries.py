"""in_topic: the same articles as a JOIN would give, in the same order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsdesk.articles.models import Article
from newsdesk.topics.actions import do_set_article_topics
from newsdesk.topics.models import Topic
from newsdesk.topics.queries import in_topic
from tests.support.newsroom import NOW, make_article

pytestmark = pytest.mark.django_db


def test_in_topic_matches_the_join():
    made = [make_article(published=NOW - timedelta(hours=i)) for i in range(6)]
    do_set_article_topics({m.pk: ["sport"] for m in made[::2]} | {m.pk: ["weather"] for m in made[1::2]})
    Article.objects.filter(pk=made[2].pk).update(status=Article.Status.QUARANTINED)
    sport = Topic.objects.get(slug="sport")
    newest = Article.objects.published().newest_first()
    expected = list(newest.filter(topics=sport).values_list("pk", flat=True))
    assert list(in_topic(newest, sport).values_list("pk", flat=True)) == expected == [made[0].pk, made[4].pk]
    assert list(in_topic(newest, sport.pk)[:1].values_list("pk", flat=True)) == [made[0].pk]
    assert "EXISTS" in str(in_topic(newest, sport).query).upper()
