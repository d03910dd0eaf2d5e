"""A poll that answers 304 (the feed was not read): WebSub keeps polling slow while a subscription is active,
and a source without one costs the poll nothing but one statement that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.ingest.pipeline import Pipeline
from newsdesk.ingest.policy import fetch_policy
from newsdesk.ingest.stages.fetch import Fetcher
from newsdesk.sources.actions import do_add_source
from newsdesk.sources.models import Source
from newsdesk.websub.conf import conf
from newsdesk.websub.models import Subscription
from tests.support.loopback import LoopbackServer, SeenRequest, reply

pytestmark = pytest.mark.django_db(transaction=True)


def _not_modified(request: SeenRequest):
    if request.headers.get("if-none-match") == '"v1"':
        return reply(status=304)
    return reply(b"<rss/>", "application/rss+xml", headers={"ETag": '"v1"'})


@pytest.fixture
def polled():
    """poll(source) checks the source once against a feed that answers 304 to the ETag it holds."""
    with LoopbackServer() as server, Fetcher(fetch_policy()) as fetcher:
        server.route("/feed.xml", _not_modified)
        source = do_add_source(server.url("/feed.xml"), name="Harbour Light")
        Source.objects.filter(pk=source.pk).update(etag='"v1"')

        def poll() -> Source:
            Source.objects.filter(pk=source.pk).update(next_check_at=timezone.now())
            with CaptureQueriesContext(connection) as seen:
                report = Pipeline(fetcher).refresh_guarded(source.pk)
            assert report.not_modified, report
            poll.queries = [q["sql"] for q in seen.captured_queries]  # type: ignore[attr-defined]
            return Source.objects.get(pk=source.pk)

        yield source, poll


def _subscribe(source: Source, **fields: object) -> Subscription:
    values = {"hub": "http://127.0.0.1:9/hub/", "topic": source.url, "token": "t0ken", "secret": "s3cret"}
    return Subscription.objects.create(source=source, **{**values, **fields})


def test_a_304_of_a_source_with_an_active_subscription_keeps_polling_at_the_safety_interval(polled) -> None:
    source, poll = polled
    _subscribe(source, state=Subscription.ACTIVE)
    checked = poll()
    safety = timedelta(seconds=conf().safety_poll_seconds)
    assert checked.next_check_at - timezone.now() > safety - timedelta(minutes=1)


@pytest.mark.parametrize(
    "fields",
    [{"state": Subscription.PENDING}, {"state": Subscription.FAILED}, {"state": "active", "removed": True}],
)
def test_a_304_of_a_source_whose_subscription_is_not_active_is_polled_on_its_own_rhythm(
    polled, fields
) -> None:
    source, poll = polled
    _subscribe(source, **fields)
    checked = poll()
    assert checked.next_check_at - timezone.now() < timedelta(seconds=conf().safety_poll_seconds / 2)


def test_a_304_of_a_source_without_a_subscription_takes_no_lock_and_one_statement(polled) -> None:
    _source, poll = polled
    checked = poll()
    assert checked.next_check_at - timezone.now() < timedelta(seconds=conf().safety_poll_seconds / 2)
    websub = [sql for sql in poll.queries if "websub_subscription" in sql]
    assert len(websub) == 1, websub
    assert "FOR UPDATE" not in websub[0]
    assert websub[0].lstrip().upper().startswith("UPDATE")
    assert not Subscription.objects.exists()


def test_a_chunks_304s_keep_the_safety_interval_of_subscribed_sources_in_one_statement() -> None:
    """In a chunk (ingest/batch.py) the 304s are told to WebSub once, at the chunk's end: a source with
    an active subscription still keeps polling at the safety interval; the others keep their rhythm."""
    from newsdesk.ingest.batch import refresh_batch

    with LoopbackServer() as server, Fetcher(fetch_policy()) as fetcher:
        ids = []
        for n in range(4):
            server.route(f"/feed-{n}.xml", _not_modified)
            source = do_add_source(server.url(f"/feed-{n}.xml"), name=f"Harbour Light {n}")
            Source.objects.filter(pk=source.pk).update(etag='"v1"', next_check_at=timezone.now())
            ids.append(source.pk)
        subscribed, pending = Source.objects.get(pk=ids[0]), Source.objects.get(pk=ids[1])
        _subscribe(subscribed, state=Subscription.ACTIVE)
        _subscribe(pending, state=Subscription.PENDING, token="other")
        with CaptureQueriesContext(connection) as seen:
            report = refresh_batch(ids, job="chunk", refresh=Pipeline(fetcher).refresh_leased, threads=1)
    assert report.not_modified == 4, report
    safety = timedelta(seconds=conf().safety_poll_seconds)
    after = dict(Source.objects.filter(pk__in=ids).values_list("pk", "next_check_at"))
    assert after[ids[0]] - timezone.now() > safety - timedelta(minutes=1)
    for pk in ids[1:]:
        assert after[pk] - timezone.now() < safety / 2
    websub = [q["sql"] for q in seen.captured_queries if "websub_subscription" in q["sql"]]
    assert len(websub) == 1, websub  # one for the chunk (one per 304 before)
