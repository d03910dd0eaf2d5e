"""Every write to the newsletter's tables, one transaction each (Zulip's `do_*` pattern)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q

from newsdesk.core import tallies

from .digest import FREQUENCY_INTERVALS, next_digest_at
from .handover import Handover, sent_in_batch
from .models import Consent, DigestBatch, DigestRun, Send, Subscriber, new_key
from .stories import members
from .tokens import ConfirmClaim

CONFIRMATION_MAIL_EVERY = timedelta(hours=1)
UNCONFIRMED_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class Choices:
    """What a signup or preferences form asked for."""

    frequency: str
    topic_ids: tuple[int, ...] = ()
    source_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Proof:
    """Where a consent came from: the form version and a keyed hash of the network address; and when a
    member of staff entered it in the admin, who (kept in the record's details)."""

    form_version: str
    source_hash: str
    by: str = ""


def _consent(subscriber: Subscriber, action: str, proof: Proof, now: datetime, **details: object) -> None:
    Consent.objects.create(
        subscriber=subscriber,
        action=action,
        at=now,
        form_version=proof.form_version,
        source_hash=proof.source_hash,
        details={**details, "by": proof.by} if proof.by else details,
    )


def _apply_choices(subscriber: Subscriber, choices: Choices) -> None:
    subscriber.frequency = choices.frequency
    subscriber.save()
    subscriber.topics.set(choices.topic_ids)
    subscriber.sources.set(choices.source_ids)


def _choice_details(choices: Choices) -> dict[str, object]:
    return {
        "frequency": choices.frequency,
        "topics": list(choices.topic_ids),
        "sources": list(choices.source_ids),
    }


def do_signup(email: str, choices: Choices, proof: Proof, now: datetime) -> int | None:
    """Record a signup. Returns the subscriber id, or None when the address is already confirmed.

    A confirmed subscriber's choices are not changed by a signup (that would need no proof of owning the
    address); the caller answers the same either way, so nobody learns who is subscribed.
    """
    for _ in range(2):  # a concurrent signup of the same new address: the loser retries as "existing"
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
                if subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED:
                    return None
                if subscriber is None:
                    subscriber = Subscriber(email=email, created_at=now)
                if subscriber.status != Subscriber.Status.PENDING or not subscriber.confirm_nonce:
                    subscriber.status = Subscriber.Status.PENDING
                    subscriber.pending_since = now
                    subscriber.confirm_nonce = secrets.token_urlsafe(12)
                _apply_choices(subscriber, choices)
                _consent(subscriber, Consent.Action.SIGNUP, proof, now, **_choice_details(choices))
                return subscriber.pk
        except IntegrityError:
            continue
    raise RuntimeError(f"could not record the signup of {email!r}")


def do_claim_confirmation_mail(subscriber_id: int, now: datetime) -> tuple[str, str, datetime | None] | None:
    """Reserve the right to send a confirmation mail: at most one per address per hour.

    Returns (email, nonce, the previous sent time) or None when no mail may go out now.
    """
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(pk=subscriber_id, status=Subscriber.Status.PENDING)
            .exclude(confirm_nonce="")
            .first()
        )
        if subscriber is None:
            return None
        previous = subscriber.confirmation_sent_at
        if previous is not None and previous > now - CONFIRMATION_MAIL_EVERY:
            return None
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        return subscriber.email, subscriber.confirm_nonce, previous


def do_release_confirmation_mail(subscriber_id: int, previous: datetime | None) -> None:
    """The mail could not be sent: let the next signup try again at once."""
    Subscriber.objects.filter(pk=subscriber_id).update(confirmation_sent_at=previous)


class Confirmed(Enum):
    NOW = "now"
    ALREADY = "already"  # the link was used before (or a newer signup replaced it)
    UNKNOWN = "unknown"  # no such subscriber any more (purged or deleted)


def do_confirm(claim: ConfirmClaim, proof: Proof, now: datetime) -> Confirmed:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=claim.subscriber_id).first()
        if subscriber is None:
            return Confirmed.UNKNOWN
        if (
            subscriber.status != Subscriber.Status.PENDING
            or not subscriber.confirm_nonce
            or not secrets.compare_digest(subscriber.confirm_nonce, claim.nonce)
        ):
            return Confirmed.ALREADY
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirm_nonce = ""
        subscriber.confirmed_at = now
        subscriber.paused = False
        subscriber.digest_cursor = now
        subscriber.next_digest_at = now + FREQUENCY_INTERVALS[subscriber.frequency]
        subscriber.save()
        _consent(subscriber, Consent.Action.CONFIRM, proof, now)
        return Confirmed.NOW


def do_unsubscribe(key: str, proof: Proof, now: datetime) -> bool:
    """Stop all mail to the subscriber with this key. True if they were receiving it."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
        if subscriber is None:
            return False
        was = subscriber.status == Subscriber.Status.CONFIRMED
        if subscriber.status in (Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING):
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.unsubscribed_at = now
            subscriber.confirm_nonce = ""
            subscriber.save()
            _consent(subscriber, Consent.Action.UNSUBSCRIBE, proof, now)
        return was


def do_update_preferences(key: str, choices: Choices, paused: bool, proof: Proof, now: datetime) -> bool:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
        if subscriber is None:
            return False
        if subscriber.frequency != choices.frequency and subscriber.status == Subscriber.Status.CONFIRMED:
            subscriber.next_digest_at = next_digest_at(None, now, choices.frequency)
        if subscriber.paused and not paused:
            # Coming back from a pause: start from now, not with everything missed meanwhile.
            subscriber.digest_cursor = now
            subscriber.next_digest_at = next_digest_at(None, now, choices.frequency)
        subscriber.paused = paused
        _apply_choices(subscriber, choices)
        _consent(
            subscriber, Consent.Action.PREFERENCES, proof, now, paused=paused, **_choice_details(choices)
        )
        return True


def do_resubscribe(key: str, proof: Proof, now: datetime) -> bool:
    """An unsubscribed reader comes back through their own preferences link (which proves the address)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
        if subscriber is None or subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            return False
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.unsubscribed_at = None
        subscriber.paused = False
        subscriber.digest_cursor = now
        subscriber.next_digest_at = next_digest_at(None, now, subscriber.frequency)
        subscriber.save()
        _consent(subscriber, Consent.Action.RESUBSCRIBE, proof, now)
        return True


def do_rotate_manage_key(key: str) -> str | None:
    """A new manage key: every manage link sent so far stops working. The new key, or None."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
        if subscriber is None:
            return None
        subscriber.manage_key = new_key()
        subscriber.save(update_fields=["manage_key"])
        return subscriber.manage_key


def do_delete_subscriber(key: str) -> bool:
    """Delete the subscriber and everything kept about them (consents, send records)."""
    with transaction.atomic():
        deleted, _ = Subscriber.objects.filter(key=key).delete()
        return deleted > 0


def do_purge_unconfirmed(now: datetime) -> int:
    """Forget signups left unconfirmed for seven days."""
    with transaction.atomic():
        stale = Subscriber.objects.filter(status=Subscriber.Status.PENDING).filter(
            Q(pending_since__lt=now - UNCONFIRMED_KEPT)
            | Q(pending_since__isnull=True, created_at__lt=now - UNCONFIRMED_KEPT)
        )
        _deleted, by_model = stale.delete()
        return by_model.get(Subscriber._meta.label, 0)


# ---- digest runs ------------------------------------------------------------------------------


def do_start_run(cutoff: datetime, forced: bool) -> DigestRun:
    return DigestRun.objects.create(started_at=cutoff, cutoff=cutoff, forced=forced)


def do_finish_run(run_id: int, counts: dict[str, int], now: datetime) -> None:
    DigestRun.objects.filter(pk=run_id).update(finished_at=now, **counts)


def do_plan_batches(run: DigestRun, size: int) -> int:
    """Cut the run's remaining subscribers into batches by id, once per run. Returns how many were made."""
    if DigestBatch.objects.filter(run=run).exists():
        return 0
    ids = list(members(run).order_by("pk").values_list("pk", flat=True))
    batches = [
        DigestBatch(run=run, first_id=ids[start], last_id=ids[min(start + size, len(ids)) - 1])
        for start in range(0, len(ids), size)
    ]
    DigestBatch.objects.bulk_create(batches)
    return len(batches)


def do_claim_batch(run_id: int, owner: str, now: datetime, lease: timedelta) -> DigestBatch | None:
    """Claim the run's next batch nobody holds (or whose holder's lease ran out). None when none is left.

    One statement: an UPDATE of the first free batch, RETURNING it. On PostgreSQL the inner SELECT takes
    the row FOR UPDATE SKIP LOCKED, so concurrent claimers pass over a batch being claimed this instant;
    SQLite runs one writer at a time. The UPDATE repeats the condition, so a claim is never taken twice.
    """
    table = DigestBatch._meta.db_table
    free = "run_id = %s AND NOT done AND (lease_until IS NULL OR lease_until < %s)"
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    sql = (
        f"UPDATE {table} SET owner = %s, lease_until = %s, claims = claims + 1 "  # noqa: S608
        f"WHERE {free} AND id = (SELECT id FROM {table} WHERE {free} ORDER BY id LIMIT 1{lock}) "
        "RETURNING id, first_id, last_id, claims"
    )
    until = now + lease
    at = connection.ops.adapt_datetimefield_value
    args = [owner, at(until), run_id, at(now), run_id, at(now)]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        row = cursor.fetchone()
    if row is None:
        return None
    batch_id, first_id, last_id, claims = row
    return DigestBatch(id=batch_id, run_id=run_id, first_id=first_id, last_id=last_id, owner=owner,
                       lease_until=until, claims=claims, done=False)  # fmt: skip


def do_renew_batch(batch_id: int, owner: str, until: datetime) -> bool:
    """Extend our claim. False when the batch is no longer ours (our lease ran out and it was taken)."""
    return bool(DigestBatch.objects.filter(pk=batch_id, owner=owner, done=False).update(lease_until=until))


def do_finish_batch(batch_id: int, owner: str) -> bool:
    """Mark our batch done and count its first-attempt sends for the console (`handover`)."""
    with transaction.atomic():
        if not DigestBatch.objects.filter(pk=batch_id, owner=owner, done=False).update(
            done=True, lease_until=None
        ):
            return False
        run_id, first, last = DigestBatch.objects.values_list("run_id", "first_id", "last_id").get(
            pk=batch_id
        )
        sent = sent_in_batch(run_id, first, last)
        if sent:
            tallies.add("mail", "sent", count=sent)
    return True


def do_add_run_counts(run_id: int, counts: dict[str, int]) -> None:
    """One worker's share of a run's counts."""
    DigestRun.objects.filter(pk=run_id).update(**{name: F(name) + n for name, n in counts.items()})


def do_finish_run_when_done(run_id: int, now: datetime) -> bool:
    """Mark the run finished once every batch is done. True when this call finished it."""
    if DigestBatch.objects.filter(run_id=run_id, done=False).exists():
        return False
    return bool(DigestRun.objects.filter(pk=run_id, finished_at__isnull=True).update(finished_at=now))


def do_record_refusal(h: Handover, state: str, error: str, now: datetime) -> None:
    """The server refused the message (before or after the handover). Undo the cursor move; on a bounce,
    stop all mail to the address."""
    with transaction.atomic():
        Send.objects.update_or_create(
            run_id=h.run_id,
            subscriber_id=h.subscriber_id,
            defaults={
                "state": state,
                "error": error[:2000],
                "attempts": h.attempt,
                "items": list(h.items),
                "message_id": h.message_id,
                "previous_cursor": h.previous_cursor,
                "previous_next": h.previous_next,
            },
        )
        fields: dict[str, object] = {"digest_cursor": h.previous_cursor, "next_digest_at": h.previous_next}
        subscriber = Subscriber.objects.select_for_update().get(pk=h.subscriber_id)
        for name, value in fields.items():
            setattr(subscriber, name, value)
        if state == Send.State.BOUNCED:
            subscriber.status = Subscriber.Status.BOUNCED
            subscriber.bounce_count += 1
            subscriber.bounced_at = now
            subscriber.last_bounce = error[:2000]
        subscriber.save()
        tallies.add("mail", str(state), at=now)


def do_advance_skipped(cutoff: datetime, rows: Iterable[tuple[int, str, datetime | None]]) -> int:
    """Subscribers with nothing new: their next digest starts from this run's cutoff. One transaction
    for a page of them. Rows are (subscriber id, frequency, previous next_digest_at)."""
    count = 0
    with transaction.atomic():
        for subscriber_id, frequency, previous_next in rows:
            Subscriber.objects.filter(pk=subscriber_id).update(
                digest_cursor=cutoff, next_digest_at=next_digest_at(previous_next, cutoff, frequency)
            )
            count += 1
    return count
