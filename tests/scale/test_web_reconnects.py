"""A web process on PostgreSQL replaces a connection that the server dropped before the next page uses it
(`pg_terminate_backend` of every connection it holds): no request fails."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.core.test_db_connections_server import crawl, open_connections, web

__all__ = ["web"]  # the fixture, shared with the SQLite-and-PostgreSQL tests of the same server


@pytest.mark.django_db(transaction=True)
def test_pages_answer_after_postgresql_drops_the_connections(web):
    process, base = web
    assert crawl(base, 30) == [200] * 30
    held = open_connections(process)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM unnest(%s::int[]) AS pid", [list(held)])
        assert cursor.fetchone()[0] == len(held)

    # Each thread's health check finds its connection gone and opens another: no request fails.
    assert crawl(base, 30) == [200] * 30
    after = open_connections(process)
    assert after
    assert not after & held
