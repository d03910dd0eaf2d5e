"""The Django side of the Live News bench: the seeded site, the articles published during a run, and the
transport this process publishes on (bench/live/__main__.py drives them)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta


def seed() -> str:
    """A source and 300 published articles for the pages. Returns an article page's path."""
    from newsdesk.core.bootstrap import ensure_database

    ensure_database()
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.core.links import article_path
    from newsdesk.sources.models import Source

    source = Source.objects.create(url="http://127.0.0.1:9/bench.xml", name="Bench Harbour Gazette")
    now = timezone.now()
    words = "The harbour board met on Tuesday to agree the spring timetable for the ferries and the pier. "
    Article.objects.bulk_create(
        Article(
            source=source, url=f"http://127.0.0.1:9/a/{n}", title=f"Harbour story number {n} of the bench",
            published=now - timedelta(minutes=5 * n), excerpt=(words * 3)[:300] + "…", text=words * 20,
        )
        for n in range(300)
    )  # fmt: skip
    first = Article.objects.order_by("-published").first()
    assert first is not None
    return article_path(first.pk, first.title)


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def publish(count: int, rate: float) -> dict[int, float]:
    """Store `count` articles through the real action, one every 1/rate s; returns id -> commit time."""
    from django.db import transaction
    from django.utils import timezone

    from newsdesk.articles.actions import do_store_article
    from newsdesk.sources.models import Source
    from newsdesk.types import ArticleDraft

    source = Source.objects.get(name="Bench Harbour Gazette")
    committed: dict[int, float] = {}
    tag = uuid.uuid4().hex[:8]
    for n in range(count):
        stamp: list[float] = []

        def committed_now(stamp: list[float] = stamp) -> None:
            stamp.append(time.time())

        with transaction.atomic():
            transaction.on_commit(committed_now)  # registered first, so it runs first at the commit
            _outcome, article_id = do_store_article(
                ArticleDraft(
                    source_id=source.pk, url=f"http://127.0.0.1:9/live/{tag}/{n}", link="", guid=f"{tag}-{n}",
                    fingerprint="", content_hash="", title=f"Live bench story {n}", published=timezone.now(),
                    authors=[], excerpt="A new story for the bench…", categories=[], flags=[],
                )
            )  # fmt: skip
        assert article_id is not None
        committed[article_id] = stamp[0]
        time.sleep(1 / rate)
    return committed


def use_transport(transport_env: dict[str, str]) -> None:
    """This process publishes: it must tell the same transport as the server listens to."""
    from django.conf import settings

    from newsdesk.live.transports import reset_transport

    settings.REDIS_URL = transport_env.get("NEWSDESK_REDIS_URL", "")
    settings.NEWSDESK_LIVE = {
        **settings.NEWSDESK_LIVE,
        "TRANSPORT": transport_env["NEWSDESK_LIVE_TRANSPORT"],
        "CHANNEL_PREFIX": transport_env.get("NEWSDESK_LIVE_CHANNEL_PREFIX", "newsdesk"),
    }
    reset_transport()


def tally(
    arrivals_per_reader: list[list[tuple[int, float]]], committed: dict[int, float]
) -> tuple[list[float], int, int]:
    """Each reader's (article id, arrival time) pairs against the commit times: the sorted latencies in ms
    (first arrival per article), the events lost and the duplicates."""
    latencies: list[float] = []
    lost = duplicates = 0
    for arrivals in arrivals_per_reader:
        seen: dict[int, float] = {}
        for article_id, at in arrivals:
            if article_id in seen:
                duplicates += 1
            seen.setdefault(article_id, at)
        lost += sum(1 for article_id in committed if article_id not in seen)
        latencies.extend((at - committed[a]) * 1000 for a, at in seen.items() if a in committed)
    latencies.sort()
    return latencies, lost, duplicates


def percentile(latencies: list[float], p: float) -> float:
    """The p-th percentile of sorted latencies (nan when there are none)."""
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")
