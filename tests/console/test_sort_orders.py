"""Every order of the sources table, as the database gives it page by page, against the same order worked
out the plain way in Python from every source's rows: sums over the 7 days, the median from the summed
histogram, ties broken by id. The data has the awkward cases: no rows, rows only outside the 7 days,
checks without fetch times, medians in the open bucket, equal figures from different counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from newsdesk.console import source_table
from newsdesk.sources.models import FETCH_MS_COLUMNS, Source, SourceDay
from newsdesk.websub.models import Subscription

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
PER_PAGE = 7
WORDS = ("alder", "birch", "cedar", "alder")  # a repeated name: ties broken by id


def make_sources(rng: random.Random) -> list[Source]:
    made = []
    for n in range(61):
        kind = n % 9
        made.append(
            Source(
                url=f"http://feed-{n:02d}.test/rss",
                name="" if kind == 8 else f"{WORDS[n % 4]} {n % 5}",
                is_active=kind != 7,
                error_count=3 if kind == 6 else 0,
                held_since=NOW - timedelta(days=1) if kind == 5 else None,
                last_fetched=None if kind == 4 else NOW - timedelta(minutes=rng.choice((5, 10, 30, 90))),
                next_check_at=NOW + timedelta(minutes=rng.choice((-5, 10, 30))),
            )
        )
    sources = Source.objects.bulk_create(made)
    days: list[SourceDay] = []
    today = NOW.date()
    for i, source in enumerate(sources):
        shape = i % 10
        if shape == 0:
            continue  # no rows at all
        offsets = [7, 9] if shape == 1 else rng.sample(range(-1, 8), rng.randint(1, 6))
        for back in offsets:  # -1: a day ahead (a clock step), 7 and more: before the 7 days
            fetches = rng.choice((0, 2, 4, 4, 8))
            new = rng.randint(0, fetches)
            not_modified = rng.randint(0, fetches - new)
            hist = [0] * len(FETCH_MS_COLUMNS)
            if shape == 2:
                pass  # checks with no fetch time recorded
            elif shape == 3:
                hist[-1] = fetches  # all in the open bucket
            elif shape == 4:
                hist[1], hist[3] = fetches // 2, fetches - fetches // 2  # equal medians from equal halves
            else:
                for _ in range(fetches):
                    hist[rng.randrange(len(hist))] += 1
            days.append(
                SourceDay(
                    source=source,
                    day=today - timedelta(days=back),
                    fetches=fetches,
                    new_content=new,
                    not_modified=not_modified,
                    failures=fetches - new - not_modified,
                    articles=rng.choice((0, 1, 3, 3, 12)),
                    **dict(zip(FETCH_MS_COLUMNS, hist, strict=True)),
                )
            )
    SourceDay.objects.bulk_create(days)
    for i, source in enumerate(sources[::4]):
        Subscription.objects.create(
            source=source,
            hub="http://hub.test/",
            topic=source.url,
            state=("pending", "active", "failed")[i % 3],
            removed=i % 5 == 4,
            token=f"token-{source.pk}",
            secret="s",
        )
    return sources


def expected(sort: str, descending: bool) -> list[int]:
    """The order worked out in Python from every row."""
    since, today = NOW.date() - timedelta(days=source_table.STATS_DAYS - 1), NOW.date()
    sums: dict[int, list[int]] = {}
    for row in SourceDay.objects.filter(day__gte=since, day__lte=today):
        have = sums.setdefault(row.source_id, [0] * (4 + len(FETCH_MS_COLUMNS)))
        values = [row.fetches, row.new_content, row.not_modified, row.articles]
        for k, v in enumerate(values + [getattr(row, c) for c in FETCH_MS_COLUMNS]):
            have[k] += v
    websub = dict(Subscription.objects.filter(removed=False).values_list("source_id", "state"))
    keys: dict[int, Any] = {}
    for s in Source.objects.all():
        v = sums.get(s.pk, [0] * (4 + len(FETCH_MS_COLUMNS)))
        n = v[0]
        median = source_table.median_from_histogram(v[4:])
        name = (s.name or s.url).lower()
        state = source_table._state(
            s.is_active, s.held_since is not None, s.error_count, s.last_fetched is None
        )
        keys[s.pk] = {
            "name": name,
            "state": (state, name),
            "last_fetch": s.last_fetched,
            "next_check": s.next_check_at if s.is_active else None,
            "success": (v[1] + v[2]) / n if n else -1.0,
            "median": -1.0 if not n or median is None else median,
            "share_304": v[2] / n if n else -1.0,
            "articles": v[3],
            "websub": websub.get(s.pk, ""),
        }[sort]
    ids = sorted(keys)
    if sort in ("last_fetch", "next_check"):  # never fetched (or paused) first, last when descending
        unknown = [pk for pk in ids if keys[pk] is None]
        known = sorted((pk for pk in ids if keys[pk] is not None), key=lambda pk: (keys[pk], pk))
        if descending:
            known = sorted(known, key=lambda pk: keys[pk], reverse=True)  # stable: ids stay ascending
            return known + unknown
        return unknown + known
    if sort == "name" and descending:  # names descending, ids ascending
        return sorted(sorted(ids), key=lambda pk: keys[pk], reverse=True)
    return sorted(ids, key=lambda pk: (keys[pk], pk), reverse=descending)


def shown(sort: str, descending: bool) -> list[int]:
    """The table's order, read page by page."""
    first = source_table.sources_table(NOW, sort=sort, descending=descending, per_page=PER_PAGE)
    assert first.sort == sort
    ids = [row.pk for row in first.rows]
    for page in range(2, first.pages + 1):
        ids += [
            r.pk
            for r in source_table.sources_table(
                NOW, sort=sort, descending=descending, page=page, per_page=PER_PAGE
            ).rows
        ]
    assert first.total == len(ids) == Source.objects.count()
    return ids


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", source_table.SORTS)
def test_each_order_is_the_plain_computation(sort: str, descending: bool) -> None:
    make_sources(random.Random(14))
    want = expected(sort, descending)
    assert len(set(want)) == 61
    assert shown(sort, descending) == want


def test_the_data_has_the_awkward_cases() -> None:
    """So the comparison above means something: ties, sources without checks, medians of every kind."""
    make_sources(random.Random(14))
    rows = []
    for page in range(1, 10):
        rows += source_table.sources_table(NOW, sort="median", page=page, per_page=PER_PAGE).rows
    medians = [r.median_ms for r in rows]
    assert medians.count(None) >= 10  # no checks, or checks without a time
    assert 10000.0 in medians  # the open bucket
    known = [m for m in medians if m is not None]
    assert len(set(known)) < len(known)  # equal medians, ordered by id
    rates = [r.success_rate for r in rows if r.success_rate is not None]
    assert len(set(rates)) < len(rates)
