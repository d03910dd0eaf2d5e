"""The Django side of the refresh benchmarks, run in its own process with DATABASE_URL set.

- `setup FARM_JSON FEEDS`: FEEDS sources on the farm's sites, each holding ETag "v0" and due now.
- `reset`: articles deleted, every source back to ETag "v0", due now, not queued (for the next run).
- `enqueue`: the scheduler's own enqueue of every due source (one task each).
- `problems FRESH`: sources whose last check failed, never checked, or with fewer articles than served.
- `pending`: prints how many refresh tasks are not finished yet.
- `one URL [WARM_URL]`: one source refreshed in this process (the page benchmark); prints JSON. With
  WARM_URL, another source is refreshed first, unmeasured, as a long-running worker's earlier tasks
  would (the first refresh of a process also loads the language model, the URL map and the lexicons).
- `profile URL`: the same under cProfile, timing CPU per thread (the calling thread and each page
  thread, merged); prints the
  top functions by own time and by cumulative time, then the JSON line.
"""

from __future__ import annotations

import cProfile
import functools
import json
import os
import pstats
import resource
import sys
import threading
import time
from typing import Any


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


def one(url: str, profile: bool = False, warm_url: str = "") -> None:
    from newsdesk.articles.models import Article
    from newsdesk.ingest.pipeline import Pipeline
    from newsdesk.ingest.policy import fetch_policy
    from newsdesk.ingest.stages.fetch import Fetcher
    from newsdesk.sources.models import Source

    if warm_url:
        with Fetcher(fetch_policy()) as fetcher:
            Pipeline(fetcher).refresh_source(Source.objects.create(url=warm_url, name="Warm-up").pk)
    source = Source.objects.create(url=url, name="Pages")
    profiles: list[cProfile.Profile] = []
    if profile:
        profiles.append(cProfile.Profile(time.thread_time))
        _profile_page_threads(Pipeline, profiles)
        profiles[0].enable()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with Fetcher(fetch_policy()) as fetcher:
        report = Pipeline(fetcher).refresh_source(source.pk)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    if profile:
        profiles[0].disable()
        stats = pstats.Stats(profiles[0])
        for extra in profiles[1:]:
            stats.add(extra)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
        if os.environ.get("BENCH_PROFILE_OUT"):
            stats.dump_stats(os.environ["BENCH_PROFILE_OUT"])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    stored = Article.objects.filter(source=source).count()
    print(json.dumps({"new": report.new, "stored": stored, "failed": report.failed_entries,
                      "seconds": seconds, "cpu": cpu}))  # fmt: skip


def _profile_page_threads(pipeline: Any, profiles: list[cProfile.Profile]) -> None:
    """Each page thread's work under its own profiler (cProfile sees one thread only)."""
    original = pipeline._extract_page
    local = threading.local()

    @functools.wraps(original)
    def profiled(self: Any, link: str) -> Any:
        if not hasattr(local, "profile"):
            local.profile = cProfile.Profile(time.thread_time)
            profiles.append(local.profile)
        local.profile.enable()
        try:
            return original(self, link)
        finally:
            local.profile.disable()

    pipeline._extract_page = profiled


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
        one(sys.argv[2], warm_url=sys.argv[3] if len(sys.argv) > 3 else "")
    elif command == "profile":
        one(sys.argv[2], profile=True, warm_url=sys.argv[3] if len(sys.argv) > 3 else "")
