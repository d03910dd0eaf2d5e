"""The scale-out tests need PostgreSQL, Redis and nginx: they are collected only when the suite runs on
PostgreSQL (`make test-postgres`). On SQLite they are not collected at all (not skipped): the
embedded single-machine setup has its own tests."""

from __future__ import annotations

from tests.engines import on_postgres

_on_postgres = on_postgres()
collect_ignore_glob = [] if _on_postgres else ["test_*.py"]
