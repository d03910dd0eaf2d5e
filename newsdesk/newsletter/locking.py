"""One digest run at a time, across processes: a PostgreSQL advisory lock or a file lock beside SQLite.

Both are released by the operating system or the database when the holder dies (even by kill -9), so a
crashed run never blocks the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

_PG_KEY = 0x4E4C5452  # "NLTR"


class RunInProgress(Exception):
    """Another process is sending digests right now."""


def _lock_path() -> Path:
    """Beside the SQLite file, so that two databases on one machine do not share a lock."""
    name = str(connection.settings_dict["NAME"])
    if name and ":memory:" not in name and not name.startswith("file:"):
        return Path(f"{name}.newsletter-run.lock")
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    return settings.DATA_DIR / ".newsletter-run.lock"


@contextlib.contextmanager
def digest_run_lock() -> Iterator[None]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_PG_KEY])
            if not cursor.fetchone()[0]:
                raise RunInProgress()
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_PG_KEY])
        return
    with open(_lock_path(), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
