"""Backups of the database, and restoring one.

- SQLite: Python's sqlite3 online backup API, page by page, safe while the site writes (a write during
  the copy restarts the remaining steps; the result is one consistent snapshot). Restoring copies the
  same way in the other direction.
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction`, which must be
  installed (the postgresql-client package of the server's major version or newer).

A backup file says what it is in its first bytes ("SQLite format 3" or pg_dump's "PGDMP"), so restoring
a file of the other kind is refused with one line rather than half done.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import UserError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Progress is reported as (done, total), in pages for SQLite and in tables for PostgreSQL.
Progress = Callable[[int, int], None]


def _settings() -> dict[str, Any]:
    from django.db import connection

    return dict(connection.settings_dict)


def vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def backup(target: Path, progress: Progress | None = None) -> None:
    """Write a backup of the database to `target` (replaced only once the backup is complete)."""
    target = target.expanduser()
    if target.is_dir():
        raise UserError(f"{target} is a directory; give the backup's file name.")
    if not target.parent.is_dir():
        raise UserError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        if vendor() == "sqlite":
            _sqlite_backup(Path(_settings()["NAME"]), partial, progress)
        elif vendor() == "postgresql":
            _pg_dump(partial, progress)
        else:  # pragma: no cover - we support two databases
            raise UserError(f"Backups of {vendor()} databases are not supported.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def restore(source: Path, progress: Progress | None = None) -> None:
    """Replace the database's contents with the backup in `source`."""
    source = source.expanduser()
    try:
        with open(source, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise UserError(f"There is no file {source}.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {source} ({exc.strerror}).") from None
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_MAGIC) else ""
    if not kind:
        raise UserError(f"{source} is not a Newsdesk backup (neither SQLite nor pg_dump's custom format).")
    if kind != vendor():
        raise UserError(f"{source} is a {kind} backup, and this site's database is {vendor()}.")
    from django.db import connection

    connection.close()  # nothing of ours holds the database while it is replaced
    if kind == "sqlite":
        _sqlite_restore(source, Path(_settings()["NAME"]), progress)
    else:
        _pg_restore(source, progress)


# ---- SQLite ---------------------------------------------------------------------------------------


def _copy(src: sqlite3.Connection, dst: sqlite3.Connection, progress: Progress | None) -> None:
    def step(status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    src.backup(dst, pages=256, progress=step)


def _sqlite_backup(database: Path, target: Path, progress: Progress | None) -> None:
    if not database.exists():
        raise UserError(f"There is no database at {database} yet.")
    src = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        _copy(src, dst, progress)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise UserError(f"The backup failed: {exc}") from None
    finally:
        dst.close()
        src.close()


def _sqlite_restore(source: Path, database: Path, progress: Progress | None) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        try:
            (ok,) = src.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in src.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{source} is damaged ({exc}).") from None
        if ok != "ok":
            raise UserError(f"{source} is damaged ({ok}).")
        if "django_migrations" not in tables:
            raise UserError(f"{source} is an SQLite file, but not a Newsdesk database.")
        database.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(database, timeout=30)
        try:
            _copy(src, dst, progress)
        except sqlite3.Error as exc:
            raise UserError(f"The restore failed: {exc}") from None
        finally:
            dst.close()
    finally:
        src.close()


# ---- PostgreSQL ---------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(
            f"{name} is not installed; install the PostgreSQL client tools "
            f"(e.g. the postgresql-client package) of your server's version or newer."
        )
    return path


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, with the password in the environment (never argv)."""
    conf = _settings()
    args = ["--dbname", str(conf["NAME"])]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _table_count() -> int:
    from django.db import connection

    return len(connection.introspection.table_names())


_TABLE_LINE = re.compile(r"(dumping contents of table|processing data for table)")


def _run(argv: list[str], env: dict[str, str], total: int, progress: Progress | None) -> None:
    """Run a pg tool with --verbose, counting the tables it reports on stderr; one line on failure."""
    process = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    done, errors = 0, []
    for line in process.stderr:
        if _TABLE_LINE.search(line):
            done += 1
            if progress is not None:
                progress(min(done, total), total)
        elif "error" in line.lower() or "fatal" in line.lower():
            errors.append(line.strip())
    if process.wait() != 0:
        name = os.path.basename(argv[0])
        reason = errors[0] if errors else f"exit status {process.returncode}"
        raise UserError(f"{name} failed: {reason}")


def _pg_dump(target: Path, progress: Progress | None) -> None:
    args, env = _pg_env()
    argv = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--verbose", "--file",
            str(target), *args]  # fmt: skip
    _run(argv, env, _table_count(), progress)


def _pg_restore(source: Path, progress: Progress | None) -> None:
    args, env = _pg_env()
    argv = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error", "--verbose", *args, str(source)]  # fmt: skip
    _run(argv, env, _table_count(), progress)
