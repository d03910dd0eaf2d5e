"""The statements a refresh runs for every source it checks, as SQL built once per process.

Building these statements with the ORM (a queryset, then its compiler) cost more CPU than running
them, on every check; with ten thousand checks a cycle, nine in ten of them a 304, that was most of a
worker's time. Table and column names are Django's own for the models; every value travels as a
parameter. What each statement does is documented on the action that runs it (actions.py).

The day's check counts of a chunk of sources can be kept in memory and written once for the chunk
(`Counts`), instead of three statements in a transaction per check.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection, transaction

from .models import Source


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def claim_sql(vendor: str, with_job: bool, many: bool = False) -> tuple[str, tuple[str, ...]]:
    """UPDATE ... RETURNING for do_claim_lease_and_read, and the names of the columns it returns. On
    PostgreSQL the statement also returns the publication times of the source's newest articles (its
    posting rhythm, which a 304 needs), as one more column."""
    table = Source._meta.db_table
    fields = Source._meta.concrete_fields
    columns = ", ".join(_quote(f.column) for f in fields)
    free = "lease_until IS NULL OR lease_until <= %s" + (" OR lease_owner LIKE %s" if with_job else "")
    recent = ""
    if vendor == "postgresql":
        articles = Source._meta.get_field("articles").related_model._meta.db_table  # type: ignore[union-attr]
        recent = (
            f", ARRAY(SELECT published FROM {articles} WHERE source_id = {table}.id "  # noqa: S608
            "ORDER BY published DESC LIMIT 20)"
        )
    sql = (
        f"UPDATE {table} SET lease_owner = %s, lease_until = %s, attempted_at = %s, queued_at = NULL, "  # noqa: S608
        f"queued_task = '' WHERE id {'= ANY(%s)' if many else '= %s'} AND is_active AND next_check_at <= %s "
        f"AND ({free}) "
        f"RETURNING {columns}{recent}"
    )
    return sql, tuple(f.attname for f in fields)


def claim_and_read(source_id: int, owner: str, *, now: datetime, until: datetime, job: str) -> Source | None:
    """The claim as one statement on PostgreSQL; the row as a Source, with `recent_published` (a list of
    datetimes) set. None when the source was not claimed."""
    return claim_many_and_read([source_id], owner, now=now, until=until, job=job, many=False).get(source_id)


def claim_many_and_read(
    source_ids: list[int], owner: str, *, now: datetime, until: datetime, job: str, many: bool = True
) -> dict[int, Source]:
    """claim_and_read for several sources at once, in one statement: those claimed, by id."""
    adapt = connection.ops.adapt_datetimefield_value
    sql, names = claim_sql(connection.vendor, bool(job), many)
    which: Any = list(source_ids) if many else source_ids[0]
    params: list[Any] = [owner[:200], adapt(until), adapt(now), which, adapt(now), adapt(now)]
    if job:
        escaped = job.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%/{escaped}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    claimed = {}
    for row in rows:
        source = Source.from_db(connection.alias, list(names), row[: len(names)])
        source.recent_published = list(row[len(names)])  # type: ignore[attr-defined]
        claimed[source.pk] = source
    return claimed


@functools.cache
def not_modified_sql(leased: bool) -> str:
    table = Source._meta.db_table
    lease = ", lease_owner = '', lease_until = NULL" if leased else ""
    where = " AND lease_owner = %s" if leased else ""
    return (
        f"UPDATE {table} SET etag = %s, last_modified = %s, last_fetched = %s, interval_seconds = %s, "  # noqa: S608
        f"next_check_at = %s, error_count = 0, failing_since = NULL, last_error = '', queued_at = NULL"
        f"{lease} WHERE id = %s{where}"
    )


def record_not_modified(
    source_id: int,
    *,
    etag: str,
    last_modified: str,
    now: datetime,
    interval: int,
    next_check: datetime,
    lease_owner: str,
) -> bool:
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = [etag, last_modified, adapt(now), interval, adapt(next_check), source_id]
    if lease_owner:
        params.append(lease_owner[:200])
    with connection.cursor() as cursor:
        cursor.execute(not_modified_sql(bool(lease_owner)), params)
        return bool(cursor.rowcount == 1)


# ---- the day's counts of a chunk, written once ----------------------------------------------------


class Counts:
    """Check counts kept in memory for a while (a chunk of sources), then written in one transaction:
    the sources' rows of the day and the site's tallies. Threads of the chunk add to the same Counts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.days: dict[tuple[int, date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.tallies: dict[tuple[str, str, datetime], list[float]] = {}
        # The sources whose 304 was recorded, told to the listeners at the chunk's end (feeds_not_modified).
        self.not_modified: list[int] = []

    def recorded_not_modified(self, source_id: int) -> None:
        with self.lock:
            self.not_modified.append(source_id)

    def take_not_modified(self) -> list[int]:
        with self.lock:
            taken, self.not_modified = self.not_modified, []
        return taken

    def add(
        self, source_id: int, now: datetime, columns: dict[str, float], label: str, seconds: float
    ) -> None:
        from newsdesk.core.tallies import HOUR, bucket_start

        with self.lock:
            row = self.days[source_id, now.astimezone(UTC).date()]
            for column, value in columns.items():
                row[column] += value
            # Hours are kept apart: a chunk that runs across an hour counts each check in its own hour.
            key = ("fetch", label, bucket_start(now, HOUR))
            total = self.tallies.setdefault(key, [0, 0.0])
            total[0] += 1
            total[1] += seconds

    def flush(self) -> None:
        """Write what was counted, and forget it."""
        from newsdesk.core import tallies

        from .actions import count_days

        with self.lock:
            days, self.days = self.days, defaultdict(lambda: defaultdict(float))
            hours, self.tallies = self.tallies, {}
        if not days and not hours:
            return
        with transaction.atomic():
            count_days(
                [(source_id, day, dict(columns)) for (source_id, day), columns in sorted(days.items())]
            )
            for (metric, label, hour), (count, total) in sorted(hours.items()):
                tallies.add(metric, label, count=int(count), total=total, at=hour)


_local = threading.local()


@contextmanager
def counting(counts: Counts) -> Iterator[None]:
    """While the block runs, this thread's check counts go to `counts` (do_count_fetch)."""
    _local.counts = counts
    try:
        yield
    finally:
        _local.counts = None


def counts_here() -> Counts | None:
    return getattr(_local, "counts", None)
