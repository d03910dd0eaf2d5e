"""A prepared query on SQLite (newsdesk/core/prepared.py) keeps its SQL in sqlite3's style: Django's
cursor does not rewrite it on every run, and everything else Django's cursor does still happens."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from newsdesk.core.prepared import Prepared
from newsdesk.sources.models import Source
from tests.support.newsroom import make_source

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's parameter style"),
]


def by_name() -> Prepared[Source]:
    return Prepared(lambda name: Source.objects.filter(name=name), probes=("\0",))


def test_the_sql_is_rewritten_once_not_on_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_source("The Prepared Post")
    query = by_name()
    assert [s.pk for s in query.run(source.name)] == [source.pk]  # compiled here
    rewritten: list[str] = []
    django_convert = SQLiteCursorWrapper.convert_query  # type: ignore[attr-defined]  # not in django-stubs

    def counting(self: Any, sql: str, **kwargs: Any) -> str:
        rewritten.append(sql)
        return django_convert(self, sql, **kwargs)

    monkeypatch.setattr(SQLiteCursorWrapper, "convert_query", counting)
    for _ in range(3):
        assert [s.pk for s in query.run(source.name)] == [source.pk]
    assert query.run("no such source") == []
    assert rewritten == []


def test_execute_wrappers_see_the_query() -> None:
    source = make_source("The Wrapped Courier")
    query = by_name()
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert [s.pk for s in query.run(source.name)] == [source.pk]
    assert len(seen) == 1
    assert "%s" not in seen[0]
    assert "?" in seen[0]


def test_a_broken_transaction_is_refused_as_django_refuses_it() -> None:
    query = by_name()
    with transaction.atomic():
        query.run("warm")
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            query.run("anything")


def test_logged_queries_are_logged() -> None:
    source = make_source("The Logged Ledger")
    query = by_name()
    query.run(source.name)
    with CaptureQueriesContext(connection) as queries:
        assert [s.pk for s in query.run(source.name)] == [source.pk]
    assert len(queries) == 1
