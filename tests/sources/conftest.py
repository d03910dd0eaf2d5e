"""test_hot_postgres.py needs PostgreSQL (fillfactor, heap-only updates): collected only when the suite
runs on PostgreSQL, as tests/scale/ is; on SQLite it is not collected at all (not skipped)."""

from __future__ import annotations

from tests.engines import on_postgres

_on_postgres = on_postgres()
collect_ignore = [] if _on_postgres else ["test_hot_postgres.py"]
