"""`python -m bench.stories`: story assignment speed, against a same-run TF-IDF cosine baseline.

For each size N (default 10,000 and 100,000):
1. a database of N synthetic articles (bench/stories/synthetic.py: events reported by 1 to 5 outlets over a
   month), inserted in bulk and clustered by `stories rebuild` (bench/stories/data.py). It is built once and
   kept in --data-dir; each run works on a copy, so the built one is reused across runs;
2. ours: `do_assign_story` places --queries new articles that arrive after the N (the real action: it
   reads the index and the frequencies, decides, writes the story, member, keys and counts, commits),
   timed one by one: CPU milliseconds per article, median and 90th percentile, and the median wall
   time. The quiet stories are closed once per hour of bench time, untimed, by the hourly prune job's own
   stories batch (newsdesk/web/retention.py, `stories_batch`);
3. anchor: TF-IDF cosine (scikit-learn) of each new article against every open story's centroid,
   the same stories, in memory (vectoriser fitted on the N articles beforehand, not timed);
4. rebuild throughput (articles per second): `do_rebuild` over --rebuild articles, against the same
   TF-IDF cosine clustering done online over them.

SQLite by default; DATABASE_URL=postgres://…/NAME selects PostgreSQL (the built databases are NAME_<label>,
the working copy NAME_work). Prints Markdown; progress and the index's size go to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.stories import data
from bench.stories.synthetic import Item, stream


def _setup(data_dir: Path) -> None:
    os.environ.setdefault("NEWSDESK_DATA_DIR", str(data_dir))
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.base", NEWSDESK_SECRET_KEY="bench-only")  # noqa: S106
    os.environ["NEWSDESK_STORIES"] = "0"  # the bench places articles itself
    os.environ["NEWSDESK_DB_CONN_MAX_AGE"] = "0"
    import django

    django.setup()


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _p90_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1] * 1000


def _timed(fn: Callable[[], Any]) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def _text(item: Item) -> str:
    return f"{item.title}\n{item.lead}\n{item.text}"


def ours(queries: list[Item], profile: cProfile.Profile | None = None) -> tuple[list[float], list[float]]:
    """Place each query article with the real action; wall and CPU seconds per article."""
    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source
    from newsdesk.stories.actions import do_assign_story
    from newsdesk.web import retention

    sources = list(Source.objects.order_by("id"))
    walls, cpus = [], []
    hour = None
    for item in queries:
        if item.published.replace(minute=0, second=0, microsecond=0) != hour:
            # The hourly prune job closes the quiet stories; here at the same cadence in bench time,
            # outside the timed placement, so the index met is the one a real site has.
            hour = item.published.replace(minute=0, second=0, microsecond=0)
            retention.apply([retention.stories_batch(item.published)])
        article = Article.objects.create(
            id=item.id, source=sources[item.id % len(sources)], url=f"http://outlet.test/{item.id}",
            title=item.title, excerpt=item.lead, text=item.text, language="en", published=item.published,
        )  # fmt: skip
        article_id = article.pk
        if profile:
            profile.enable()
        wall, cpu = _timed(lambda: do_assign_story(article_id))  # noqa: B023 - called at once
        if profile:
            profile.disable()
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def _shape(since: Any) -> str:
    """The size of the index the queries meet."""
    from newsdesk.stories.models import Story, StoryKey

    stories = Story.objects.count()
    open_ = Story.objects.filter(last_updated__gte=since).count()
    keys = StoryKey.objects.count()
    distinct = StoryKey.objects.values("key").distinct().count()
    return f"{stories:,} stories ({open_:,} open), {keys:,} key rows over {distinct:,} keys"


def baseline(items: list[Item], assignment: dict[str, int], queries: list[Item], open_hours: float) -> float:
    """TF-IDF cosine of each query against every open story's centroid (same stories as ours)."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    matrix = vectorizer.fit_transform([_text(i) for i in items])
    story_of = np.array([assignment[str(i.id)] for i in items])
    n_stories = int(story_of.max())
    membership = sparse.csr_matrix(
        (np.ones(len(items)), (story_of - 1, np.arange(len(items)))), shape=(n_stories, len(items))
    )
    centroids = normalize(membership @ matrix)
    last = np.zeros(n_stories, dtype="datetime64[s]")
    for item, s in zip(items, story_of, strict=True):
        last[s - 1] = max(last[s - 1], np.datetime64(item.published.replace(tzinfo=None), "s"))
    samples = []
    for q in queries:
        start = time.process_time()
        since = np.datetime64((q.published - timedelta(hours=open_hours)).replace(tzinfo=None), "s")
        open_rows = np.flatnonzero(last >= since)
        vector = vectorizer.transform([_text(q)])
        sims = centroids[open_rows] @ vector.T
        _ = int(open_rows[sims.toarray().argmax()]) if open_rows.size else None
        samples.append(time.process_time() - start)
    return _median_ms(samples)


def baseline_rebuild(items: list[Item], open_hours: float, threshold: float = 0.3) -> float:
    """Online TF-IDF clustering of the items (join the most similar open centroid above a threshold):
    articles per second of CPU."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.process_time()
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([_text(i) for i in items])
    centroids: list[Any] = []
    last: list[Any] = []
    for row, item in enumerate(items):
        v = matrix[row]
        since = item.published - timedelta(hours=open_hours)
        open_ids = [k for k, t in enumerate(last) if t >= since]
        best, score = -1, 0.0
        if open_ids:
            from scipy import sparse

            block = sparse.vstack([centroids[k] for k in open_ids])
            norms = np.sqrt(block.multiply(block).sum(axis=1)).A.ravel()
            sims = (block @ v.T).toarray().ravel() / np.maximum(norms, 1e-9)
            j = int(sims.argmax())
            best, score = open_ids[j], float(sims[j])
        if score >= threshold:
            centroids[best] = centroids[best] + v
            last[best] = max(last[best], item.published)
        else:
            centroids.append(v)
            last.append(item.published)
    return len(items) / (time.process_time() - start)


def _assignment() -> dict[str, int]:
    """article id -> a dense story number, as the built database has them."""
    from newsdesk.stories.models import StoryMember

    rows = StoryMember.objects.values_list("article_id", "story_id")
    dense: dict[int, int] = {}
    return {str(a): dense.setdefault(s, len(dense) + 1) for a, s in rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.stories",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rebuild", type=int, default=5000, help="articles for the rebuild throughput")
    parser.add_argument("--data-dir", type=Path, help="keep the built databases here and reuse them")
    parser.add_argument("--build-only", action="store_true", help="build the databases, measure nothing")
    parser.add_argument("--profile", type=Path, help="cProfile the assignments into PROFILE.<size>")
    args = parser.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes: comma-separated numbers of articles, not {args.sizes!r}")
    if min(sizes) < 1 or args.queries < 10 or args.rebuild < 1:
        parser.error("--sizes and --rebuild must be positive and --queries at least 10")
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="newsdesk-bench-stories-"))
    _setup(data_dir)
    from django.conf import settings
    from django.db import connection

    from newsdesk.stories import actions

    store = data.Store(data_dir.resolve(), str(settings.DATABASES["default"]["NAME"]).split("/")[-1])
    open_hours = actions.params().open_hours
    machine = platform.processor() or platform.machine()
    print(
        f"Machine: {machine}, {os.cpu_count()} cores, shared with other jobs; database: {connection.vendor}"
    )
    print(f"Load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print(
        "| articles | ours: assign, CPU ms (median / p90) | wall ms (median) "
        "| TF-IDF cosine over open stories (median CPU ms) | ratio (CPU medians) |"
    )
    print("|---|---|---|---|---|")
    for size in sizes:
        items = stream(size + args.queries, seed=size)
        known, queries = items[:size], items[size:]
        label = f"stories_{size}_{args.queries}"
        meta = {"version": data.VERSION, "size": size, "queries": args.queries}
        if store.built(label, meta) is None:
            print(f"building {size:,} articles ...", file=sys.stderr)
            store.fresh(label)
            took = data.build(known)
            store.seal(label, meta)
            print(f"  built in {took:.0f} s", file=sys.stderr)
        if args.build_only:
            continue
        store.copy(label)
        print(f"{size:,}: {_shape(queries[0].published - timedelta(hours=open_hours))}", file=sys.stderr)
        profile = cProfile.Profile(time.process_time) if args.profile else None
        walls, cpus = ours(queries, profile)
        if profile:
            out = Path(f"{args.profile}.{size}")
            profile.dump_stats(out)
            pstats.Stats(str(out), stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        anchor = baseline(known, _assignment(), queries, open_hours)
        cpu = _median_ms(cpus)
        print(
            f"| {size:,} | {cpu:.2f} / {_p90_ms(cpus):.2f} | {_median_ms(walls):.2f} "
            f"| {anchor:.2f} | {cpu / anchor:.2f} |"
        )
    if args.build_only:
        return
    n = args.rebuild
    items = stream(n, seed=n + 7)
    store.fresh("rebuild")
    data.insert_articles(items)
    from newsdesk.stories.actions import do_rebuild

    w, c = _timed(do_rebuild)
    anchor_rate = baseline_rebuild(items, open_hours)
    print()
    print(
        "| rebuild, articles | ours (articles/s, wall / CPU) "
        "| online TF-IDF cosine (articles/s CPU) | ratio (CPU) |"
    )
    print("|---|---|---|---|")
    print(f"| {n:,} | {n / w:.0f} / {n / c:.0f} | {anchor_rate:.0f} | {(n / c) / anchor_rate:.2f} |")
    print(f"Load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
