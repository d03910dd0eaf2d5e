"""The benchmark's databases: built once per size and kept in `--data-dir`, copied for each run.

A database of N articles is built the way a real site gets one: the articles (bench/stories/synthetic.py)
are inserted in bulk, then `stories rebuild` clusters them in memory and writes the stories, members,
candidate keys and document frequencies (the same rows that placing them one by one writes; see
tests/stories/test_actions.py). A run never changes the built database: it works on a copy (a file copy
on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.stories.synthetic import Item

VERSION = 2  # bump when the synthetic stream or the build changes


def vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def use(name: str) -> None:
    """Point the default connection at another database (a path on SQLite, a name on PostgreSQL)."""
    from django.db import connections

    conn = connections["default"]
    conn.close()
    conn.settings_dict["NAME"] = name


def _admin(sql: str) -> None:
    """A statement on the PostgreSQL server outside any database (CREATE / DROP DATABASE)."""
    import psycopg
    from django.db import connections

    s = connections["default"].settings_dict
    with psycopg.connect(
        host=s["HOST"] or None, port=s["PORT"] or None, user=s["USER"] or None,
        password=s["PASSWORD"] or None, dbname="postgres", autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(sql)


class Store:
    """Where the built databases live and how a working copy is made."""

    def __init__(self, data_dir: Path, base: str) -> None:
        self.dir = data_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pg = vendor() == "postgresql"
        self.base = base  # the database name from DATABASE_URL on PostgreSQL

    def _name(self, label: str) -> str:
        return f"{self.base}_{label}" if self.pg else str(self.dir / f"{label}.sqlite3")

    def _marker(self, label: str) -> Path:
        return self.dir / f"{'pg-' + self.base + '-' if self.pg else ''}{label}.json"

    def built(self, label: str, meta: dict[str, Any]) -> str | None:
        marker = self._marker(label)
        if marker.exists() and json.loads(marker.read_text()) == meta:
            return self._name(label)
        return None

    def fresh(self, label: str) -> str:
        """An empty database under this label (dropped first), migrated, in use."""
        from django.core.management import call_command

        self._marker(label).unlink(missing_ok=True)
        name = self._name(label)
        if self.pg:
            use("postgres")
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _admin(f'CREATE DATABASE "{name}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)
        use(name)
        call_command("migrate", verbosity=0)
        return name

    def seal(self, label: str, meta: dict[str, Any]) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute("ANALYZE")
            else:
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        self._marker(label).write_text(json.dumps(meta))

    def copy(self, label: str) -> str:
        """A working copy of the built database, in use, migrated and analysed."""
        source, work = self._name(label), self._name("work")
        if self.pg:
            use("postgres")
            _admin(f'DROP DATABASE IF EXISTS "{work}" WITH (FORCE)')
            _admin(f'CREATE DATABASE "{work}" TEMPLATE "{source}"')
        else:
            for suffix in ("-wal", "-shm"):
                Path(work + suffix).unlink(missing_ok=True)
            shutil.copyfile(source, work)
        use(work)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)  # a database built before a later migration gets it here
        with connection.cursor() as cursor:
            # VACUUM on PostgreSQL: a migration that deleted rows leaves dead index entries (and no
            # visibility map for index-only scans) until autovacuum comes by, which a live site has.
            cursor.execute("VACUUM ANALYZE" if self.pg else "ANALYZE")
        return work


def insert_articles(items: list[Item], outlets: int = 5) -> None:
    """The articles in bulk, spread over a few outlets, with no stories yet."""
    from django.db import connection, transaction

    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source

    with transaction.atomic():
        sources = [
            Source.objects.create(name=f"Outlet {i}", url=f"http://outlet-{i}.test/feed")
            for i in range(outlets)
        ]
        for start in range(0, len(items), 5000):
            Article.objects.bulk_create(
                [
                    Article(
                        id=item.id,
                        source=sources[item.id % outlets],
                        url=f"http://outlet.test/{item.id}",
                        title=item.title,
                        excerpt=item.lead,
                        text=item.text,
                        language="en",
                        published=item.published,
                    )
                    for item in items[start : start + 5000]
                ],
                batch_size=1000,
            )
        if connection.vendor == "postgresql":
            table = Article._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))",  # noqa: S608
                    [table],
                )


def build(items: list[Item]) -> float:
    """Insert the articles and cluster them with `stories rebuild`. Returns the seconds it took."""
    from newsdesk.stories.actions import do_rebuild

    start = time.perf_counter()
    insert_articles(items)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if done % 10000 < n:
            print(f"  clustered {done:,} in {time.perf_counter() - start:.0f} s", file=sys.stderr)

    do_rebuild(progress=progress)
    return time.perf_counter() - start
