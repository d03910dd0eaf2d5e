"""On PostgreSQL with Django's time zone UTC, `timestamptz` values are read by psycopg's own loader
(newsdesk/core/pgtime.py), and they are the values Django's loader gives: aware, in UTC, to the
microsecond. Another time zone keeps Django's loader."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.psycopg_any import BaseTzLoader

from newsdesk.articles.models import Article
from newsdesk.core.pgtime import UTCTimestampLoader
from tests.support.newsroom import make_article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loaders"),
]

TIMESTAMPTZ = 1184


def _loader_class() -> type:
    from psycopg.pq import Format

    connection.ensure_connection()
    return connection.connection.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)  # type: ignore[no-any-return,unused-ignore]


def test_a_new_connection_reads_timestamps_with_psycopgs_loader() -> None:
    assert _loader_class() is UTCTimestampLoader
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", ["2026-11-30 14:05:06.123456+00"])
        (value,) = cursor.fetchone()
        loader = cursor.cursor._tx.get_loader(TIMESTAMPTZ, 0)  # the loader this cursor used
    assert not isinstance(loader, BaseTzLoader)  # not Django's Python loader
    assert value == datetime.datetime(2026, 11, 30, 14, 5, 6, 123456, tzinfo=datetime.UTC)
    assert value.tzinfo is datetime.UTC  # the very tzinfo Django's loader sets


def test_stored_times_read_back_as_django_reads_them() -> None:
    published = datetime.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=datetime.UTC)  # near a DST change
    article = make_article(title="A timed story", published=published)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT published, modified_at, NULL::timestamptz FROM articles_article WHERE id = %s",
            [article.pk],
        )
        native = cursor.fetchone()
        from django.db.backends.postgresql.psycopg_any import register_tzloader

        register_tzloader(datetime.UTC, cursor.cursor)  # Django's own loader, on this cursor only
        cursor.execute(
            "SELECT published, modified_at, NULL::timestamptz FROM articles_article WHERE id = %s",
            [article.pk],
        )
        django = cursor.fetchone()
    assert native == django
    assert (
        [value.tzinfo for value in native[:2]] == [value.tzinfo for value in django[:2]] == [datetime.UTC] * 2
    )
    assert native[0] == published
    assert native[2] is None
    fetched = Article.objects.get(pk=article.pk)
    assert fetched.published == published
    assert fetched.published.tzinfo is datetime.UTC


def test_a_database_time_zone_keeps_djangos_loader() -> None:
    from psycopg.pq import Format

    other = connections["default"].__class__({**connection.settings_dict, "TIME_ZONE": "Europe/Paris"})
    try:
        other.ensure_connection()
        loader = other.connection.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
        assert loader is not UTCTimestampLoader
        with other.cursor() as cursor:
            cursor.execute("SELECT '2026-11-30 14:05:06+00'::timestamptz")
            (value,) = cursor.fetchone()
        assert value.utcoffset() == datetime.timedelta(hours=1)  # Paris in winter: Django's loader's zone
    finally:
        other.close()
