"""The refresh's hot statements (newsdesk/sources/hot.py) against what the ORM path writes, and the sources
table's free space on PostgreSQL (migration sources.0005) that lets a lease claim be a heap-only update."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.sources import actions, hot
from newsdesk.sources.models import Source
from newsdesk.sources.polling import Hints

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_304_statement_sets_the_columns_of_checked_and_only_those_with_the_lease() -> None:
    now = timezone.now()
    fields = set(actions._checked(now, "e", "m", 600))
    columns = {getattr(Source._meta.get_field(name), "column", name) for name in fields}
    for leased in (False, True):
        sql = hot.not_modified_sql(leased)
        assigned = set(re.findall(r"(\w+) = ", sql.split(" WHERE ")[0]))
        lease = {"lease_owner", "lease_until"} if leased else set()
        assert assigned == columns | lease, sql


def test_a_304_recorded_by_sql_writes_what_the_orm_record_writes() -> None:
    now = timezone.now().replace(microsecond=123456)
    published = [now - timedelta(hours=h) for h in (1, 5, 9, 30)]
    hints = Hints(900, None, None)
    old = Source.objects.create(
        url="http://127.0.0.1:9/a.xml", name="A", error_count=3, failing_since=now, last_error="down"
    )
    new = Source.objects.create(
        url="http://127.0.0.1:9/b.xml",
        name="B",
        error_count=3,
        failing_since=now,
        last_error="down",
        queued_at=now,
        lease_owner="me/job",
        lease_until=now + timedelta(minutes=1),
    )
    Source.objects.filter(pk=old.pk).update(queued_at=now)
    actions.do_record_success(
        old.pk, now=now, etag='"v2"', last_modified="Sun, 06 Dec 2026", published=published, hints=hints
    )
    assert actions.do_record_not_modified(
        new.pk,
        now=now,
        etag='"v2"',
        last_modified="Sun, 06 Dec 2026",
        published=published,
        hints=hints,
        lease_owner="me/job",
    )
    names = [*actions._checked(now, "", "", 0)]
    a = Source.objects.values(*names).get(pk=old.pk)
    b = Source.objects.values(*names, "lease_owner", "lease_until").get(pk=new.pk)
    assert (b.pop("lease_owner"), b.pop("lease_until")) == ("", None)
    assert a == b


@pytest.mark.skipif(connection.vendor != "postgresql", reason="fillfactor and HOT are PostgreSQL's")
def test_the_sources_table_leaves_room_so_a_lease_claim_is_a_heap_only_update() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Source._meta.db_table])
        assert "fillfactor=50" in (cursor.fetchone()[0] or [])
    now = timezone.now()
    ids = [
        s.pk
        for s in Source.objects.bulk_create(
            Source(url=f"http://127.0.0.1:9/{n}.xml", name=f"S{n}", next_check_at=now - timedelta(minutes=1))
            for n in range(40)
        )
    ]

    def hot_updates() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = %s", [Source._meta.db_table]
            )
            return int(cursor.fetchone()[0])

    before = hot_updates()
    claimed = hot.claim_many_and_read(ids, "w:1/job", now=now, until=now + timedelta(minutes=1), job="job")
    assert set(claimed) == set(ids)
    # One new version of each row fits on its page (without the room: a handful at most).
    assert hot_updates() - before >= len(ids) * 0.9
