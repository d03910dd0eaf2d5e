"""Every write to sources goes through here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from newsdesk.core import tallies
from newsdesk.core.errors import UserError

from . import hot, polling
from .models import FETCH_MS_BOUNDS, FETCH_MS_COLUMNS, Source, SourceDay
from .signals import source_removed, source_shown_changed


def do_add_source(
    url: str, *, name: str, site_url: str = "", language: str = "", icon_url: str = ""
) -> Source:
    """Add a feed. The caller has already checked that the URL is a feed."""
    if existing := Source.objects.filter(url=url).first():
        raise UserError(f"That feed is already source {existing.pk} ({existing.name}).")
    try:
        with transaction.atomic():
            return Source.objects.create(
                url=url,
                name=name[:300],
                site_url=site_url,
                language=language[:20],
                icon_url=icon_url,
                next_check_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise UserError("That feed is already a source.") from exc


def get_source(source_id: int) -> Source:
    try:
        return Source.objects.get(pk=source_id)
    except Source.DoesNotExist:
        raise UserError(f"There is no source with id {source_id}.") from None


def do_remove_source(source_id: int) -> Source:
    """Remove a source and its articles; `source_removed` goes out once that has committed."""
    source = get_source(source_id)
    url = source.url
    with transaction.atomic():
        source.delete()
        transaction.on_commit(
            lambda: source_removed.send(sender=Source, source_id=source_id, url=url), robust=True
        )
    return source


def do_defer_check(source_id: int, until: datetime) -> None:
    """Check the source no sooner than `until` (a hub pushes its news: polling is only a safety net)."""
    with transaction.atomic():
        Source.objects.filter(pk=source_id, next_check_at__lt=until).update(next_check_at=until)


def do_check_soon(source_id: int, now: datetime) -> None:
    """Check the source at the next tick (a hub stopped pushing it)."""
    with transaction.atomic():
        Source.objects.filter(pk=source_id, next_check_at__gt=now).update(next_check_at=now)


def do_mark_queued(source_ids: list[int], now: datetime) -> None:
    Source.objects.filter(pk__in=source_ids).update(queued_at=now)


def do_note_queued_tasks(task_ids: dict[int, str]) -> None:
    """Which task each queued source waits for (the scheduler asks the queue about it later)."""
    Source.objects.bulk_update(
        [Source(pk=source_id, queued_task=task_id[:64]) for source_id, task_id in task_ids.items()],
        ["queued_task"],
        batch_size=500,
    )


def do_unmark_queued(source_ids: list[int], marked_at: datetime) -> None:
    """Undo do_mark_queued (the enqueue failed): the sources are due again at the next tick."""
    Source.objects.filter(pk__in=source_ids, queued_at=marked_at).update(queued_at=None)


def do_claim_lease(source_id: int, owner: str, *, now: datetime, until: datetime, job: str = "") -> bool:
    """Take the source for a refresh, if it is due and no live lease holds it, or the live lease is
    this same job's (a retry of a job whose process died). One UPDATE: of two workers asking at once,
    one gets it. `owner` ends with "/<job>" when a job is given."""
    rows, changes = _claim(source_id, owner, now=now, until=until, job=job)
    return rows.update(**changes) == 1


def do_claim_lease_and_read(
    source_id: int, owner: str, *, now: datetime, until: datetime, job: str = ""
) -> Source | None:
    """do_claim_lease, and the claimed row as the claim left it, from the same statement (UPDATE ...
    RETURNING, which PostgreSQL and SQLite both have): a refresh then needs no read of its own. None
    when the source was not claimed. On PostgreSQL, written as SQL (sources/hot.py), and the row also
    carries `recent_published`, the posting rhythm a 304 needs, read in the same statement."""
    if connection.vendor == "postgresql":
        return hot.claim_and_read(source_id, owner, now=now, until=until, job=job)
    rows, changes = _claim(source_id, owner, now=now, until=until, job=job)
    query = cast(UpdateQuery, rows.query.chain(UpdateQuery))
    query.add_update_values(changes)
    sql, params = query.get_compiler(rows.db).as_sql()
    columns = ", ".join(connection.ops.quote_name(f.column) for f in Source._meta.concrete_fields)
    return next(iter(Source.objects.raw(f"{sql} RETURNING {columns}", params)), None)


def do_claim_leases_and_read(
    source_ids: list[int], owner: str, *, now: datetime, until: datetime, job: str
) -> dict[int, Source] | None:
    """do_claim_lease_and_read for several sources, in one statement, all for the same `owner`: those
    claimed, by id. None where that one statement is not written (SQLite): claim one at a time."""
    if connection.vendor != "postgresql":
        return None
    return hot.claim_many_and_read(source_ids, owner, now=now, until=until, job=job)


def do_release_leases(source_ids: list[int], owner: str) -> int:
    """Give back every lease `owner` still holds among `source_ids` (one UPDATE); how many."""
    return Source.objects.filter(pk__in=source_ids, lease_owner=owner[:200]).update(
        lease_owner="", lease_until=None
    )


def _claim(
    source_id: int, owner: str, *, now: datetime, until: datetime, job: str
) -> tuple[QuerySet[Source], dict[str, object]]:
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    if job:
        free |= Q(lease_owner__endswith=f"/{job}")
    rows = Source.objects.filter(free, pk=source_id, is_active=True, next_check_at__lte=now)
    changes = {"lease_owner": owner[:200], "lease_until": until, "attempted_at": now, "queued_at": None}
    return rows, {**changes, "queued_task": ""}


def do_renew_lease(source_id: int, owner: str, *, until: datetime) -> bool:
    """Extend our lease; False when it is no longer ours."""
    return Source.objects.filter(pk=source_id, lease_owner=owner[:200]).update(lease_until=until) == 1


def do_renew_job_leases(source_ids: list[int], job: str, *, until: datetime) -> int:
    """Extend every lease that task `job` holds among `source_ids` (one UPDATE); how many."""
    return Source.objects.filter(pk__in=source_ids, lease_owner__endswith=f"/{job}").update(lease_until=until)


def do_release_lease(source_id: int, owner: str) -> None:
    Source.objects.filter(pk=source_id, lease_owner=owner[:200]).update(lease_owner="", lease_until=None)


def _checked(now: datetime, etag: str | None, last_modified: str | None, interval: int) -> dict[str, object]:
    """The fields a successful check sets: the validators kept, the error cleared, the next check."""
    return {
        "etag": (etag or "")[:500],
        "last_modified": (last_modified or "")[:100],
        "last_fetched": now,
        "interval_seconds": interval,
        "next_check_at": polling.next_check(now, interval),
        "error_count": 0,
        "failing_since": None,
        "last_error": "",
        "queued_at": None,
    }


def do_record_not_modified(
    source_id: int,
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    published: list[datetime],
    hints: polling.Hints,
    lease_owner: str = "",
) -> bool:
    """A check answered 304: the same record as do_record_success, in one UPDATE and no read. With
    `lease_owner`, only while that lease holds the source, and the lease is given back in the same
    statement. False when the row was not ours (the lease ran out and another worker took it).
    Written as SQL (sources/hot.py); the fields are those of `_checked`."""
    interval = polling.next_interval(published, hints)
    return hot.record_not_modified(
        source_id,
        etag=(etag or "")[:500],
        last_modified=(last_modified or "")[:100],
        now=now,
        interval=interval,
        next_check=polling.next_check(now, interval),
        lease_owner=lease_owner,
    )


def do_record_success(
    source_id: int,
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    published: list[datetime],
    hints: polling.Hints,
    feed_title: str = "",
    site_url: str = "",
) -> Source:
    """A check worked (fresh content or 304): keep the validators, clear the error, schedule the next one."""
    changes = _checked(now, etag, last_modified, polling.next_interval(published, hints))
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        for name, value in changes.items():
            setattr(source, name, value)
        shown = False
        if not source.name and feed_title:
            source.name = feed_title[:300]
            shown = True
        if not source.site_url and site_url:
            source.site_url = site_url
            shown = True
        source.save()
        if shown:  # the first check names the source: its articles' kept parts were drawn without it
            _announce_shown(source_id)
    return source


def _announce_shown(source_id: int) -> None:
    transaction.on_commit(lambda: source_shown_changed.send(sender=Source, source_id=source_id), robust=True)


def do_record_failure(
    source_id: int, *, now: datetime, message: str, retry_after: int | None = None
) -> Source:
    """A check failed: keep the reason as one plain sentence, and back off."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        source.error_count += 1
        if source.failing_since is None:
            source.failing_since = now
        source.last_error = " ".join(message.split())[:500]
        source.last_fetched = now
        delay = polling.error_delay(source.error_count, retry_after=retry_after)
        source.next_check_at = polling.next_check(now, delay)
        source.queued_at = None
        source.save()
    return source


# ---- integrity: spam per source ---------------------------------------------------------------


def do_record_spam(source_id: int, *, now: datetime, what: str) -> Source:
    """Count one spam item (or article with planted spam) from this source; hold it when it repeats.

    Spam older than the counting window is forgotten first, so only spam that *repeats* marks a
    source as possibly compromised. Called inside the transaction that stores the article.
    """
    from django.conf import settings

    hold_after = settings.NEWSDESK_INTEGRITY["SPAM_HOLD_AFTER"]
    window = timedelta(days=settings.NEWSDESK_INTEGRITY["SPAM_WINDOW_DAYS"])
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.last_spam_at is None or now - source.last_spam_at > window:
            source.spam_count = 0
        source.spam_count += 1
        source.last_spam_at = now
        if hold_after > 0 and source.spam_count >= hold_after and source.held_since is None:
            source.held_since = now
            days = settings.NEWSDESK_INTEGRITY["SPAM_WINDOW_DAYS"]
            source.held_reason = (
                f"{source.spam_count} spam items within {days} days, the last: {' '.join(what.split())}"
            )[:300]
        source.save(update_fields=["spam_count", "last_spam_at", "held_since", "held_reason"])
    return source


def do_forget_spam(source_id: int) -> None:
    """A reviewer found one of this source's "spam" items to be fine: it no longer counts."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.spam_count:
            source.spam_count -= 1
            source.save(update_fields=["spam_count"])


def do_hold_source(source_id: int, *, now: datetime, reason: str) -> Source:
    """Mark a source as possibly compromised by hand: its new items wait for review."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.held_since is None:
            source.held_since = now
        source.held_reason = " ".join(reason.split())[:300]
        source.save(update_fields=["held_since", "held_reason"])
    return source


def do_release_source(source_id: int) -> Source:
    """Trust a source again: its new items are published as they come, and its spam count restarts."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        source.held_since = None
        source.held_reason = ""
        source.spam_count = 0
        source.save(update_fields=["held_since", "held_reason", "spam_count"])
    return source


EDITABLE = ("name", "url", "site_url", "language", "is_active")
SHOWN = ("name", "site_url")  # what the article pages show of a source, of what an editor may change


def do_edit_source(source_id: int, **changes: object) -> Source:
    """Change what an editor may change in the admin (name, URL, language, paused or not)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        shown = any(getattr(source, name) != changes[name] for name in SHOWN if name in changes)
        for name, value in changes.items():
            setattr(source, name, value)
        source.save(update_fields=list(changes) or None)
        if shown:
            _announce_shown(source_id)
    return source


# ---- the console's per-day figures ---------------------------------------------------------------

FETCH_OUTCOMES = ("new", "not_modified", "error")


def count_days(rows: list[tuple[int, date, dict[str, float]]]) -> None:
    """_count_day for several (source, day, columns), in one executemany: every row is written with
    every fetch column (zeros included), so that they share one statement."""
    if not rows:
        return
    names = ["fetches", "new_content", "not_modified", "failures", "fetch_seconds", *FETCH_MS_COLUMNS]
    sql = _count_day_sql(tuple(names))
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[s, d, *(c.get(n, 0) for n in names)] for s, d, c in rows])


def _count_day_sql(names: tuple[str, ...]) -> str:
    table = SourceDay._meta.db_table
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in names)
    marks = ", ".join(["%s"] * len(names))
    return (
        f"INSERT INTO {table} (source_id, day, {', '.join(names)}) VALUES (%s, %s, {marks}) "  # noqa: S608
        f"ON CONFLICT (day, source_id) DO UPDATE SET {updates}"
    )


def _count_day(source_id: int, day: date, columns: dict[str, float]) -> None:
    """Add to the source's row of the day, creating it (one upsert: no read, no lost update)."""
    # Column names come from our own constants, never from input.
    with connection.cursor() as cursor:
        cursor.execute(_count_day_sql(tuple(columns)), [source_id, day, *columns.values()])


def _histogram_column(seconds: float) -> str:
    ms = seconds * 1000
    for column, bound in zip(FETCH_MS_COLUMNS, FETCH_MS_BOUNDS, strict=False):
        if ms <= bound:
            return column
    return FETCH_MS_COLUMNS[-1]


def do_count_fetch(source_id: int, *, now: datetime, outcome: str, seconds: float, kind: str = "") -> None:
    """Count one check of the source: `outcome` is new, not_modified or error (`kind` says which error).
    Kept in the source's row of the day and in the site's tallies (`fetch` by outcome or error kind)."""
    assert outcome in FETCH_OUTCOMES, outcome
    columns: dict[str, float] = {"fetches": 1, "fetch_seconds": seconds, _histogram_column(seconds): 1}
    columns[{"new": "new_content", "not_modified": "not_modified", "error": "failures"}[outcome]] = 1
    label = f"error:{kind or 'other'}" if outcome == "error" else outcome
    if (counts := hot.counts_here()) is not None:  # a chunk's counts, written at its end
        counts.add(source_id, now, columns, label, seconds)
        return
    with transaction.atomic():
        _count_day(source_id, now.astimezone(UTC).date(), columns)
        tallies.add("fetch", label, total=seconds, at=now)


def do_count_stored(source_id: int, *, now: datetime, status: str) -> None:
    """Count one article stored from the source (with its status: published or quarantined)."""
    with transaction.atomic():
        _count_day(source_id, now.astimezone(UTC).date(), {"articles": 1})
        tallies.add("articles", status, at=now)
