"""A public page checks its kept PostgreSQL connection only when the page fails (newsdesk/web/caching.py,
`_read`), not with Django's `SELECT 1` before its first query; other views keep Django's check.

In a server, Django marks a kept connection as unchecked at the start of every request
(`close_old_connections` on `request_started`); the test client leaves that out, so these tests do it
themselves with the same call (`_next_request`)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection, connections
from django.http import HttpResponse
from django.test import Client, RequestFactory

from newsdesk.core import links
from newsdesk.web.caching import public_page
from tests.support.newsroom import make_article


def _next_request() -> None:
    connection.close_if_unusable_or_obsolete()  # what Django runs when a request starts in a server


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
        assert row is not None
        return int(row[0])


def _terminate(pid: int) -> None:
    """Drop the connection from the server's side, from a connection of its own."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True) as other:
        row = other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()
        assert row is not None
        assert row[0]


@pytest.fixture
def checks(monkeypatch) -> list[int]:
    """Each health check the connection makes (Django's `is_usable`, run for real and noted)."""
    made: list[int] = []
    wrapper = type(connections["default"])
    usable = wrapper.is_usable

    def noted(self) -> bool:
        made.append(1)
        return usable(self)

    monkeypatch.setattr(wrapper, "is_usable", noted)
    return made


@pytest.mark.django_db(transaction=True)
def test_a_public_page_sends_no_health_check_on_a_kept_connection(checks):
    article = make_article(title="A story read without a check")
    client = Client()
    path = links.article_path(article.pk, article.title)
    assert client.get(path).status_code == 200  # the connection is now open and kept
    _next_request()
    checks.clear()

    response = client.get(path)
    assert response.status_code == 200
    assert b"A story read without a check" in response.content
    assert checks == []

    _next_request()
    assert client.get("/api/articles").status_code == 200
    assert checks == [1]  # a view that is not a public page keeps Django's check


@pytest.mark.django_db(transaction=True)
def test_a_public_page_answers_on_a_new_connection_when_the_kept_one_was_dropped(checks):
    article = make_article(title="A story after the connection went")
    client = Client()
    path = links.article_path(article.pk, article.title)
    assert client.get(path).status_code == 200
    dropped = _backend_pid()
    _terminate(dropped)
    _next_request()
    checks.clear()

    response = client.get(path)
    assert response.status_code == 200
    assert b"A story after the connection went" in response.content
    assert checks == [1]  # checked once, after the failure
    assert _backend_pid() != dropped


@pytest.mark.django_db(transaction=True)
def test_a_public_page_error_on_a_working_connection_is_raised_and_not_run_again(checks):
    runs: list[int] = []

    @public_page
    def broken(request):
        runs.append(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_here")
        return HttpResponse("never")

    connection.ensure_connection()
    _next_request()
    with pytest.raises(ProgrammingError):
        broken(RequestFactory().get("/broken"))
    assert runs == [1]
    assert checks == [1]  # the check after the failure found the connection working


@pytest.mark.django_db(transaction=True)
def test_a_public_page_on_a_connection_checked_in_the_same_request_is_not_run_again(checks):
    runs: list[int] = []

    @public_page
    def reads(request):
        runs.append(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse("read")

    connection.ensure_connection()
    _next_request()
    with connection.cursor() as cursor:  # something before the view used (and so checked) the connection
        cursor.execute("SELECT 1")
    assert checks == [1]
    _terminate(_backend_pid())
    with pytest.raises(OperationalError):
        reads(RequestFactory().get("/reads"))
    assert runs == [1]
    connection.close()  # the dropped one: the test's teardown opens a new one


@pytest.mark.django_db(transaction=True)
def test_a_page_that_caught_the_dropped_connection_itself_is_made_again(checks):
    """Search catches a database error and answers "not working right now": after a dropped kept
    connection that answer must not be served (nor cached); the page is made again on a new connection."""
    make_article(title="Ferries return to the northern harbour")
    client = Client()
    assert client.get("/search?q=ferries").status_code == 200
    dropped = _backend_pid()
    _terminate(dropped)
    _next_request()
    checks.clear()

    response = client.get("/search?q=ferries")
    assert response.status_code == 200
    assert b"Ferries return to the northern harbour" in response.content
    assert checks == [1]
    assert _backend_pid() != dropped


@pytest.mark.django_db(transaction=True)
def test_a_not_found_page_after_a_dropped_connection_is_a_404_not_a_500(checks):
    """A public view that raises before its first query (an empty search feed: 404) leaves the error
    page's first query to Django's check, which finds the dropped connection and opens a new one."""
    client = Client(raise_request_exception=False)
    assert client.get("/").status_code == 200
    dropped = _backend_pid()
    _terminate(dropped)
    _next_request()
    checks.clear()

    response = client.get("/feeds/search.rss")
    assert response.status_code == 404
    assert _backend_pid() != dropped
