"""Querysets compiled to SQL once, then run with new values: for the few queries every page asks.

Django compiles a queryset to SQL on every evaluation: for the article page's one query (the story, its
source and its story, joined) that is about ten times the time the database takes to answer it. A
`Prepared` query builds its queryset once per database with stand-in values, keeps the SQL, where the
stand-ins went among its parameters, and how each row becomes model instances (the same steps as Django's
`ModelIterable`: the model's `from_db`, then each `select_related` object), and then only runs that SQL:

    by_id = Prepared(lambda pk: Article.objects.filter(pk=pk).select_related("source"), probes=(-1,))
    rows = by_id.run(42)  # [Article] or []

The stand-ins must be values that cannot otherwise appear among the query's parameters (a negative id,
say); they are matched by type and value (a datetime as the backend adapts a DateTimeField's value, and its
values adapted the same way on each run). Only model querysets (no `values()`, no prefetches) are
accepted: anything else is refused when first compiled. Annotations are set on each instance, as Django's
`ModelIterable` sets them: a page reads a related value in its one query (an article's topic ids) instead
of asking a second one, which on PostgreSQL is a round trip.

On SQLite the SQL is also kept in sqlite3's own parameter style. Django's SQLite cursor rewrites each
query's `%s` into `?` with a regular expression on every run: 32 µs for the article page's query (2,529
characters, every column of the story, its source and its story). A prepared query runs its rewritten SQL
through Django's cursor wrapper (its execute wrappers, its broken-transaction check and its error
translation), and only the rewrite is skipped. When queries are logged (DEBUG, the test suite's query
counts) it runs as any other query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


@dataclass
class _Compiled:
    using: str
    sql: str
    params: list[Any]
    slots: dict[int, int]  # position among the SQL's parameters -> position among run()'s values
    compiler: SQLCompiler
    converters: dict[int, Any]
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: list[tuple[str, int]]  # (attribute, position in the row)
    qmark: str | None  # the SQL in sqlite3's style, on SQLite
    dated: frozenset[int]  # the values that are datetimes, adapted as the backend adapts a DateTimeField's


class Prepared(Generic[M]):
    def __init__(self, build: Callable[..., QuerySet[M]], probes: Sequence[Any]) -> None:
        self.build = build
        self.probes = tuple(probes)
        self._compiled_query: _Compiled | None = None

    def _compile(self) -> _Compiled:
        queryset = self.build(*self.probes)
        query = queryset.query
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or queryset._known_related_objects  # type: ignore[attr-defined]
        ):
            raise ValueError("Prepared takes plain model querysets only")
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        qmark = None
        if connections[queryset.db].vendor == "sqlite":
            from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

            qmark = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")  # what Django's cursor does each time
        # A datetime stand-in is among the parameters as the database backend adapts it (SQLite: text).
        adapt = connections[queryset.db].ops.adapt_datetimefield_value
        adapted = [adapt(probe) if isinstance(probe, datetime) else probe for probe in self.probes]
        slots = {}
        for at, param in enumerate(params):
            for which, probe in enumerate(adapted):
                if type(param) is type(probe) and param == probe:
                    slots[at] = which
        dated = frozenset(which for which, probe in enumerate(self.probes) if isinstance(probe, datetime))
        if len(set(slots.values())) != len(self.probes):
            raise ValueError("Prepared: a stand-in value is not among the query's parameters")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        klass_info = compiler.klass_info
        assert klass_info is not None  # a model queryset always has one
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            using=queryset.db,
            sql=sql,
            params=list(params),
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters(fields),
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, queryset.db),
            annotations=list(compiler.annotation_col_map.items()),
            qmark=qmark,
            dated=dated,
        )

    def run(self, *values: Any) -> list[M]:
        """The queryset's model instances for these values, in its order."""
        compiled = self._compiled_query
        if compiled is None:
            compiled = self._compiled_query = self._compile()
        using = compiled.using
        params = list(compiled.params)
        connection = connections[using]  # this thread's (the compiler may hold another thread's)
        for at, which in compiled.slots.items():
            value = values[which]
            params[at] = connection.ops.adapt_datetimefield_value(value) if which in compiled.dated else value
        with connection.cursor() as cursor:
            if compiled.qmark is not None and type(cursor) is CursorWrapper:  # not the logging one
                cursor._execute_with_wrappers(compiled.qmark, params, many=False, executor=_execute_sqlite)
            else:
                cursor.execute(compiled.sql, params)
            rows: Any = cursor.fetchall()
        if compiled.converters:  # as SQLCompiler.apply_converters does, with this thread's connection
            converters = list(compiled.converters.items())
            rows = [list(row) for row in rows]
            for row in rows:
                for at, (functions, expression) in converters:
                    value = row[at]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[at] = value
        model = compiled.compiler.klass_info["model"]
        found = []
        for row in rows:
            instance = model.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, instance)
            for attribute, at in compiled.annotations:
                setattr(instance, attribute, row[at])
            found.append(instance)
        return found


def _execute_sqlite(sql: str, params: list[Any], many: bool, context: dict[str, Any]) -> Any:
    """Django's `CursorWrapper._execute` for SQL already in sqlite3's style: sqlite3's own `execute`, not
    the SQLite backend's, which would rewrite it again."""
    wrapper = context["cursor"]
    wrapper.db.validate_no_broken_transaction()
    with wrapper.db.wrap_database_errors:
        return sqlite3.Cursor.execute(wrapper.cursor, sql, params)


_registry: dict[Any, Prepared[Any]] = {}


def prepared(name: Any, build: Callable[..., QuerySet[M]], probes: Sequence[Any] = ()) -> Prepared[M]:
    """The `Prepared` query known by `name` (made from `build` and `probes` the first time): for callers
    with a few shapes of one query (a list's first page, per page size)."""
    found = _registry.get(name)
    if found is None:
        found = _registry.setdefault(name, Prepared(build, probes))
    return found
