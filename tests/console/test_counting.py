"""The actions keep the console's tables: a real poll of a loopback feed counts the fetch by outcome, its
time and the articles stored, per source and day and per site hour and day; failures set failing_since.
The page cache and the task queue count too."""

from __future__ import annotations

import io
import sys
import threading
import time
from collections.abc import Iterator

import django.db
import pytest
from django.db import transaction

from newsdesk.console.site_charts import counts_of
from newsdesk.core import tallies
from newsdesk.core.models import Tally
from newsdesk.core.pagecache import PageCache
from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.sources.models import FETCH_MS_COLUMNS, Source, SourceDay
from tests.support.loopback import LoopbackServer, Reply, SeenRequest, reply

pytestmark = pytest.mark.django_db

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Post</title><link>{base}/</link>
<item><title>Night ferry timetable changes</title><link>{base}/a</link><guid>a</guid>
<description>The night ferry leaves later from Monday, the harbour office says.</description></item>
<item><title>Fish market opens a second hall</title><link>{base}/b</link><guid>b</guid>
<description>A second hall opens at the fish market this spring, with twelve new stalls.</description></item>
</channel></rss>"""


class Outlet:
    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.mode = "ok"
        server.route("/robots.txt", reply("User-agent: *\nAllow: /\n"))
        server.route("/feed.xml", self.feed)
        for path in ("/a", "/b"):
            server.route(path, reply("gone", status=404))

    def feed(self, request: SeenRequest) -> Reply:
        if self.mode == "down":
            return reply("busy", status=503)
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(status=304, headers=(("ETag", '"v1"'),))
        body = FEED.format(base=self.server.url("").rstrip("/"))
        return reply(body, "application/rss+xml", headers={"ETag": '"v1"'})


@pytest.fixture
def outlet() -> Iterator[Outlet]:
    with LoopbackServer() as server:
        yield Outlet(server)


def poll(source: Source) -> None:
    with Fetcher(fetch_policy()) as fetcher:
        Pipeline(fetcher).refresh_source(source.pk)


def test_a_poll_counts_its_outcome_time_and_articles(outlet: Outlet) -> None:
    source = Source.objects.create(url=outlet.server.url("/feed.xml"), name="Quay Post")
    poll(source)
    day = SourceDay.objects.get(source=source)
    assert (day.fetches, day.new_content, day.not_modified, day.failures, day.articles) == (1, 1, 0, 0, 2)
    assert sum(getattr(day, c) for c in FETCH_MS_COLUMNS) == 1
    assert day.fetch_seconds > 0
    assert counts_of("fetch") == {"new": 1}
    assert counts_of("articles") == {"published": 2}
    # Both buckets, the hour's and the day's.
    assert Tally.objects.filter(metric="fetch", label="new").count() == 2

    poll(source)  # answered 304
    outlet.mode = "down"
    poll(source)
    poll(source)
    day.refresh_from_db()
    assert (day.fetches, day.new_content, day.not_modified, day.failures, day.articles) == (4, 1, 1, 2, 2)
    assert counts_of("fetch") == {"new": 1, "not_modified": 1, "error:http-5xx": 2}
    source.refresh_from_db()
    first_failure = source.failing_since
    assert first_failure is not None
    assert source.error_count == 2

    outlet.mode = "ok"
    poll(source)
    source.refresh_from_db()
    assert source.failing_since is None


def test_counting_is_part_of_the_callers_transaction() -> None:
    def counted_then_failed() -> None:
        with transaction.atomic():
            tallies.add("fetch", "new")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        counted_then_failed()
    assert counts_of("fetch") == {}
    tallies.add("fetch", "new", total=0.5)
    tallies.add("fetch", "new", count=2, total=1.0)
    points = tallies.series("fetch", tallies.HOUR, buckets=24)["new"]
    assert len(points) == 24
    assert (points[-1].count, points[-1].total) == (3, 1.5)
    assert all(p.count == 0 for p in points[:-1])


def test_the_page_cache_counts_hits_misses_and_passes_in_a_batch() -> None:
    batch = tallies.Batch(seconds=3600)  # written when flushed, not per request

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Cache-Control", "public, max-age=60"),
                                  ("Content-Length", "2")])  # fmt: skip
        return [b"ok"]

    cache = PageCache(app, ttl=60, counter=lambda outcome: batch.add("pages", outcome))

    def get(**extra: str) -> None:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "SERVER_NAME": "t",
                   "HTTP_HOST": "t", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
                   "wsgi.errors": sys.stderr, **extra}  # fmt: skip
        b"".join(cache(environ, lambda *a: lambda b: None))

    get()
    get()
    get()
    get(HTTP_COOKIE="x=1")
    assert counts_of("pages") == {}  # nothing written yet
    batch.flush()
    assert counts_of("pages") == {"MISS": 1, "HIT": 2, "PASS": 1}


def test_tasks_count_their_queueing_wait_and_run() -> None:
    from newsdesk.ingest.tasks import refresh_source

    refresh_source.enqueue(999_999)  # no such source: the task records only that it is gone
    assert counts_of("task.enqueued") == {"refresh_source": 1}
    assert counts_of("task.started") == {"refresh_source": 1}
    assert sum(counts_of("task.finished").values()) == 1


def test_the_batch_thread_outlives_a_failed_look_at_its_connection(monkeypatch) -> None:
    """The thread that writes batched counts must not die when checking its connection fails (a test's
    closed database, a server gone): a dead thread would drop every later count of the process."""

    real = django.db.close_old_connections
    failures: list[int] = []

    def failing_once() -> None:
        # The thread holds this function for its whole life (imported when it starts): it fails once,
        # then does the real work, so the thread is quiet for the rest of the session.
        if not failures:
            failures.append(1)
            raise RuntimeError("no database here")
        real()

    monkeypatch.setattr(django.db, "close_old_connections", failing_once)
    written: list[list[tuple[str, str, int, float]]] = []
    second = threading.Event()

    def write(items) -> None:
        written.append(list(items))
        if len(written) == 2:
            second.set()

    batch = tallies.Batch(seconds=0.05, write=write)
    batch.add("pages", "cached")
    deadline = time.monotonic() + 5
    while not written and time.monotonic() < deadline:
        time.sleep(0.01)
    batch.add("pages", "cached", count=2)
    assert second.wait(5), "the thread stopped after its first failed connection check"
    assert written == [[("pages", "cached", 1, 0.0)], [("pages", "cached", 2, 0.0)]]
    assert failures == [1]
