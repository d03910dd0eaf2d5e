"""Read-side lookups of the event log (the hub and the stream call these from a worker thread)."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from .events import Event, Filters
from .models import LiveEvent

_FIELDS = ("id", "data", "source_id", "topic_keys", "kind")


def latest_event_id() -> int:
    """The newest event's id (every page with the Live News column asks): the SQL written once, since
    compiling the ORM's query cost ten times the database's answer."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        column, table = quote(LiveEvent._meta.pk.column), quote(LiveEvent._meta.db_table)
        cursor.execute(f"SELECT MAX({column}) FROM {table}")  # noqa: S608  # names from the model
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def read_after(cursor: int, limit: int) -> tuple[list[Event], int, bool]:
    """The hub's feed: the events after `cursor` (oldest first, at most `limit` rows read), the new
    cursor, and whether more rows may be waiting. Rows without payload are stepped over."""
    rows = list(LiveEvent.objects.filter(id__gt=cursor).order_by("id").values_list(*_FIELDS)[:limit])
    if not rows:
        return [], cursor, False
    return [Event(*row) for row in rows if row[1]], rows[-1][0], len(rows) == limit


def missed_events(after: int, upto: int, filters: Filters, limit: int) -> list[Event]:
    """What a reconnecting client missed: events in (after, upto] that match its filters, oldest
    first. When more than `limit` were missed, the newest `limit` (a page wants the latest news)."""
    query = LiveEvent.objects.filter(id__gt=after, id__lte=upto).exclude(data="")
    if filters.source is not None:
        query = query.filter(source_id=filters.source)
    if filters.topic is not None:
        query = query.filter(topic_keys__contains=f",{filters.topic},")
    rows = list(query.order_by("-id").values_list(*_FIELDS)[:limit])
    rows.reverse()
    return [Event(*row) for row in rows]


def events_with_payload_before(cutoff: datetime) -> list[int]:
    """Ids of events older than `cutoff` that still carry their payload (retention)."""
    rows = LiveEvent.objects.filter(created_at__lt=cutoff).exclude(data="").order_by("pk")
    return list(rows.values_list("pk", flat=True))
