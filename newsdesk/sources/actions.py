"""Every write to sources goes through here."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.core.errors import UserError

from . import schedule
from .models import Source


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
    """Remove a source and its articles."""
    source = get_source(source_id)
    with transaction.atomic():
        source.delete()
    return source


def do_mark_queued(source_ids: list[int], now: datetime) -> None:
    Source.objects.filter(pk__in=source_ids).update(queued_at=now)


def do_record_success(
    source_id: int,
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    published: list[datetime],
    hints: schedule.Hints,
    feed_title: str = "",
    site_url: str = "",
) -> Source:
    """A check worked (fresh content or 304): keep the validators, clear the error, schedule the next one."""
    interval = schedule.next_interval(published, hints)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        source.etag = (etag or "")[:500]
        source.last_modified = (last_modified or "")[:100]
        source.last_fetched = now
        source.interval_seconds = interval
        source.next_check_at = schedule.next_check(now, interval)
        source.error_count = 0
        source.last_error = ""
        source.queued_at = None
        if not source.name and feed_title:
            source.name = feed_title[:300]
        if not source.site_url and site_url:
            source.site_url = site_url
        source.save()
    return source


def do_record_failure(
    source_id: int, *, now: datetime, message: str, retry_after: int | None = None
) -> Source:
    """A check failed: keep the reason as one plain sentence, and back off."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        source.error_count += 1
        source.last_error = " ".join(message.split())[:500]
        source.last_fetched = now
        delay = schedule.error_delay(source.error_count, retry_after=retry_after)
        source.next_check_at = schedule.next_check(now, delay)
        source.queued_at = None
        source.save()
    return source
