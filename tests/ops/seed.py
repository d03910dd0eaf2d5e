"""A small site with something in every table a backup must keep: sources (one held), published,
quarantined, approved and rejected articles with aliases and topics, subscribers with their consent
proof, and the cookie consent log."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone


def seed_site(articles: int = 12) -> None:
    from newsdesk.articles.actions import do_approve_article, do_reject_article
    from newsdesk.articles.models import Article, ArticleAlias
    from newsdesk.consent.models import ConsentRecord, PolicySnapshot
    from newsdesk.newsletter.models import Consent, Subscriber
    from newsdesk.sources.models import Source
    from newsdesk.topics.models import Topic

    now = timezone.now()
    harbour = Source.objects.create(url="http://127.0.0.1:9/harbour.xml", name="Harbour Gazette")
    ridge = Source.objects.create(
        url="http://127.0.0.1:9/ridge.xml", name="Ridge Courier", held_since=now, held_reason="spam burst"
    )
    topic, _ = Topic.objects.get_or_create(slug="weather", defaults={"name": "Weather"})
    for n in range(articles):
        status = Article.Status.QUARANTINED if n % 4 == 0 else Article.Status.PUBLISHED
        article = Article.objects.create(
            source=harbour if n % 2 else ridge,
            url=f"http://127.0.0.1:9/story-{n}",
            title=f"Tide tables for week {n}",
            published=now - timedelta(days=n),
            created_at=now - timedelta(days=n),
            excerpt=f"The harbour master's note number {n}, written for the backup tests.",
            text=f"Full text of note {n}. " * 20,
            status=status,
            flags=["spam"] if status == Article.Status.QUARANTINED else [],
            integrity={"decision": "quarantine", "score": 7} if status == Article.Status.QUARANTINED else {},
        )
        topic.articles.add(article)
        if n % 3 == 0:
            ArticleAlias.objects.create(
                article=article, source=harbour, guid=f"alias-{n}", link=f"http://127.0.0.1:9/alias-{n}"
            )
    quarantined = list(Article.objects.filter(status=Article.Status.QUARANTINED).order_by("pk"))
    do_approve_article(quarantined[0].pk, reviewer="editor")
    do_reject_article(quarantined[1].pk, reviewer="editor")
    for n in range(3):
        subscriber = Subscriber.objects.create(
            email=f"reader{n}@example.org", status=Subscriber.Status.CONFIRMED, confirmed_at=now,
            digest_cursor=now - timedelta(days=2), next_digest_at=now - timedelta(days=1),
        )  # fmt: skip
        subscriber.sources.set([harbour])
        Consent.objects.create(subscriber=subscriber, action=Consent.Action.SIGNUP, form_version="1")
        Consent.objects.create(subscriber=subscriber, action=Consent.Action.CONFIRM, form_version="1")
    policy = PolicySnapshot.objects.create(version="1", items=[{"name": "newsdesk_consent"}])
    for n in range(4):
        ConsentRecord.objects.create(
            policy=policy, subject=f"{n:064x}", action=ConsentRecord.Action.REJECT_ALL,
            preferences=False, analytics=False, marketing=False, gpc=bool(n % 2),
        )  # fmt: skip


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (our apps', Django's, the search index's)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def decisions() -> list[tuple[str, str, object]]:
    from newsdesk.articles.models import Article

    return list(Article.objects.order_by("url").values_list("url", "status", "integrity"))
