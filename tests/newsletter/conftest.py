"""Fixtures for the newsletter: a real SMTP server on loopback, and topics, sources and stories."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from .smtp_sink import SMTPSink

_counter = itertools.count(1)


@pytest.fixture
def sink() -> Iterator[SMTPSink]:
    with SMTPSink() as server:
        yield server


@pytest.fixture
def smtp(sink: SMTPSink, settings) -> SMTPSink:
    """Django's mail goes to the loopback SMTP server, through our SMTP backend."""
    settings.EMAIL_BACKEND = "newsdesk.newsletter.mailer.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return sink


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def make_topic(slug: str, name: str | None = None):
    from newsdesk.topics.models import Topic

    # The topic set may already hold it (a data migration seeds the curated topics).
    topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name or slug.title()})
    return topic


def make_source(name: str = "Harbour Gazette"):
    from newsdesk.sources.models import Source

    n = next(_counter)
    return Source.objects.create(
        url=f"http://127.0.0.1:9/feed-{n}.xml", name=name, site_url="http://127.0.0.1:9/"
    )


def make_article(source, title: str, *, topics=(), stored: datetime | None = None, status: str = "published"):
    from newsdesk.articles.models import Article

    n = next(_counter)
    when = stored or timezone.now()
    article = Article.objects.create(
        source=source,
        url=f"http://127.0.0.1:9/story-{n}",
        title=title,
        published=when - timedelta(minutes=5),
        excerpt=f"{title}: a short synthetic summary written for the newsletter tests, ending here…",
        status=status,
        created_at=when,
    )
    for topic in topics:
        topic.articles.add(article)
    return article


def confirmed_subscriber(email: str, *, topics=(), sources=(), frequency: str = "daily",
                         since: datetime | None = None):  # fmt: skip
    from newsdesk.newsletter.models import Subscriber

    when = since or timezone.now() - timedelta(days=2)
    subscriber = Subscriber.objects.create(
        email=email, status=Subscriber.Status.CONFIRMED, frequency=frequency, confirmed_at=when,
        digest_cursor=when, next_digest_at=when + timedelta(days=1),
    )  # fmt: skip
    subscriber.topics.set(topics)
    subscriber.sources.set(sources)
    return subscriber
