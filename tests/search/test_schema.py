"""The search index's schema: the migration and the backend's repair build the very same objects, and
the migration replays (backwards, then forwards again) to a working index."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from newsdesk.search.backends import get_backend, postgres, sqlite_fts5
from tests.support.newsroom import make_article

from .test_search import find, ids

pytestmark = pytest.mark.django_db(transaction=True)


def _schema() -> set[tuple[str, ...]]:
    """Every database object of the index, with the SQL that defines it, as the database reports it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master"
                " WHERE name LIKE 'search_article%' AND sql IS NOT NULL"
            )
            return {tuple(row) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger"
            " WHERE tgrelid = 'articles_article'::regclass AND tgname LIKE 'search_article%'"
            " UNION ALL SELECT 'function', proname, prosrc FROM pg_proc WHERE proname LIKE 'search_article%'"
            " UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes"
            " WHERE tablename LIKE 'search_article%'"
            " UNION ALL SELECT 'column', table_name || '.' || column_name, data_type"
            " FROM information_schema.columns WHERE table_name LIKE 'search_article%'"
        )
        return {tuple(row) for row in cursor.fetchall()}


def _drop_index() -> None:
    drop = {"sqlite": sqlite_fts5.DROP, "postgresql": postgres.DROP}[connection.vendor]
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)


def test_the_repair_builds_what_the_migration_built():
    migrated = _schema()
    assert len(migrated) >= 4  # a table (and its index or shadow tables) and its triggers
    _drop_index()
    assert _schema() == set()
    assert get_backend().ensure_schema(connection) is True
    assert _schema() == migrated


def test_the_migration_replays_to_a_working_index():
    migrated = _schema()
    kept = make_article(title="Lighthouse keeper retires")
    call_command("migrate", "search", "zero", verbosity=0)
    assert _schema() == set()
    call_command("migrate", "search", verbosity=0)
    assert _schema() == migrated
    assert ids(find("lighthouse")) == [kept.pk]  # the migration indexed what was already stored
    added = make_article(title="Lighthouse gets a new lamp")
    assert set(ids(find("lighthouse"))) == {kept.pk, added.pk}  # and its triggers index what comes next
    assert get_backend().ensure_schema(connection) is False


def test_the_candidates_index_is_built_and_a_dropped_one_alone_is_built_again():
    """The articles' candidates index that a search reads is built by the migration on both databases. A table
    remake (SQLite) drops it; the repair builds it again, and only it, and searches answer as before."""
    kept = make_article(title="Windmill sails repaired")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [postgres.CANDIDATES_INDEX]
            )
            assert "(status, id) INCLUDE (published, source_id)" in cursor.fetchone()[0]
            assert get_backend().ensure_schema(connection) is False
            assert ids(find("windmill")) == [kept.pk]
            return
        migrated = _schema()
        assert any(row[1] == sqlite_fts5.INDEX for row in migrated)
        cursor.execute(f"DROP INDEX {sqlite_fts5.INDEX}")
    with pytest.raises(Exception, match="no such index"):
        find_or_raise("windmill")
    assert get_backend().ensure_schema(connection) is True
    assert _schema() == migrated
    assert ids(find("windmill")) == [kept.pk]
    assert get_backend().ensure_schema(connection) is False


def find_or_raise(text: str) -> object:
    """The backend's own search (the engine turns a database error into a sentence)."""
    from datetime import UTC, datetime

    from newsdesk.search import SearchQuery
    from newsdesk.search.query import parse_query

    query = SearchQuery(text=text)
    return get_backend().search(parse_query(text), query, now=datetime.now(UTC), offset=0, limit=10)
