"""A 304 recorded through the plain SQL of sources/hot.py leaves the source's row exactly as the ORM path
(`do_record_success`, the fields of `_checked`) leaves it. The two are written apart, so a column added to
one and not the other makes these tests fail: every column of the row is compared, as the database holds
it, not only the columns either path names today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from newsdesk.sources import actions
from newsdesk.sources.models import Source
from newsdesk.sources.polling import Hints

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 21, 30, 15, 123456, tzinfo=UTC)
# A source posting about every 40 minutes: the next interval comes from its rhythm, not the default.
PUBLISHED = [NOW - timedelta(minutes=40 * n + 3) for n in range(8)]
HINTS = Hints(max_age=900, ttl_minutes=30)
# The columns that tell the two rows apart by construction.
OWN = ("id", "url")


def failing_source(url: str, **extra: Any) -> Source:
    """A source that was failing, queued and carrying old validators: a 304 has something to reset."""
    return Source.objects.create(
        url=url,
        name="Harbour",
        created_at=NOW - timedelta(days=30),
        etag='"old"',
        last_modified="Sat, 05 Dec 2026 10:00:00 GMT",
        last_fetched=NOW - timedelta(hours=5),
        next_check_at=NOW - timedelta(minutes=2),
        interval_seconds=3600,
        queued_at=NOW - timedelta(minutes=3),
        queued_task="task-1",
        attempted_at=NOW - timedelta(minutes=1),
        error_count=4,
        failing_since=NOW - timedelta(hours=6),
        last_error="The server answered 503.",
        **extra,
    )


def stored_row(source_id: int) -> dict[str, Any]:
    """The row as the database holds it (raw values: on SQLite, the stored text of a datetime too)."""
    table = connection.ops.quote_name(Source._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [source_id])  # noqa: S608
        names = [column[0] for column in cursor.description]
        row = cursor.fetchone()
    return {name: value for name, value in zip(names, row, strict=True) if name not in OWN}


def test_the_compared_row_covers_every_column_of_the_model() -> None:
    source = failing_source("https://harbour.example/feed")
    assert set(stored_row(source.pk)) == {f.column for f in Source._meta.concrete_fields} - set(OWN)


@pytest.mark.parametrize(
    ("etag", "last_modified"),
    [
        ('"v2"', "Sun, 06 Dec 2026 21:00:00 GMT"),
        (None, None),  # the server sent no validators this time
        ("e" * 600, "m" * 150),  # longer than the columns: both paths cut them the same way
    ],
)
def test_a_304_through_hot_sql_leaves_the_row_the_orm_path_leaves(
    etag: str | None, last_modified: str | None
) -> None:
    by_orm = failing_source("https://harbour.example/orm")
    by_sql = failing_source("https://harbour.example/sql")
    assert stored_row(by_orm.pk) == stored_row(by_sql.pk)
    recorded: dict[str, Any] = {
        "now": NOW, "etag": etag, "last_modified": last_modified, "published": PUBLISHED, "hints": HINTS,
    }  # fmt: skip

    actions.do_record_success(by_orm.pk, **recorded)
    assert actions.do_record_not_modified(by_sql.pk, **recorded)

    after = stored_row(by_sql.pk)
    assert after == stored_row(by_orm.pk)
    assert after != stored_row(failing_source("https://harbour.example/untouched").pk)  # the record did write
    row = Source.objects.get(pk=by_sql.pk)
    assert (row.error_count, row.failing_since, row.last_error, row.queued_at, row.last_fetched) == (
        0, None, "", None, NOW,
    )  # fmt: skip


def test_a_304_under_a_lease_differs_from_the_orm_path_only_by_giving_the_lease_back() -> None:
    until = NOW + timedelta(seconds=60)
    by_orm = failing_source("https://harbour.example/orm", lease_owner="w:1:1/job", lease_until=until)
    by_sql = failing_source("https://harbour.example/sql", lease_owner="w:1:1/job", lease_until=until)
    recorded: dict[str, Any] = {
        "now": NOW, "etag": '"v2"', "last_modified": None, "published": PUBLISHED, "hints": HINTS,
    }  # fmt: skip

    actions.do_record_success(by_orm.pk, **recorded)
    assert actions.do_record_not_modified(by_sql.pk, **recorded, lease_owner="w:1:1/job")
    actions.do_release_lease(by_orm.pk, "w:1:1/job")

    assert stored_row(by_sql.pk) == stored_row(by_orm.pk)
    row = Source.objects.get(pk=by_sql.pk)
    assert (row.lease_owner, row.lease_until) == ("", None)
