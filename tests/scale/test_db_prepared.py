"""On PostgreSQL, statements a connection repeats are prepared on the server (server-side parameter binding
with psycopg's prepare_threshold; docs/decisions/0017, 2026-12-06 "PostgreSQL's side"), and a web process
whose connections PostgreSQL dropped still answers every page: a new connection starts with no prepared
statements, so nothing refers to the old ones."""

from __future__ import annotations

import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from newsdesk.core import links
from tests.core.test_db_connections_server import open_connections, status
from tests.core.test_db_connections_server import web as web  # the fixture: a web server, 3 page threads
from tests.support.newsroom import make_article


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.django_db
def test_the_connection_options_are_in_effect():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == settings.DB_PREPARE_THRESHOLD >= 1
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == settings.DB_PREPARE_THRESHOLD


@pytest.mark.django_db
def test_an_article_page_is_read_by_a_prepared_statement():
    article = make_article(title="A prepared story")
    path = links.article_path(article.pk, article.title)
    client = Client()
    assert not [s for s in _prepared_statements() if '"articles_article"' in s]
    for _ in range(settings.DB_PREPARE_THRESHOLD + 1):
        response = client.get(path)
        assert response.status_code == 200
        assert b"A prepared story" in response.content
    # The page's own read of the article (with its source and story) is now a prepared statement here.
    assert [s for s in _prepared_statements() if 'FROM "articles_article"' in s]


@pytest.mark.django_db(transaction=True)
def test_article_pages_answer_after_postgresql_drops_the_connections(web):
    process, base = web
    articles = [make_article(title=f"Story to prepare {n}") for n in range(3)]
    urls = [base + links.article_path(a.pk, a.title) for a in articles]

    def crawl() -> list[int]:
        return [status(url) for _ in range(10) for url in urls]

    assert crawl() == [200] * 30  # each page thread has run (and prepared) the article statements
    held = open_connections(process)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM unnest(%s::int[]) AS pid", [list(held)])
        assert cursor.fetchone()[0] == len(held)

    assert crawl() == [200] * 30
    with urllib.request.urlopen(urls[0], timeout=20) as response:
        assert b"Story to prepare 0" in response.read()
    after = open_connections(process)
    assert after
    assert not after & held
