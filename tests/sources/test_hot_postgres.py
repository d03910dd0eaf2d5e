"""The sources table's free space on PostgreSQL (migration sources.0005): a lease claim is a heap-only
update. Collected only on PostgreSQL (tests/sources/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsdesk.sources import hot
from newsdesk.sources.models import Source

pytestmark = pytest.mark.django_db(transaction=True)


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
