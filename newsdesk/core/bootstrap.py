"""Setting Django up for the command line, and migrating the database on first use.

Nobody runs `migrate` by hand: every command that needs the database calls `ensure_database()`.
Two commands starting at once must not both migrate, so the check runs under a lock
(a file lock beside the SQLite file, or a PostgreSQL advisory lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

_ready = False


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


@contextlib.contextmanager
def _migration_lock() -> Iterator[None]:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [0x4E455753])
            try:
                yield
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [0x4E455753])
        return
    data_dir = settings.DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".migrate.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_database() -> None:
    """Create or migrate the database if it is behind. Cheap when it is current."""
    global _ready
    if _ready:
        return
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    with _migration_lock():
        if pending_migrations():
            call_command("migrate", interactive=False, verbosity=0)
    _ready = True
