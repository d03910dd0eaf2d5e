"""Every write to WebSub subscriptions and pushed bodies goes through here, each in one transaction.

Requests to hubs and push ingestion are tasks, queued once the write that asks for them has committed.
"""

from __future__ import annotations

import functools
import logging
import secrets
from datetime import datetime, timedelta

from django.db import connection, transaction

from newsdesk.sources import actions as source_actions
from newsdesk.sources.models import Source

from .conf import LEASE_MAX, LEASE_MIN, MAX_WAITING, RENEW_AT, STALE_PUSH, VERIFY_TIMEOUT, conf, retry_delay
from .models import SUBSCRIBE, UNSUBSCRIBE, Push, Subscription
from .signature import stronger

log = logging.getLogger(__name__)


def _send_on_commit(subscription_id: int, mode: str) -> None:
    from .tasks import send_request

    transaction.on_commit(lambda: send_request.enqueue(subscription_id, mode))


def _ingest_on_commit(subscription_id: int) -> None:
    from .tasks import ingest_pushes

    transaction.on_commit(lambda: ingest_pushes.enqueue(subscription_id))


def _ask(sub: Subscription, mode: str, now: datetime) -> None:
    """Make `mode` the request the hub may verify, and queue sending it. A renewal stays active."""
    sub.pending_mode = mode
    sub.requested_at = now
    if mode == SUBSCRIBE and sub.state != Subscription.ACTIVE:
        sub.state = Subscription.PENDING
    _send_on_commit(sub.pk, mode)


def _fail(sub: Subscription, message: str, now: datetime) -> None:
    """A request was refused or went unanswered: try again later. A failed renewal keeps the lease it has."""
    sub.pending_mode = ""
    sub.failures += 1
    sub.last_error = " ".join(message.split())[:500]
    delay = retry_delay(sub.failures)
    if sub.state == Subscription.ACTIVE and sub.expires_at is not None and sub.expires_at > now:
        sub.renew_at = now + delay
    else:
        sub.state = Subscription.FAILED
        sub.retry_at = now + delay


def do_discovered(source_id: int, hubs: tuple[str, ...] | None, topic: str | None, now: datetime) -> None:
    """What a successful poll of the source found: subscribe to its hub (again, if the hub or topic
    changed), forget a subscription whose feed names no hub any more, and keep polling slow while a
    subscription is active. `hubs` is None when the feed was not read (a 304)."""
    settings = conf()
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(source_id=source_id).first()
        if sub is not None and sub.removed:
            return
        if hubs is not None and settings.enabled:
            if not hubs:
                if sub is not None:
                    sub.delete()
                return
            url = Source.objects.filter(pk=source_id).values_list("url", flat=True).first()
            if url is None:
                return
            hub = sub.hub if sub is not None and sub.hub in hubs else hubs[0]
            topic = topic or url
            if sub is None:
                sub = Subscription.objects.create(
                    source_id=source_id, hub=hub, topic=topic, token=secrets.token_urlsafe(32),
                    secret=secrets.token_urlsafe(48),
                )  # fmt: skip
                _ask(sub, SUBSCRIBE, now)
                sub.save()
                return
            if (sub.hub, sub.topic) != (hub, topic):
                sub.hub, sub.topic, sub.secret = hub, topic, secrets.token_urlsafe(48)
                sub.state, sub.signed_with, sub.failures = Subscription.PENDING, "", 0
                sub.expires_at = sub.renew_at = sub.retry_at = None
                _ask(sub, SUBSCRIBE, now)
                sub.save()
                return
        if sub is not None and sub.state == Subscription.ACTIVE:
            source_actions.do_defer_check(source_id, now + timedelta(seconds=settings.safety_poll_seconds))


def do_not_modified(source_id: int, now: datetime) -> None:
    """A poll of the source answered 304 (its feed was not read): what do_discovered does with no hubs,
    keep polling slow while an active subscription pushes the news, in one UPDATE with no lock and no
    transaction of its own. A source with no subscription (the common case) costs one indexed lookup
    inside that statement, which then changes nothing. Written as SQL: building the same statement with
    the ORM (`Exists`, `OuterRef`) cost more CPU than running it, on every 304."""
    until = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=conf().safety_poll_seconds))
    with connection.cursor() as cursor:
        cursor.execute(_not_modified_sql(), [until, source_id, until, source_id, Subscription.ACTIVE])


@functools.cache
def _not_modified_sql() -> str:
    # Table and column names are Django's own for the models; every value travels as a parameter.
    sources, subscriptions = Source._meta.db_table, Subscription._meta.db_table
    return (
        f"UPDATE {sources} SET next_check_at = %s WHERE id = %s AND next_check_at < %s "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM {subscriptions} WHERE source_id = %s AND state = %s AND NOT removed)"
    )


def do_not_modified_many(source_ids: list[int], now: datetime) -> int:
    """do_not_modified for several sources (a chunk's 304s) in one UPDATE: those with an active, not
    removed subscription keep polling at the safety interval. Returns how many rows it changed."""
    if not source_ids:
        return 0
    until = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=conf().safety_poll_seconds))
    ids = sorted(set(source_ids))
    with connection.cursor() as cursor:
        cursor.execute(_not_modified_many_sql(len(ids)), [until, *ids, until, Subscription.ACTIVE])
        return int(cursor.rowcount)


@functools.lru_cache(maxsize=64)
def _not_modified_many_sql(count: int) -> str:
    # As _not_modified_sql, for `count` sources; the ids are parameters (IN works on every database).
    sources, subscriptions = Source._meta.db_table, Subscription._meta.db_table
    marks = ", ".join(["%s"] * count)
    return (
        f"UPDATE {sources} SET next_check_at = %s WHERE id IN ({marks}) AND next_check_at < %s "  # noqa: S608
        f"AND id IN (SELECT source_id FROM {subscriptions} WHERE state = %s AND NOT removed)"
    )


def do_request_failed(subscription_id: int, mode: str, message: str, now: datetime) -> None:
    """The hub refused the request, or could not be reached. An unsubscription is given up (the lease
    lapses on its own); a subscription is tried again later."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if sub is None or sub.pending_mode != mode:
            return
        if mode == UNSUBSCRIBE:
            log.info("Unsubscribing from %s failed (%s); the lease will lapse", sub.hub, message)
            sub.delete()
            return
        _fail(sub, message, now)
        sub.save()


def do_verify(token: str, mode: str, topic: str, lease_seconds: int | None, now: datetime) -> bool:
    """The hub verifies a request. True (echo the challenge) only when `mode` is the request pending
    for this callback and `topic` its topic. A subscription becomes active for its lease; a confirmed
    unsubscription deletes the row."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(token=token).first()
        if sub is None or not mode or sub.pending_mode != mode or sub.topic != topic:
            return False
        if mode == UNSUBSCRIBE:
            sub.delete()
            return True
        lease = min(LEASE_MAX, max(LEASE_MIN, lease_seconds or conf().lease_seconds))
        sub.state, sub.pending_mode = Subscription.ACTIVE, ""
        sub.lease_seconds = lease
        sub.expires_at = now + timedelta(seconds=lease)
        sub.renew_at = now + timedelta(seconds=lease * RENEW_AT)
        sub.retry_at, sub.failures, sub.last_error = None, 0, ""
        sub.save()
        if not sub.removed:
            safety = timedelta(seconds=conf().safety_poll_seconds)
            source_actions.do_defer_check(sub.source_id, now + safety)
        return True


def do_denied(token: str, topic: str, reason: str, now: datetime) -> bool:
    """The hub refused (or ended) the subscription to `topic`. True when that is ours."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(token=token).first()
        if sub is None or sub.topic != topic or sub.removed:
            return False
        if sub.pending_mode != SUBSCRIBE and sub.state != Subscription.ACTIVE:
            return False
        was_active = sub.state == Subscription.ACTIVE
        sub.state, sub.expires_at = Subscription.FAILED, None
        _fail(sub, f"The hub refused the subscription: {reason or 'it gave no reason'}.", now)
        sub.save()
        if was_active:
            source_actions.do_check_soon(sub.source_id, now)
        return True


def do_mark_removed(source_id: int, now: datetime) -> None:
    """The source is gone: unsubscribe where the hub may know us, else just forget the row."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(source_id=source_id).first()
        if sub is None:
            return
        if sub.state == Subscription.FAILED and sub.pending_mode == "":
            sub.delete()
            return
        sub.removed = True
        _ask(sub, UNSUBSCRIBE, now)
        sub.save()


# ---- pushes ---------------------------------------------------------------------------------------


def do_store_push(subscription_id: int, body: bytes, content_type: str, method: str, now: datetime) -> bool:
    """Keep a verified push for the source's push task, and queue that task unless one is queued or
    running already (a burst becomes one task). At most MAX_WAITING bodies wait; past that the oldest
    goes and the task polls the source when it is done. True when a task was queued."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().get(pk=subscription_id)
        Push.objects.create(subscription=sub, body=body, content_type=content_type[:200], received_at=now)
        extra = list(sub.waiting.order_by("-id").values_list("id", flat=True)[MAX_WAITING:])
        if extra:
            Push.objects.filter(pk__in=extra).delete()
            sub.overflowed = True
        sub.signed_with = stronger(method, sub.signed_with)
        sub.last_push_at = now
        sub.pushes += 1
        queued = sub.push_queued_at is None
        if queued:
            sub.push_queued_at = now
            _ingest_on_commit(sub.pk)
        sub.save()
        return queued


def do_next_push(subscription_id: int) -> tuple[Push | None, bool]:
    """The oldest waiting push; or, when none waits, (None, whether some were dropped) with the task's
    mark cleared, in the same transaction, so a push arriving meanwhile queues a task of its own."""
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if sub is None:
            return None, False
        push = sub.waiting.order_by("id").first()
        if push is not None:
            return push, False
        overflowed = sub.overflowed
        sub.push_queued_at, sub.overflowed = None, False
        sub.save(update_fields=["push_queued_at", "overflowed"])
        return None, overflowed


def do_forget_push(push_id: int, error: str = "") -> None:
    """A push was ingested (or could not be read: `error` says why, kept on the subscription)."""
    with transaction.atomic():
        push = Push.objects.filter(pk=push_id).first()
        if push is None:
            return
        if error:
            Subscription.objects.filter(pk=push.subscription_id).update(last_error=error[:500])
        push.delete()


# ---- the scheduled job ----------------------------------------------------------------------------


def do_due(now: datetime) -> int:
    """Renewals, retries, time-outs, lapsed leases and lost push tasks, as of `now`. Returns how many
    subscriptions it touched (a lapsed one is asked for again at once)."""
    touched: set[int] = set()
    with transaction.atomic():
        late = Subscription.objects.select_for_update().exclude(pending_mode="")
        for sub in late.filter(requested_at__lt=now - VERIFY_TIMEOUT):
            touched.add(sub.pk)
            if sub.pending_mode == UNSUBSCRIBE:
                sub.delete()
                continue
            minutes = int(VERIFY_TIMEOUT.total_seconds() // 60)
            _fail(sub, f"The hub did not confirm the request within {minutes} minutes.", now)
            sub.save()
        lapsed = Subscription.objects.select_for_update().filter(
            state=Subscription.ACTIVE, expires_at__lte=now, removed=False
        )
        for sub in lapsed:
            touched.add(sub.pk)
            sub.state, sub.pending_mode, sub.retry_at = Subscription.FAILED, "", now
            sub.last_error = "The lease ran out before it was renewed."
            sub.save()
            source_actions.do_check_soon(sub.source_id, now)
        idle = Subscription.objects.select_for_update().filter(pending_mode="", removed=False)
        renew = idle.filter(state=Subscription.ACTIVE, renew_at__lte=now)
        retry = idle.filter(state=Subscription.FAILED, retry_at__lte=now)
        for sub in [*renew, *retry]:
            touched.add(sub.pk)
            _ask(sub, SUBSCRIBE, now)
            sub.save()
        for sub in Subscription.objects.select_for_update().filter(push_queued_at__lt=now - STALE_PUSH):
            touched.add(sub.pk)
            sub.push_queued_at = now
            sub.save(update_fields=["push_queued_at"])
            _ingest_on_commit(sub.pk)
    return len(touched)
