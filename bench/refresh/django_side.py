"""The Django side of the refresh benchmarks, run in its own process with DATABASE_URL set.

- `setup FARM_JSON FEEDS`: FEEDS sources on the farm's sites, each holding ETag "v0" and due now.
- `reset`: articles deleted, every source back to ETag "v0", due now, not queued (for the next run).
- `enqueue`: the scheduler's own enqueue of every due source (one task each).
- `problems FRESH`: sources whose last check failed, never checked, or with fewer articles than served.
- `pending`: prints how many refresh tasks are not finished yet.
- `one URL`: one source refreshed in this process (the page benchmark); prints JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def setup(sites: list[list], feeds: int) -> None:
    from newsdesk.sources.models import Source

    Source.objects.bulk_create(
        [
            Source(
                url=f"http://{sites[i % len(sites)][0]}:{sites[i % len(sites)][1]}/feed/{i}.xml",
                name=f"Feed {i}",
                etag='"v0"',
                interval_seconds=3600,
            )
            for i in range(feeds)
        ],
        batch_size=1000,
    )


def reset() -> None:
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source

    Article.objects.all().delete()
    Source.objects.update(etag='"v0"', next_check_at=timezone.now(), queued_at=None, last_fetched=None)
    try:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
    except ImportError:
        pass


def enqueue() -> None:
    from django.utils import timezone

    from newsdesk.ingest.scheduler import enqueue_due

    print(json.dumps({"enqueued": len(enqueue_due(timezone.now()))}))


def pending() -> None:
    from django_tasks_db.models import DBTaskResult

    done = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"]).count()
    print(json.dumps({"pending": DBTaskResult.objects.count() - done, "done": done}))


def articles() -> None:
    from newsdesk.articles.models import Article

    print(json.dumps({"articles": Article.objects.count()}))


def problems(fresh: float) -> None:
    """Sources whose last check failed (by message), sources never checked, and the fresh feeds that
    have fewer articles than the farm served them (with the ids of a few)."""
    from collections import Counter

    from django.db.models import Count

    from bench.refresh.farm import is_fresh, new_items
    from newsdesk.sources.models import Source

    errors = Counter(Source.objects.exclude(last_error="").values_list("last_error", flat=True))
    unchecked = Source.objects.filter(last_fetched__isnull=True).count()
    short = [
        (pk, n)
        for pk, url, n in Source.objects.annotate(n=Count("articles")).values_list("pk", "url", "n")
        if is_fresh(i := int(url.rsplit("/", 1)[1].split(".")[0]), fresh) and n < new_items(i)
    ]
    print(json.dumps({"errors": dict(errors.most_common(5)), "never_checked": unchecked,
                      "short": len(short), "short_ids": short[:5]}))  # fmt: skip


def one(url: str) -> None:
    from newsdesk.articles.models import Article
    from newsdesk.ingest.pipeline import Pipeline
    from newsdesk.ingest.policy import fetch_policy
    from newsdesk.ingest.stages.fetch import Fetcher
    from newsdesk.sources.models import Source

    source = Source.objects.create(url=url, name="Pages")
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with Fetcher(fetch_policy()) as fetcher:
        report = Pipeline(fetcher).refresh_source(source.pk)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    stored = Article.objects.filter(source=source).count()
    print(json.dumps({"new": report.new, "stored": stored, "failed": report.failed_entries,
                      "seconds": seconds, "cpu": cpu}))  # fmt: skip


if __name__ == "__main__":
    from newsdesk.core.bootstrap import ensure_database

    ensure_database()
    command = sys.argv[1]
    if command == "setup":
        setup(json.loads(sys.argv[2])["sites"], int(sys.argv[3]))
    elif command == "reset":
        reset()
    elif command == "enqueue":
        enqueue()
    elif command == "pending":
        pending()
    elif command == "problems":
        problems(float(sys.argv[2]))
    elif command == "articles":
        articles()
    elif command == "one":
        one(sys.argv[2])
