"""The console's sources table: every source's state and 7-day figures with a 30-day sparkline, sorted by
any column in the database and read one page at a time.

Counts per source and day come from `sources.SourceDay` (docs/decisions/0022-aggregate-tables.md),
never from the articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Lower
from django.urls import reverse

from newsdesk.sources.models import FETCH_MS_BOUNDS, FETCH_MS_COLUMNS, Source, SourceDay
from newsdesk.websub.models import Subscription

from . import charts
from .queries import _ago

SPARK_DAYS = 30
STATS_DAYS = 7


@dataclass
class SourceRow:
    pk: int
    name: str
    state: str
    last_fetch: datetime | None
    next_check: datetime | None
    success_rate: float | None  # share of checks that worked, 0..1, None without checks
    median_ms: float | None
    share_304: float | None
    articles_per_day: float
    websub: str
    change_url: str = ""
    spark: charts.Sparkline | None = None
    last_fetch_label: str = ""
    spark_svg: str = ""
    next_check_label: str = ""

    def last_fetch_text(self, now: datetime) -> str:
        return "never" if self.last_fetch is None else f"{_ago(now, self.last_fetch)} ago"

    def next_check_text(self, now: datetime) -> str:
        if self.next_check is None:
            return "–"
        return "due" if self.next_check <= now else f"in {_ago(self.next_check, now)}"

    @property
    def success_text(self) -> str:
        return "–" if self.success_rate is None else f"{self.success_rate:.0%}"

    @property
    def median_text(self) -> str:
        if self.median_ms is None:
            return "–"
        if self.median_ms >= FETCH_MS_BOUNDS[-1]:
            return f"> {FETCH_MS_BOUNDS[-1] / 1000:g} s"
        return f"{self.median_ms:.0f} ms" if self.median_ms < 1000 else f"{self.median_ms / 1000:.1f} s"

    @property
    def share_304_text(self) -> str:
        return "–" if self.share_304 is None else f"{self.share_304:.0%}"

    @property
    def articles_text(self) -> str:
        return f"{self.articles_per_day:.1f}".removesuffix(".0")


def median_from_histogram(counts: Sequence[int], bounds: Sequence[float] = FETCH_MS_BOUNDS) -> float | None:
    """The median of values counted in buckets (upper bounds `bounds`, the last bucket open), by linear
    interpolation within the bucket that holds it; the open bucket reports its lower bound."""
    total = sum(counts)
    if total == 0:
        return None
    half = total / 2
    seen = 0
    lower = 0.0
    for i, count in enumerate(counts):
        if count and seen + count >= half:
            if i >= len(bounds):
                return float(bounds[-1])
            return lower + (bounds[i] - lower) * (half - seen) / count
        seen += count
        lower = float(bounds[i]) if i < len(bounds) else lower
    return float(bounds[-1])  # pragma: no cover - the loop returns


def _state(is_active: bool, held: bool, error_count: int, never: bool) -> str:
    if not is_active:
        return "paused"
    if held:
        return "held"
    if error_count:
        return "failing"
    if never:
        return "new"
    return "ok"


STAT_SORTS = ("success", "median", "share_304", "articles")
# Every order is the database's: one query with ORDER BY and LIMIT gives the page's ids, so nothing is
# read for the other sources (docs/decisions/0022-aggregate-tables.md).
SORTS = ("name", "state", "last_fetch", "next_check", *STAT_SORTS, "websub")
DEFAULT_SORT = "state"

# Per-source sums over the 7 days: fetches, new content, not modified, articles, then the histogram.
_SUMMED = ("fetches", "new_content", "not_modified", "articles", *FETCH_MS_COLUMNS)
_N, _NEW, _NM, _A = 0, 1, 2, 3  # positions in a row of sums
_EMPTY = [0] * len(_SUMMED)


def _since(today: date) -> date:
    return today - timedelta(days=STATS_DAYS - 1)


@dataclass
class SourcesPage:
    rows: list[SourceRow]
    total: int
    page: int
    pages: int
    sort: str
    descending: bool
    days: list[date] = field(default_factory=list)


def _median_sql(h: Sequence[str], seen: Sequence[str], real: str) -> str:
    """`median_from_histogram` in SQL, given the bucket sums `h` and the running sums `seen` (`seen[i]`
    counts the buckets before bucket i, `seen[-1]` all of them): step for step in double precision, so
    the database orders by exactly the figure the page shows; -1 without a fetch time."""

    def num(value: float) -> str:  # a double, not PostgreSQL's numeric
        return f"CAST({float(value)!r} AS {real})"

    half = f"(CAST({seen[-1]} AS {real}) / {num(2)})"
    whens = [f"WHEN {seen[-1]} = 0 THEN {num(-1)}"]
    lower = 0.0
    for i, count in enumerate(h):
        reached = f"{count} > 0 AND CAST({seen[i + 1]} AS {real}) >= {half}"
        if i >= len(FETCH_MS_BOUNDS):
            value = num(FETCH_MS_BOUNDS[-1])
        else:
            beyond = half if i == 0 else f"({half} - CAST({seen[i]} AS {real}))"  # half - 0 is half
            value = (
                f"({num(lower)} + (({num(FETCH_MS_BOUNDS[i] - lower)} * {beyond}) / CAST({count} AS {real})))"
            )
            lower = float(FETCH_MS_BOUNDS[i])
        whens.append(f"WHEN {reached} THEN {value}")
    return f"CASE {' '.join(whens)} ELSE {num(FETCH_MS_BOUNDS[-1])} END"


def _stat_ids(sort: str, descending: bool, today: date, first: int, count: int) -> list[int]:
    """The ids of sources `first` to `first + count` in the order of a 7-day figure, ties by id.

    One query: every source joined to its rows of the 7 days (the index on source and day), the few
    sums the figure needs per source, and the figure computed from them as the page shows it (-1 where
    there were no checks), ordered and cut in the database. Written as SQL because the figure reads the
    sums of a grouped subquery, which the ORM does not express; the column and table names come from
    the models and every value is a parameter.
    """
    q = connection.ops.quote_name
    real = "DOUBLE PRECISION"  # SQLite reads it as REAL: a double in both
    if sort == "articles":
        sums = {"articles": f"d.{q('articles')}"}
        key = "articles"
    else:
        sums = {"n": f"d.{q('fetches')}"}
        if sort == "success":
            sums["ok"] = f"d.{q('new_content')} + d.{q('not_modified')}"
            value = f"CAST(ok AS {real}) / CAST(n AS {real})"
        elif sort == "share_304":
            sums["nm"] = f"d.{q('not_modified')}"
            value = f"CAST(nm AS {real}) / CAST(n AS {real})"
        else:
            h = [f"h{i}" for i in range(len(FETCH_MS_COLUMNS))]
            sums.update({name: f"d.{q(column)}" for name, column in zip(h, FETCH_MS_COLUMNS, strict=True)})
            seen = ["0", *[f"({' + '.join(h[: i + 1])})" for i in range(len(h))]]
            value = _median_sql(h, seen, real)
        key = f"CASE WHEN n = 0 THEN CAST(-1.0 AS {real}) ELSE {value} END"
    order = "DESC" if descending else "ASC"
    columns = ", ".join(f"COALESCE(SUM({expr}), 0) AS {name}" for name, expr in sums.items())
    sql = (
        f"SELECT id FROM (SELECT s.{q('id')} AS id, {columns}"  # noqa: S608 - names from the models, values as parameters
        f" FROM {q(Source._meta.db_table)} s LEFT JOIN {q(SourceDay._meta.db_table)} d"
        f" ON d.{q('source_id')} = s.{q('id')} AND d.{q('day')} >= %s AND d.{q('day')} <= %s"
        f" GROUP BY s.{q('id')}) w ORDER BY {key} {order}, id {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_since(today), today, count, first])
        return [row[0] for row in cursor.fetchall()]


def _ordered(sort: str, descending: bool) -> QuerySet[Source]:
    """Every source's id in the order of the chosen column, ties by id (both reversed when descending)."""
    name = Lower(Case(When(name="", then=F("url")), default=F("name")))
    if sort == "name":
        return Source.objects.order_by(name.desc() if descending else name.asc(), "pk")
    if sort == "state":  # the same words, so the same order, as _state()
        state = Case(
            When(is_active=False, then=Value("paused")),
            When(held_since__isnull=False, then=Value("held")),
            When(error_count__gt=0, then=Value("failing")),
            When(last_fetched__isnull=True, then=Value("new")),
            default=Value("ok"),
            output_field=CharField(),
        )
        if descending:
            return Source.objects.order_by(state.desc(), name.desc(), "-pk")
        return Source.objects.order_by(state.asc(), name.asc(), "pk")
    if sort == "websub":  # a subscription being removed shows as none
        key = Case(When(websub__removed=False, then=F("websub__state")), default=Value(""))
        sources = Source.objects.annotate(k=key)
        return sources.order_by("-k", "-pk") if descending else sources.order_by("k", "pk")
    column = (
        Case(When(is_active=True, then=F("next_check_at"))) if sort == "next_check" else F("last_fetched")
    )
    return Source.objects.annotate(k=column).order_by(
        F("k").desc(nulls_last=True) if descending else F("k").asc(nulls_first=True), "pk"
    )


def sources_table(
    now: datetime, *, sort: str = DEFAULT_SORT, descending: bool = False, page: int = 1, per_page: int = 50
) -> SourcesPage:
    """Every source sorted by the chosen column, of which only the page's rows are read and built (their
    7-day sums, datetimes and 30-day sparklines)."""
    today = now.date()
    if sort not in SORTS:
        sort = DEFAULT_SORT
    total = Source.objects.count()
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    first = (page - 1) * per_page
    if sort in STAT_SORTS:
        shown_ids = _stat_ids(sort, descending, today, first, per_page)
    else:
        shown_ids = list(_ordered(sort, descending).values_list("pk", flat=True)[first : first + per_page])
    websub = dict(
        Subscription.objects.filter(removed=False, source_id__in=shown_ids).values_list("source_id", "state")
    )
    times: dict[int, tuple[datetime | None, datetime | None]] = {}
    name: dict[int, str] = {}
    state: dict[int, str] = {}
    for pk, n, url, active, errors, held, fetched, next_check in Source.objects.filter(
        pk__in=shown_ids
    ).values_list(
        "pk", "name", "url", "is_active", "error_count", "held_since", "last_fetched", "next_check_at"
    ):
        times[pk] = (fetched, next_check if active else None)
        name[pk] = n or url
        state[pk] = _state(active, held is not None, errors, fetched is None)
    days = [today - timedelta(days=SPARK_DAYS - 1 - i) for i in range(SPARK_DAYS)]
    index = {d: i for i, d in enumerate(days)}
    articles = {pk: [0] * SPARK_DAYS for pk in shown_ids}
    failures = {pk: [0] * SPARK_DAYS for pk in shown_ids}
    # One read of the page's rows of the 30 days: the sparklines, and the sums of the last 7 of them.
    since = _since(today)
    sums: dict[int, list[int]] = {}
    for source_id, day, f, *values in SourceDay.objects.filter(
        source_id__in=shown_ids, day__gte=days[0], day__lte=today
    ).values_list("source_id", "day", "failures", *_SUMMED):
        i = index[day]
        articles[source_id][i] = values[_A]
        failures[source_id][i] = f
        if day >= since:
            have = sums.get(source_id)
            if have is None:
                sums[source_id] = values
            else:
                for k, v in enumerate(values):
                    have[k] += v
    change = reverse("admin:sources_source_change", args=[0]).replace("/0/", "/{}/")
    rows = []
    for pk in shown_ids:
        v = sums.get(pk, _EMPTY)
        fetches = v[_N]
        fetched_at, check_at = times.get(pk, (None, None))
        row = SourceRow(
            pk=pk,
            name=name[pk],
            state=state[pk],
            last_fetch=fetched_at,
            next_check=check_at,
            success_rate=(v[_NEW] + v[_NM]) / fetches if fetches else None,
            median_ms=median_from_histogram(v[4:]),
            share_304=v[_NM] / fetches if fetches else None,
            articles_per_day=v[_A] / STATS_DAYS,
            websub=websub.get(pk, ""),
            change_url=change.format(pk),
            spark=charts.sparkline(articles[pk], failures[pk]),
        )
        row.last_fetch_label = row.last_fetch_text(now)
        row.next_check_label = row.next_check_text(now)
        row.spark_svg = charts.sparkline_svg(row.spark)  # type: ignore[arg-type]
        rows.append(row)
    return SourcesPage(rows, total, page, pages, sort, descending, days)
