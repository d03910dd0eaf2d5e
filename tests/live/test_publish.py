"""Publishing: an event is written only after the article's transaction commits, only for a
published story, once per story, with the fields the stream promises."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from newsdesk.articles.actions import do_update_article
from newsdesk.articles.models import Article
from newsdesk.articles.signals import article_stored
from newsdesk.live.actions import do_prune_events, do_publish_article
from newsdesk.live.models import LiveEvent
from newsdesk.live.transports import get_transport
from newsdesk.topics.models import Topic

from .helpers import draft, make_source, store

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def memory_transport(settings):
    settings.NEWSDESK_LIVE = {**settings.NEWSDESK_LIVE, "TRANSPORT": "memory"}
    return get_transport()


def test_a_stored_article_becomes_one_event_with_the_promised_fields(memory_transport) -> None:
    source = make_source()
    article = store(source, "Harbour opens a night ferry")
    event = LiveEvent.objects.get()
    data = json.loads(event.data)
    assert set(data) >= {"id", "title", "url", "source", "published", "excerpt", "topics"}
    assert data["id"] == article.pk
    assert data["title"] == "Harbour opens a night ferry"
    assert data["path"] == f"/article/{article.pk}-harbour-opens-a-night-ferry/"
    assert data["url"].endswith(data["path"])
    assert data["url"].startswith("http")
    assert data["source"] == "Harbour Gazette"
    assert data["source_id"] == source.pk
    assert data["published"] == article.published.isoformat()
    assert data["excerpt"] == article.excerpt
    assert data["topics"] == []
    assert "text" not in data  # the full text never leaves through the stream
    assert event.source_id == source.pk
    assert memory_transport.sent == [event.pk]  # the transports hear of it after the commit


def test_a_rolled_back_article_publishes_nothing(memory_transport) -> None:
    from newsdesk.articles.actions import do_store_article

    source = make_source()

    class Abort(Exception):
        pass

    def write_then_fail() -> None:
        with transaction.atomic():
            do_store_article(draft(source, "A story that never was"))
            assert Article.objects.filter(title="A story that never was").exists()
            raise Abort

    with pytest.raises(Abort):
        write_then_fail()
    assert not Article.objects.filter(title="A story that never was").exists()
    assert LiveEvent.objects.count() == 0
    assert memory_transport.sent == []


def test_nothing_is_announced_before_the_outer_transaction_commits(memory_transport) -> None:
    from newsdesk.articles.actions import do_store_article

    source = make_source()
    with transaction.atomic():
        do_store_article(draft(source, "Late-night council vote"))
        assert LiveEvent.objects.count() == 0  # still inside the writer's transaction
    assert LiveEvent.objects.count() == 1
    assert len(memory_transport.sent) == 1


def test_quarantined_articles_never_appear(memory_transport) -> None:
    source = make_source()
    store(source, "Buy cheap watches now", status="quarantined")
    assert LiveEvent.objects.count() == 0
    assert memory_transport.sent == []


def test_an_article_approved_from_quarantine_streams_then(memory_transport) -> None:
    source = make_source()
    article = store(source, "Mayor resigns", status="quarantined")
    assert LiveEvent.objects.count() == 0
    do_update_article(article.pk, draft(source, "Mayor resigns"))  # same fields; status is kept
    assert LiveEvent.objects.count() == 0  # do_update_article keeps the quarantine
    with transaction.atomic():  # what an "approve" action does: save, and announce on commit
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
        transaction.on_commit(
            lambda: article_stored.send(
                sender=Article, article_id=article.pk, created=False, status="published"
            )
        )
    event = LiveEvent.objects.get()
    assert json.loads(event.data)["id"] == article.pk


def test_an_update_of_an_announced_story_is_not_news_again(memory_transport) -> None:
    source = make_source()
    article = store(source, "Bridge closes for repairs")
    do_update_article(article.pk, draft(source, "Bridge closes for repairs until May"))
    assert LiveEvent.objects.count() == 1
    assert len(memory_transport.sent) == 1
    assert do_publish_article(article.pk) is None


def test_an_old_story_from_a_new_source_is_not_live_news(memory_transport, settings) -> None:
    source = make_source()
    store(source, "Last month's regatta results", published=timezone.now() - timedelta(days=30))
    assert LiveEvent.objects.count() == 0
    settings.NEWSDESK_LIVE = {**settings.NEWSDESK_LIVE, "MAX_AGE_HOURS": 0}
    store(source, "Last year's regatta results", published=timezone.now() - timedelta(days=365))
    assert LiveEvent.objects.count() == 1


def test_the_topics_receiver_runs_first_so_the_event_carries_topics(memory_transport) -> None:
    source = make_source()
    for slug in ("science", "transport"):  # a transactional test's flush took the migration's topics away
        Topic.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    article = store(source, "Tidal ferry runs on hydrogen", categories=["Science", "Transport"])
    assert sorted(article.topics.values_list("slug", flat=True)) == ["science", "transport"]
    event = LiveEvent.objects.get()
    assert json.loads(event.data)["topics"] == ["science", "transport"]
    assert event.topic_keys == ",science,transport,"


def test_event_ids_grow_in_commit_order() -> None:
    source = make_source()
    ids = [store(source, f"Story {n}").live_event.pk for n in range(5)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 5


def test_prune_empties_old_payloads_but_keeps_the_mark() -> None:
    source = make_source()
    old = store(source, "Old news")
    new = store(source, "New news")
    LiveEvent.objects.filter(article=old).update(created_at=timezone.now() - timedelta(days=10))
    assert do_prune_events(keep_days=7) == 1
    assert LiveEvent.objects.get(article=old).data == ""
    assert LiveEvent.objects.get(article=new).data != ""
    do_update_article(old.pk, draft(source, "Old news, revised"))
    assert LiveEvent.objects.count() == 2  # still marked as announced


def test_a_failing_transport_never_breaks_the_writer(settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.NEWSDESK_LIVE = {**settings.NEWSDESK_LIVE, "TRANSPORT": "redis"}
    source = make_source()
    article = store(source, "Storm warning for the coast")
    assert Article.objects.filter(pk=article.pk).exists()
    assert LiveEvent.objects.filter(article=article).exists()


def test_publishing_reads_the_article_once_without_its_text_or_the_story_state(memory_transport) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = store(make_source(), "Ferry timetable changes for winter")
    LiveEvent.objects.all().delete()
    with CaptureQueriesContext(connection) as seen:
        event_id = do_publish_article(article.pk)
    assert event_id is not None
    assert (
        json.loads(LiveEvent.objects.get(pk=event_id).data)["title"] == "Ferry timetable changes for winter"
    )
    skipped = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
    statements = [q["sql"] for q in seen.captured_queries if not q["sql"].startswith(skipped)]
    # The lock (PostgreSQL only), the article with its source and story, its topics, the insert.
    assert len(statements) <= 4, statements
    assert sum('FROM "articles_article"' in sql for sql in statements) == 1
    assert not any(
        '"articles_article"."text"' in sql or '"stories_story"."terms"' in sql for sql in statements
    )
