"""Read-side lookups about sources that the pipeline and the scheduler need. No writes."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.db.models import F, Q, QuerySet

from newsdesk.markup.language import primary_tag
from newsdesk.types import Outlet, SourceState

from .models import Source


def integrity_state(source_id: int) -> SourceState:
    """What the spam review needs to know about a source, read fresh (it may be held mid-check)."""
    row = (
        Source.objects.filter(pk=source_id)
        .values("language", "site_url", "url", "held_since", "held_reason")
        .first()
    )
    if row is None:
        return SourceState()
    return SourceState(
        language=primary_tag(row["language"]) or "",
        site_host=urlsplit(row["site_url"] or row["url"]).hostname or "",
        held=row["held_since"] is not None,
        held_reason=row["held_reason"],
    )


def outlet(source_id: int) -> Outlet | None:
    """A source's id and addresses, for telling which outlet a story's link belongs to."""
    row = Source.objects.filter(pk=source_id).values("url", "site_url").first()
    return None if row is None else Outlet(id=source_id, url=row["url"], site_url=row["site_url"])


def due(now: datetime) -> QuerySet[Source]:
    """The active sources whose next check has come, the longest-waiting first."""
    return Source.objects.filter(is_active=True, next_check_at__lte=now).order_by("next_check_at")


def interrupted(source_ids: list[int]) -> list[int]:
    """Those of these sources whose last refresh started and never finished (a worker died)."""
    return list(
        Source.objects.filter(pk__in=source_ids, attempted_at__isnull=False)
        .filter(Q(last_fetched__isnull=True) | Q(last_fetched__lt=F("attempted_at")))
        .values_list("pk", flat=True)
    )


def marked_queued(source_ids: list[int]) -> list[int]:
    """Those of these sources still marked queued."""
    return list(
        Source.objects.filter(pk__in=source_ids, queued_at__isnull=False).values_list("pk", flat=True)
    )
