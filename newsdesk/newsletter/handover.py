"""The send record of decision 0004: committed just before a digest's final dot, one statement when it can.

A first attempt (nearly every mail) is recorded by one INSERT of the `Send` row and one UPDATE of the
subscriber's cursor, in one transaction. On PostgreSQL both are one statement (a data-modifying WITH), which
outside any open transaction commits on its own: one round trip instead of the ORM's five (BEGIN, INSERT,
UPDATE, the console's counter, COMMIT). The console's "sent" counter is added per batch of subscribers when
the batch is finished (`actions.do_finish_batch`), not per mail: two senders would otherwise queue on
that one counter row at every commit. A retry (attempt > 1) keeps the ORM path and counts itself.

The unique constraint on (run, subscriber) still decides alone whether a digest may go: a second record
raises IntegrityError and the caller drops the message before its dot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from newsdesk.core import tallies

from .digest import next_digest_at
from .models import Send, Subscriber


@dataclass(frozen=True)
class Handover:
    """What is recorded as the message goes to the server."""

    run_id: int
    cutoff: datetime
    subscriber_id: int
    frequency: str
    previous_cursor: datetime | None
    previous_next: datetime | None
    items: tuple[int, ...]
    message_id: str
    attempt: int


def _sql() -> tuple[str, str]:
    send, subscriber = Send._meta.db_table, Subscriber._meta.db_table
    insert = (
        f"INSERT INTO {send} (run_id, subscriber_id, state, items, message_id, attempts, error, at, "  # noqa: S608
        "previous_cursor, previous_next) VALUES (%s, %s, %s, {items}, %s, %s, '', %s, %s, %s)"
    )
    update = (
        f"UPDATE {subscriber} SET digest_cursor = %s, next_digest_at = %s, last_digest_at = %s "  # noqa: S608
        "WHERE id = {subscriber}"
    )
    if connection.vendor == "postgresql":
        statement = (
            f"WITH sent AS ({insert.format(items='%s::jsonb')} RETURNING subscriber_id) "  # noqa: S608
            + update.format(subscriber="(SELECT subscriber_id FROM sent)")
        )
        return statement, ""
    return insert.format(items="%s"), update.format(subscriber="%s")


def _first_attempt(h: Handover) -> None:
    when = connection.ops.adapt_datetimefield_value  # as the ORM writes a DateTimeField
    next_at = next_digest_at(h.previous_next, h.cutoff, h.frequency)
    items = json.dumps(list(h.items))
    insert_args: list[Any] = [
        *(h.run_id, h.subscriber_id, Send.State.SENT.value, items, h.message_id, h.attempt),
        *(when(timezone.now()), when(h.previous_cursor), when(h.previous_next)),
    ]
    update_args: list[Any] = [when(h.cutoff), when(next_at), when(h.cutoff)]
    first, second = _sql()
    if not second:  # PostgreSQL: one statement
        if connection.in_atomic_block:  # a caller's transaction: keep it usable after a refusal
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(first, insert_args + update_args)
        else:
            with connection.cursor() as cursor:
                cursor.execute(first, insert_args + update_args)
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(first, insert_args)
        cursor.execute(second, [*update_args, h.subscriber_id])


def _retry(h: Handover) -> None:
    with transaction.atomic():
        retried = Send.objects.filter(
            run_id=h.run_id, subscriber_id=h.subscriber_id, state__in=[Send.State.DEFERRED, Send.State.FAILED]
        ).update(state=Send.State.SENT, attempts=h.attempt, error="")
        if not retried:
            Send.objects.create(
                run_id=h.run_id,
                subscriber_id=h.subscriber_id,
                state=Send.State.SENT,
                items=list(h.items),
                message_id=h.message_id,
                attempts=h.attempt,
                previous_cursor=h.previous_cursor,
                previous_next=h.previous_next,
            )
        Subscriber.objects.filter(pk=h.subscriber_id).update(
            digest_cursor=h.cutoff,
            next_digest_at=next_digest_at(h.previous_next, h.cutoff, h.frequency),
            last_digest_at=h.cutoff,
        )
        tallies.add("mail", "sent")


def do_record_handover(h: Handover) -> bool:
    """Record the digest as sent and move the subscriber's cursor, in one transaction.

    False when this subscriber's digest of this run is already recorded as sent (or bounced): the caller
    must not let the message go.
    """
    try:
        if h.attempt > 1:
            _retry(h)
        else:
            _first_attempt(h)
    except IntegrityError:
        return False
    return True


def sent_in_batch(run_id: int, first_id: int, last_id: int) -> int:
    """First-attempt sends recorded in a batch: what the console's "sent" counter adds when it is done."""
    return Send.objects.filter(
        run_id=run_id,
        subscriber_id__gte=first_id,
        subscriber_id__lte=last_id,
        state=Send.State.SENT,
        attempts=1,
    ).count()
