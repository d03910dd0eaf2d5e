"""`python -m bench.stories`: story assignment speed, against a same-run TF-IDF cosine baseline.

For each size N (default 10,000 and 100,000):
1. a synthetic stream of N articles (bench/stories/synthetic.py) is clustered with the pure core in
   memory, and the resulting stories, members, candidate index and document frequencies are written
   to a fresh database (bulk inserts: the same rows the online path would have written);
2. ours: `do_assign_story` places --queries new articles that arrive after the N (the real action: it
   reads the index and the frequencies, decides, writes the story, member, keys and counts), timed
   one by one: median wall and CPU milliseconds per article;
3. anchor: TF-IDF cosine (scikit-learn) of each new article against every open story's centroid,
   the same stories, in memory (vectoriser fitted on the N articles beforehand, not timed);
4. rebuild throughput (articles per second): `do_rebuild` over the first --rebuild articles, against
   the same TF-IDF cosine clustering done online over them.

SQLite in a temporary directory by default; DATABASE_URL selects PostgreSQL. Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bench.stories.synthetic import Item, stream


def _setup() -> None:
    os.environ.setdefault("NEWSDESK_DATA_DIR", tempfile.mkdtemp(prefix="newsdesk-bench-stories-"))
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.base", NEWSDESK_SECRET_KEY="bench-only")  # noqa: S106
    os.environ["NEWSDESK_STORIES"] = "0"  # the bench places articles itself
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _timed(fn: Callable[[], Any]) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def _text(item: Item) -> str:
    return f"{item.title}\n{item.lead}\n{item.text}"


def populate(items: list[Item]) -> dict[str, Any]:
    """Cluster in memory, then write the database rows in bulk. Returns the memory index."""
    from django.db import connection, transaction

    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source
    from newsdesk.stories import actions
    from newsdesk.stories.core import signals
    from newsdesk.stories.memory import MemoryIndex
    from newsdesk.stories.models import Story, StoryKey, StoryMember, TermFrequency

    p = actions.params()
    index = MemoryIndex(p)
    sigs = {}
    for item in items:
        sig = signals(item.title, item.lead, item.text, "en", item.published, params=p)
        sigs[item.id] = sig
        index.assign(str(item.id), sig)
    with transaction.atomic():
        for model in (StoryKey, StoryMember, Story, TermFrequency, Article, Source):
            model.objects.all().delete()
        sources = [
            Source.objects.create(name=f"Outlet {i}", url=f"http://outlet-{i}.test/feed") for i in range(5)
        ]
        articles = [
            Article(
                id=item.id,
                source=sources[item.id % 5],
                url=f"http://outlet.test/{item.id}",
                title=item.title,
                excerpt=item.lead,
                text=item.text,
                language="en",
                published=item.published,
            )
            for item in items
        ]
        Article.objects.bulk_create(articles, batch_size=2000)
        stories = []
        by_id = {item.id: item for item in items}
        for story in index.stories.values():
            first = int(story.members[0])
            stories.append(
                Story(
                    id=story.id,
                    title=by_id[first].title,
                    lead_id=first,
                    first_published=sigs[first].published,
                    last_updated=story.last_updated or sigs[first].published,
                    article_count=len(story.members),
                    source_count=len({int(m) % 5 for m in story.members}),
                    source_ids=sorted({sources[int(m) % 5].pk for m in story.members}),
                    terms=dict(story.terms.most_common(actions.MAX_TERMS)),
                    minhashes=[list(m) for m in story.minhashes[: actions.MAX_MINHASHES]],
                )
            )
        Story.objects.bulk_create(stories, batch_size=2000)
        StoryMember.objects.bulk_create(
            [StoryMember(article_id=int(a), story_id=s) for a, s in index.assignment.items()], batch_size=5000
        )
        StoryKey.objects.bulk_create(
            [StoryKey(key=k[:100], story_id=s) for k, ids in index.postings.items() for s in ids],
            batch_size=5000,
        )
        TermFrequency.objects.bulk_create(
            [TermFrequency(term=t, df=n) for t, n in index.df.items()]
            + [TermFrequency(term="", df=index.n_docs)],
            batch_size=5000,
        )
        if connection.vendor == "postgresql":
            for model in (Story, Article):
                table = model._meta.db_table
                with connection.cursor() as cursor:
                    latest = f"(SELECT MAX(id) FROM {table})"  # noqa: S608 - our own table name
                    sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), {latest})"
                    cursor.execute(sql, [table])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"index": index, "sigs": sigs}


def _chunked(model: Any, rows: Any, size: int = 20000) -> None:
    import itertools

    while chunk := list(itertools.islice(rows, size)):
        model.objects.bulk_create(chunk, batch_size=5000)


def ours(queries: list[Item]) -> tuple[float, float]:
    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source
    from newsdesk.stories.actions import do_assign_story

    source = Source.objects.order_by("id")[0]
    walls, cpus = [], []
    for item in queries:
        article = Article.objects.create(
            id=item.id, source=source, url=f"http://outlet.test/{item.id}", title=item.title,
            excerpt=item.lead, text=item.text, language="en", published=item.published,
        )  # fmt: skip
        article_id = article.pk
        wall, cpu = _timed(lambda: do_assign_story(article_id))  # noqa: B023 - called at once
        walls.append(wall)
        cpus.append(cpu)
    return _median_ms(walls), _median_ms(cpus)


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stories", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rebuild", type=int, default=5000, help="articles for the rebuild throughput")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from newsdesk.stories import actions

    open_hours = actions.params().open_hours
    machine = platform.processor() or platform.machine()
    print(
        f"Machine: {machine}, {os.cpu_count()} cores, shared with other jobs; database: {connection.vendor}"
    )
    print()
    print(
        "| articles | ours: assign (median ms, wall / CPU) "
        "| TF-IDF cosine over open stories (median CPU ms) | ratio (CPU) |"
    )
    print("|---|---|---|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        items = stream(size + args.queries, seed=size)
        known, queries = items[:size], items[size:]
        t = time.perf_counter()
        state = populate(known)
        setup = time.perf_counter() - t
        wall, cpu = ours(queries)
        anchor = baseline(known, state["index"].assignment, queries, open_hours)
        print(f"| {size:,} | {wall:.2f} / {cpu:.2f} | {anchor:.2f} | {cpu / anchor:.2f} |")
        print(f"(set-up {setup:.0f} s, {len(state['index'].stories):,} stories)", file=sys.stderr)
    n = args.rebuild
    items = stream(n, seed=n + 7)
    populate(items)
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


if __name__ == "__main__":
    main()
