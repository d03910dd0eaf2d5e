# SQLite: the FTS5 index gains the excerpt column, so that snippets are cut from the excerpt (what the
# site publishes) and never from the stored full text. The index is dropped and built again with the
# backend's current SQL (0001 builds the same on a new database, so this replays as a no-op there).
# PostgreSQL needs no change: its snippets read the excerpt column of the article itself.

from django.db import migrations

from newsdesk.search.backends import sqlite_fts5
from newsdesk.search.operations import VendorRunSQL


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
    ]

    operations = [
        VendorRunSQL(
            "sqlite",
            [*sqlite_fts5.DROP, sqlite_fts5.CREATE_TABLE, *sqlite_fts5.CREATE_TRIGGERS, sqlite_fts5.REBUILD],
            migrations.RunSQL.noop,
        ),
    ]
