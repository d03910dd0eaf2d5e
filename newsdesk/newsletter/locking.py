"""Starting a digest run, one process at a time: a PostgreSQL advisory lock or a file lock beside SQLite.

The lock is held while a run is found or created and cut into batches (a dry run holds it throughout);
the sending itself is shared by claims on batches (`actions.do_claim_batch`). Both locks are released by
the operating system or the database when the holder dies (even by kill -9), so a crash never blocks
the next start.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
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
def digest_run_lock(wait: float = 0.0) -> Iterator[None]:
    """Hold the lock, trying for up to `wait` seconds; RunInProgress when another process keeps it."""
    give_up = time.monotonic() + wait
    if connection.vendor == "postgresql":
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_PG_KEY])
                if cursor.fetchone()[0]:
                    break
            if time.monotonic() >= give_up:
                raise RunInProgress()
            time.sleep(0.05)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_PG_KEY])
        return
    with open(_lock_path(), "w") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    raise RunInProgress() from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
