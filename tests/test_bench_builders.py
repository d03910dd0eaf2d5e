"""The benchmarks' data builders still fit the schema (a benchmark is not run by the suite; its set-up is).

The newsletter benchmark's builder once broke silently when the default topics became part of the database.
"""

from __future__ import annotations

import pytest

from bench.newsletter.setup import TOPICS, build
from newsdesk.articles.models import Article
from newsdesk.newsletter.models import Subscriber
from newsdesk.topics.models import Topic

pytestmark = pytest.mark.django_db


def test_newsletter_bench_builder_fills_a_database_holding_the_default_topics() -> None:
    defaults = Topic.objects.count()
    build(12, stories=20)
    assert Subscriber.objects.filter(status="confirmed").count() == 12
    assert Article.objects.count() == 20
    slugs = set(Topic.objects.values_list("slug", flat=True))
    assert {t.lower() for t in TOPICS} <= slugs
    assert Topic.objects.count() >= defaults
    assert all(article.topics.exists() for article in Article.objects.all())
