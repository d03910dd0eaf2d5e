"""A chunk of due sources checked in one task, against real loopback servers: each source under its own
lease, several at once, a 304 recorded with its lease given back in the same statement, and a source
another worker holds left alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.ingest.batch import refresh_batch
from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.sources import actions
from newsdesk.sources.models import Source
from newsdesk.sources.polling import Hints
from tests.support.fetching import loopback_policy
from tests.support.loopback import LoopbackServer, Reply, SeenRequest, reply

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = (
    "<html><head><title>{n}</title></head><body><article><h1>Harbour note {n}</h1>"
    + "<p>The ferry left the harbour at dawn while the lantern still burned on the quay. " * 6
    + "</p></article></body></html>"
)


def unchanged(seen: SeenRequest) -> Reply:
    """A feed that has not changed since ETag "v1": 304, after a moment, so that checks overlap."""
    if seen.headers.get("if-none-match") == '"v1"':
        return Reply(status=304, headers=(("ETag", '"v1"'),), delay=0.2)
    return Reply(status=500, body=b"the test expected a conditional request")


def fresh_feed(server: LoopbackServer, n: int) -> str:
    link = server.url(f"/story/{n}")
    server.route(f"/story/{n}", reply(PAGE.format(n=n), "text/html; charset=utf-8"))
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quay</title>'
        f"<item><title>Story {n}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>Summary {n}.</description></item></channel></rss>"
    )


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer("127.0.0.1") as one:
        one.route("/robots.txt", reply(b"User-agent: *\nAllow: /\n"))
        yield one


def due(server: LoopbackServer, path: str, etag: str = '"v1"') -> int:
    return Source.objects.create(
        url=server.url(path), name=path, etag=etag, next_check_at=timezone.now() - timedelta(minutes=1)
    ).pk


def test_a_chunk_checks_its_sources_at_once_each_under_its_own_lease(server: LoopbackServer) -> None:
    quiet = [due(server, f"/quiet/{n}.xml") for n in range(6)]
    for n in range(6):
        server.route(f"/quiet/{n}.xml", unchanged)
    lively = [due(server, f"/lively/{n}.xml", etag="") for n in range(2)]
    for n in range(2):
        server.route(f"/lively/{n}.xml", reply(fresh_feed(server, n), "application/rss+xml"))
    elsewhere = due(server, "/held.xml")
    server.route("/held.xml", unchanged)
    other_lease = timezone.now() + timedelta(minutes=5)
    Source.objects.filter(pk=elsewhere).update(lease_owner="other:1:1/another-task", lease_until=other_lease)

    owners: set[str] = set()
    threads: set[int] = set()
    rows: list[tuple[int, str, object]] = []
    lock = threading.Lock()
    with Fetcher(loopback_policy(server, per_host_concurrency=8)) as fetcher:
        pipeline = Pipeline(fetcher)

        def refresh(source_id: int, owner: str, source=None):  # the pipeline's own, noting the lease
            with lock:
                owners.add(owner)
                threads.add(threading.get_ident())
                rows.append((source_id, owner, source and (source.pk, source.lease_owner, source.url)))
            return pipeline.refresh_leased(source_id, owner, source)

        report = refresh_batch([*quiet, *lively, elsewhere], job="task-1", refresh=refresh, threads=4)

    assert report.as_dict() == {
        "sources": 9, "skipped": 1, "failed": 0, "not_modified": 6, "new": 2, "updated": 0, "errors": [],
    }  # fmt: skip
    assert server.max_concurrent > 1  # the checks overlapped
    assert all(owner.endswith("/task-1") for owner in owners)
    assert len(threads) > 1  # checked by several threads
    # On PostgreSQL the chunk's leases are claimed in one statement, for the task's one owner; on SQLite
    # each on its turn, for the thread that checks it.
    assert len(owners) == (1 if connection.vendor == "postgresql" else len(threads))
    for row in Source.objects.filter(pk__in=[*quiet, *lively]):
        assert row.last_fetched is not None
        assert row.next_check_at > timezone.now()
        assert (row.lease_owner, row.lease_until) == ("", None)  # every lease given back
        assert row.state(timezone.now()) == "ok"
    assert Article.objects.count() == 2
    # The source another worker holds was not checked, and its lease is untouched.
    held = Source.objects.get(pk=elsewhere)
    assert (held.lease_owner, held.lease_until, held.last_fetched) == (
        "other:1:1/another-task",
        other_lease,
        None,
    )
    assert len([r for r in server.requests if r.path == "/held.xml"]) == 0
    # Each source came with its row, read by the statement that claimed it for that lease.
    urls = dict(Source.objects.values_list("pk", "url"))
    assert sorted(rows) == sorted((pk, owner, (pk, owner, urls[pk])) for pk, owner, _ in rows)
    assert len(rows) == 8


def test_a_304_after_the_lease_ran_out_records_nothing() -> None:
    now = timezone.now()
    source = Source.objects.create(url="http://a.test/feed", name="a", next_check_at=now)
    assert actions.do_claim_lease(source.pk, "w:1:1/slow", now=now, until=now + timedelta(seconds=60))
    # The lease ran out and another worker took the source over.
    Source.objects.filter(pk=source.pk).update(lease_owner="w:2:1/quick")

    def record_304(owner: str) -> bool:
        return actions.do_record_not_modified(
            source.pk, now=now, etag='"v2"', last_modified=None, published=[], hints=Hints(),
            lease_owner=owner,
        )  # fmt: skip

    assert not record_304("w:1:1/slow")
    row = Source.objects.get(pk=source.pk)
    assert (row.etag, row.last_fetched, row.lease_owner) == ("", None, "w:2:1/quick")
    # The holder's own record goes through, and gives the lease back.
    assert record_304("w:2:1/quick")
    row = Source.objects.get(pk=source.pk)
    assert (row.etag, row.last_fetched, row.lease_owner, row.lease_until) == ('"v2"', now, "", None)


def test_the_chunk_renews_the_leases_it_holds_while_it_runs(server: LoopbackServer, settings) -> None:
    settings.NEWSDESK_QUEUE = {**settings.NEWSDESK_QUEUE, "LEASE_SECONDS": 1}
    source = due(server, "/slow.xml")
    server.route("/slow.xml", lambda seen: Reply(status=304, headers=(("ETag", '"v1"'),), delay=2.0))
    leases: list = []
    done = threading.Event()

    def watch() -> None:
        from django.db import connection

        try:
            while not done.wait(0.1):
                leases.append(Source.objects.values_list("lease_until", flat=True).get(pk=source))
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with Fetcher(loopback_policy(server)) as fetcher:
            report = refresh_batch([source], job="slow", refresh=Pipeline(fetcher).refresh_leased, threads=2)
    finally:
        done.set()
        watcher.join()
    assert report.not_modified == 1
    held = [until for until in leases if until is not None]
    # Claimed with a 1 s lease, the 2 s check outlived it only because it was renewed.
    assert len(set(held)) >= 2, held
    assert max(held) - min(held) >= timedelta(seconds=0.5), held
    assert Source.objects.get(pk=source).lease_until is None


def test_a_304_in_a_chunk_costs_one_statement_and_the_counts_are_written_once(
    server: LoopbackServer,
) -> None:
    """On PostgreSQL a 304 costs one statement: the record that gives its lease back; the chunk's claim
    (which reads the rows and their posting rhythm) is one statement for all of them, and so are the
    giving back of leases whose turn never came and WebSub's UPDATE for the chunk's 304s. On SQLite,
    three: the claim, the rhythm and the record. The day's counts of the whole chunk come at its end, in
    two statements (the sources' rows of the day, the site's tallies): none while it runs."""
    from django.test.utils import CaptureQueriesContext

    from newsdesk.core.models import Tally
    from newsdesk.sources.models import SourceDay

    quiet = [due(server, f"/quiet/{n}.xml") for n in range(6)]
    for n in range(6):
        server.route(f"/quiet/{n}.xml", unchanged)
    warm, quiet = quiet[0], quiet[1:]
    counted_meanwhile: list[int] = []
    with Fetcher(loopback_policy(server)) as fetcher:
        pipeline = Pipeline(fetcher)
        refresh_batch([warm], job="warm-up", refresh=pipeline.refresh_leased, threads=1)  # first-use reads
        with CaptureQueriesContext(connection) as captured:
            report = refresh_batch(quiet, job="counted", refresh=pipeline.refresh_leased, threads=1)
    assert report.not_modified == 5
    per_source, per_chunk = (1, 2 + 2 + 1) if connection.vendor == "postgresql" else (3, 2 + 1)
    statements = [
        q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")
    ]
    assert len(statements) == per_source * 5 + per_chunk, "\n".join(s[:90] for s in statements)
    assert sum("websub_subscription" in sql for sql in statements) == 1
    days = SourceDay.objects.filter(source_id__in=quiet)
    assert sorted(days.values_list("source_id", "fetches", "not_modified", "new_content", "failures")) == [
        (pk, 1, 1, 0, 0) for pk in quiet
    ]
    fetches = Tally.objects.filter(metric="fetch", label="not_modified", period="d")
    assert sum(fetches.values_list("count", flat=True)) == 6  # the warm-up's and the chunk's

    # The counts of a chunk are not written before its end.
    Source.objects.filter(pk__in=quiet).update(next_check_at=timezone.now())
    with Fetcher(loopback_policy(server)) as fetcher:
        pipeline = Pipeline(fetcher)

        def refresh(source_id: int, owner: str, source=None):
            counted_meanwhile.append(sum(days.values_list("fetches", flat=True)))
            return pipeline.refresh_leased(source_id, owner, source)

        refresh_batch(quiet, job="counted-again", refresh=refresh, threads=1)
    assert counted_meanwhile == [5] * 5  # the first chunk's counts, unchanged while the second ran
    assert set(days.values_list("fetches", flat=True)) == {2}


def test_a_chunk_cut_short_gives_back_the_leases_whose_turn_never_came(server: LoopbackServer) -> None:
    ids = [due(server, f"/quiet/{n}.xml") for n in range(3)]
    for n in range(3):
        server.route(f"/quiet/{n}.xml", unchanged)
    with Fetcher(loopback_policy(server)) as fetcher:
        pipeline = Pipeline(fetcher)

        def refresh(source_id: int, owner: str, source=None):
            if source_id == ids[1]:
                raise RuntimeError("the check broke down")
            return pipeline.refresh_leased(source_id, owner, source)

        with pytest.raises(RuntimeError):
            refresh_batch(ids, job="cut-short", refresh=refresh, threads=1)
    rows = {row.pk: row for row in Source.objects.filter(pk__in=ids)}
    assert rows[ids[0]].last_fetched is not None  # checked before the failure
    # Never checked: free for the next worker at once, not after the lease ran out. (On SQLite the broken
    # check's own lease, claimed on its turn, runs out as before; on PostgreSQL the chunk gives it back.)
    for pk in ids[1:] if connection.vendor == "postgresql" else ids[2:]:
        assert (rows[pk].lease_owner, rows[pk].lease_until, rows[pk].last_fetched) == ("", None, None)
