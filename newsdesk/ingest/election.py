"""Which of several `newsdesk scheduler` processes is the active one.

On PostgreSQL: a session-level advisory lock, held on a connection of its own. Only one session can
hold it; a process that dies (even by SIGKILL) loses its connection and so the lock, and a standby,
which tries every second, takes over. A dropped connection (pg_terminate_backend) is noticed at the
next check: the process steps down and competes again. On SQLite (one machine): an flock on a file
in the data directory, which the kernel releases when the process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings

log = logging.getLogger(__name__)

# pg_try_advisory_lock's key: any fixed 64-bit number ("ndsched" in ASCII).
LOCK_KEY = 0x6E64736368656400


class Election(Protocol):
    def lead(self) -> bool:
        """Become or stay the active scheduler; True while this process is it."""

    def resign(self) -> None: ...


class PostgresElection:
    def __init__(self) -> None:
        self.conn: Any = None
        self.leading = False

    def _connect(self) -> Any:
        import psycopg

        db = settings.DATABASES["default"]
        params = {
            "dbname": db.get("NAME"), "user": db.get("USER"), "password": db.get("PASSWORD"),
            "host": db.get("HOST"), "port": db.get("PORT"),
        }  # fmt: skip
        conninfo = psycopg.conninfo.make_conninfo(
            **{k: str(v) for k, v in params.items() if v},
            connect_timeout="5",
            application_name="newsdesk scheduler election",
        )
        return psycopg.connect(conninfo, autocommit=True)

    def lead(self) -> bool:
        try:
            if self.conn is None or self.conn.closed:
                self.conn, self.leading = self._connect(), False
            if self.leading:
                self.conn.execute("SELECT 1")
                return True
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
            self.leading = bool(row and row[0])
            if self.leading:
                log.info("This scheduler is now the active one")
            return self.leading
        except Exception as exc:
            if self.leading:
                log.warning("Lost the scheduler lock (%s); competing again", exc)
            self._drop()
            return False

    def _drop(self) -> None:
        self.leading = False
        if self.conn is not None:
            with contextlib.suppress(Exception):  # already broken
                self.conn.close()
        self.conn = None

    def resign(self) -> None:
        """Let go at once: closing the connection alone frees the lock only when the server has
        ended that session, which a standby asking at that moment may not yet see."""
        if self.leading and self.conn is not None:
            with contextlib.suppress(Exception):  # a broken connection frees the lock anyway
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        self._drop()


class FileElection:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def lead(self) -> bool:
        if self.fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        log.info("This scheduler is now the active one")
        return True

    def resign(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def election() -> Election:
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return PostgresElection()
    return FileElection(Path(settings.DATA_DIR) / "scheduler.lock")
