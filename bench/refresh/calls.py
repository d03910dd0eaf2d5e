"""`python -m bench.refresh.calls`: the per-call CPU of the refresh's per-article and per-chunk statements,
the ORM call they replaced against the SQL built once per process (decision 0018, amendment h12c).

Run against a database that holds a refresh cycle's data (DATABASE_URL, e.g. the bench's PostgreSQL
database after `python -m bench.refresh --only cycle --skip baseline`). One process; each old call and
its new one are interleaved, three rounds, the median of the rounds; the process's own CPU time (not the
database server's). It writes topic links of the articles it reads (the same rows, old and new).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("NEWSDESK_SECRET_KEY", "benchmark-only")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Exists, F, OuterRef
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.live import actions as live
    from newsdesk.live.models import LiveEvent
    from newsdesk.sources.models import Source
    from newsdesk.topics.assign import assign_one, assign_topics
    from newsdesk.websub import actions as websub

    def orm_read(article_id: int) -> Any:
        story = OuterRef("story_member__story_id")
        return (
            Article.objects.published()
            .filter(pk=article_id)
            .select_related("source")
            .defer("text", "content_html")
            .annotate(
                live_announced=Exists(LiveEvent.objects.filter(article_id=OuterRef("pk"))),
                live_story=F("story_member__story_id"),
                live_story_sources=F("story_member__story__source_count"),
                live_story_announced=Exists(
                    LiveEvent.objects.filter(article__story_member__story_id=story, kind="")
                ),
            )
            .first()
        )

    def orm_topics(article_id: int) -> list[str]:
        return sorted(Article(pk=article_id).topics.values_list("slug", flat=True))

    ids = list(Article.objects.values_list("id", flat=True)[:300])
    sources = list(Source.objects.values_list("id", flat=True)[:2000])
    now = timezone.now()
    chunks = [sources[i : i + 22] for i in range(0, len(sources), 22)]

    def each(chunk: list[int]) -> None:
        for source_id in chunk:
            websub.do_not_modified(source_id, now)

    def once(chunk: list[int]) -> None:
        websub.do_not_modified_many(chunk, now)

    calls: dict[str, tuple[Callable[[Any], object], list[Any]]] = {
        "Live News: the article's read, ORM": (orm_read, ids),
        "Live News: the article's read, SQL": (live._publishable, ids),
        "Live News: the article's topics, ORM": (orm_topics, ids),
        "Live News: the article's topics, SQL": (live._topic_slugs, ids),
        "topics receiver: assign_topics([id])": (lambda i: assign_topics([i]), ids),
        "topics receiver: assign_one(id)": (assign_one, ids),
        "WebSub, a chunk's 22 304s: one UPDATE each": (each, chunks),
        "WebSub, a chunk's 22 304s: one UPDATE": (once, chunks),
    }
    print(f"{len(ids)} articles, {len(sources)} sources, {connection.vendor}\n")
    if not ids or not chunks:
        raise SystemExit("no articles or sources: run a refresh cycle into this database first")
    for fn, args in calls.values():  # first-use costs (imports, the SQL built once) out of the figures
        fn(args[0])
    rounds: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(3):
        for name, (fn, args) in calls.items():
            started = time.process_time()
            for arg in args:
                fn(arg)
            rounds[name].append((time.process_time() - started) / len(args) * 1000)
    print("| call | CPU ms per call (median of 3) |\n|---|---|")
    for name, figures in rounds.items():
        print(f"| {name} | {statistics.median(figures):.3f} |")


if __name__ == "__main__":
    main()
