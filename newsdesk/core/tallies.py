"""Counters in time buckets, for the operator console (docs/decisions/0022-aggregate-tables.md).

`add()` counts one event (or several) of a metric in the current hour's and day's buckets with one
upsert (INSERT ... ON CONFLICT DO UPDATE, which SQLite and PostgreSQL both have), inside the caller's
transaction: a write that is rolled back is not counted either. `Batch` keeps counts in memory for a
process that would otherwise write on every request (the page cache) and writes them every few seconds.
`series()` reads a run of buckets back; the dashboard reads nothing else for its charts.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .clock import Clock, utcnow

log = logging.getLogger(__name__)

HOUR, DAY = "h", "d"
STEP = {HOUR: timedelta(hours=1), DAY: timedelta(days=1)}


def bucket_start(when: datetime, period: str) -> datetime:
    """The start of the bucket `when` falls in (UTC hours and days)."""
    if period == HOUR:
        return when.replace(minute=0, second=0, microsecond=0)
    return when.replace(hour=0, minute=0, second=0, microsecond=0)


def _upsert_sql(table: str) -> str:
    # The table name is Django's own for the model; every value travels as a parameter.
    return (
        f"INSERT INTO {table} (metric, label, period, bucket_start, count, total) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (metric, period, bucket_start, label) "
        f"DO UPDATE SET count = {table}.count + excluded.count, total = {table}.total + excluded.total"
    )


def add_many(items: Iterable[tuple[str, str, int, float]], *, at: datetime | None = None) -> None:
    """Count several (metric, label, count, total) at once, in the hour and day buckets of `at`."""
    from django.db import connection

    from .models import Tally

    when = at or utcnow()
    hour, day = bucket_start(when, HOUR), bucket_start(when, DAY)
    rows = []
    for metric, label, count, total in items:
        rows.append((metric[:64], label[:64], HOUR, hour, count, total))
        rows.append((metric[:64], label[:64], DAY, day, count, total))
    if not rows:
        return
    # A fixed order of rows takes the same locks in the same order in concurrent writers.
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    with connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(Tally._meta.db_table), rows)


def add(
    metric: str, label: str = "", *, count: int = 1, total: float = 0.0, at: datetime | None = None
) -> None:
    """Count `count` events of `metric` (with `label`), carrying `total` (e.g. seconds), now or `at`."""
    add_many([(metric, label, count, total)], at=at)


@dataclass
class Point:
    start: datetime
    count: int = 0
    total: float = 0.0


def series(
    metric: str, period: str, *, buckets: int, clock: Clock = utcnow, labels: Iterable[str] | None = None
) -> dict[str, list[Point]]:
    """The last `buckets` buckets of `metric` (the current one last), per label, gaps filled with zeros."""
    from .models import Tally

    step = STEP[period]
    last = bucket_start(clock(), period)
    first = last - step * (buckets - 1)
    rows = Tally.objects.filter(metric=metric, period=period, bucket_start__gte=first).values_list(
        "label", "bucket_start", "count", "total"
    )
    if labels is not None:
        rows = rows.filter(label__in=list(labels))
    out: dict[str, list[Point]] = {}
    for label in labels or ():
        out[label] = [Point(first + step * i) for i in range(buckets)]
    for label, start, count, total in rows:
        points = out.setdefault(label, [Point(first + step * i) for i in range(buckets)])
        index = int((start - first) / step)
        if 0 <= index < buckets:
            points[index].count += count
            points[index].total += total
    return out


def series_many(
    metrics: Iterable[str], period: str, *, buckets: int, clock: Clock = utcnow
) -> dict[str, dict[str, list[Point]]]:
    """`series()` of several metrics with one query: metric -> label -> points."""
    from .models import Tally

    step = STEP[period]
    last = bucket_start(clock(), period)
    first = last - step * (buckets - 1)
    wanted = list(metrics)
    out: dict[str, dict[str, list[Point]]] = {metric: {} for metric in wanted}
    rows = Tally.objects.filter(metric__in=wanted, period=period, bucket_start__gte=first).values_list(
        "metric", "label", "bucket_start", "count", "total"
    )
    for metric, label, start, count, total in rows:
        points = out[metric].get(label)
        if points is None:
            points = out[metric][label] = [Point(first + step * i) for i in range(buckets)]
        index = int((start - first) / step)
        if 0 <= index < buckets:
            points[index].count += count
            points[index].total += total
    return out


def forget_older_than(period: str, age: timedelta, *, clock: Clock = utcnow) -> int:
    """Drop buckets of `period` that started more than `age` ago."""
    from .models import Tally

    deleted, _ = Tally.objects.filter(period=period, bucket_start__lt=clock() - age).delete()
    return deleted


class Batch:
    """Counts kept in memory and written together every `seconds` by a thread of their own.

    For counters on a hot path (a page answered from the cache, maybe on an event loop where the
    database must not be touched), where a write per event would cost more than the event. A failed
    write is logged and dropped, never raised: these are statistics.
    """

    def __init__(
        self,
        seconds: float = 10.0,
        *,
        write: Callable[[Iterable[tuple[str, str, int, float]]], None] = add_many,
    ) -> None:
        self.seconds = seconds
        self._write = write
        self._counts: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, metric: str, label: str = "", *, count: int = 1, total: float = 0.0) -> None:
        with self._lock:
            slot = self._counts.setdefault((metric, label), [0, 0.0])
            slot[0] += count
            slot[1] += total
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tallies", daemon=True)
                self._thread.start()
                atexit.register(self.flush)

    def _run(self) -> None:
        from django.db import close_old_connections

        while True:
            time.sleep(self.seconds)
            self.flush()
            try:
                close_old_connections()  # this thread's own connection, if it has gone stale
            except Exception:  # the thread outlives a failed look at its connection, as a failed write
                log.warning("could not check the tallies' database connection", exc_info=True)

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, {}
        if not counts:
            return
        try:
            self._write([(m, label, int(c), float(t)) for (m, label), (c, t) in counts.items()])
        except Exception:
            log.warning("could not write %d tallies", len(counts), exc_info=True)
