"""The send record of decision 0004 in one statement, the batch claim in one statement, and the console's
"sent" counter, added once per finished batch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.core.models import Tally
from newsdesk.newsletter import actions
from newsdesk.newsletter.digest import next_digest_at
from newsdesk.newsletter.handover import Handover, do_record_handover
from newsdesk.newsletter.models import DigestBatch, Send, Subscriber
from newsdesk.newsletter.sending import send_due_digests

from .conftest import confirmed_subscriber, make_article, make_source, make_topic

_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].upper().startswith(_CONTROL)]


def _handover(run_id: int, subscriber: Subscriber, attempt: int = 1) -> Handover:
    cutoff = timezone.now()
    return Handover(run_id=run_id, cutoff=cutoff, subscriber_id=subscriber.pk, frequency="daily",
                    previous_cursor=subscriber.digest_cursor, previous_next=subscriber.next_digest_at,
                    items=(3, 1, 2), message_id=f"<digest-{run_id}-{subscriber.pk}@news.example>",
                    attempt=attempt)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_first_attempt_is_recorded_in_one_statement_and_only_once() -> None:
    subscriber = confirmed_subscriber("reader@example.org", since=timezone.now() - timedelta(days=1))
    run = actions.do_start_run(timezone.now(), forced=True)
    record = _handover(run.pk, subscriber)
    with CaptureQueriesContext(connection) as captured:
        assert do_record_handover(record)
    assert len(_statements(captured)) == (1 if connection.vendor == "postgresql" else 2)
    send = Send.objects.get(run=run, subscriber=subscriber)
    assert (send.state, send.items, send.message_id, send.attempts) == (
        "sent",
        [3, 1, 2],
        record.message_id,
        1,
    )
    assert send.previous_cursor == subscriber.digest_cursor
    assert send.previous_next == subscriber.next_digest_at
    moved = Subscriber.objects.get(pk=subscriber.pk)
    assert moved.digest_cursor == record.cutoff == moved.last_digest_at
    assert moved.next_digest_at == next_digest_at(subscriber.next_digest_at, record.cutoff, "daily")
    # A second record of the same digest is refused, and changes nothing.
    assert not do_record_handover(_handover(run.pk, subscriber))
    assert Send.objects.filter(run=run).count() == 1
    assert Subscriber.objects.get(pk=subscriber.pk).digest_cursor == record.cutoff


@pytest.mark.django_db
def test_a_refused_record_inside_a_callers_transaction_leaves_it_usable() -> None:
    subscriber = confirmed_subscriber("reader@example.org", since=timezone.now() - timedelta(days=1))
    run = actions.do_start_run(timezone.now(), forced=True)
    assert do_record_handover(_handover(run.pk, subscriber))
    assert not do_record_handover(_handover(run.pk, subscriber))
    assert Send.objects.filter(run=run).count() == 1  # still usable after the refusal


@pytest.mark.django_db(transaction=True)
def test_a_claim_is_one_statement() -> None:
    now = timezone.now()
    for n in range(4):
        confirmed_subscriber(f"reader{n}@example.org", since=now - timedelta(days=1))
    run = actions.do_start_run(now, forced=True)
    actions.do_plan_batches(run, 2)
    with CaptureQueriesContext(connection) as captured:
        batch = actions.do_claim_batch(run.pk, "w1", now, timedelta(seconds=60))
    assert batch is not None
    assert len(_statements(captured)) == 1
    stored = DigestBatch.objects.get(pk=batch.pk)
    assert (stored.owner, stored.claims, stored.first_id, stored.last_id) == (
        "w1",
        1,
        batch.first_id,
        batch.last_id,
    )


@pytest.mark.django_db
def test_the_console_counts_every_sent_digest_once(smtp, settings) -> None:
    settings.NEWSDESK_NEWSLETTER = {**settings.NEWSDESK_NEWSLETTER, "CLAIM_BATCH": 2}
    transport = make_topic("transport")
    make_article(
        make_source(), "Ferry fares frozen", topics=[transport], stored=timezone.now() - timedelta(hours=1)
    )
    since = timezone.now() - timedelta(days=1)
    for n in range(5):
        confirmed_subscriber(f"reader{n}@example.org", topics=[transport], since=since)
    smtp.handler.answers_data["reader3@example.org"] = ["451 4.3.0 Queue full, try again"]  # after the record
    smtp.handler.answers_rcpt["reader4@example.org"] = ["451 4.7.1 Greylisted"]  # before it
    report = send_due_digests(force=True)
    assert report.sent == 5
    counts = dict(Tally.objects.filter(metric="mail", period="h").values_list("label", "count"))
    assert counts["sent"] == 5
    assert counts["deferred"] == 1  # the 451 after the record; the one before it recorded nothing
