# The search indexes: SQLite FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL.
# Each operation is a no-op on the other database.
#
# The SQL is the backends' own (CREATE_*, REBUILD and DROP in newsdesk/search/backends/), so what this
# migration builds and what `ensure_schema` repairs cannot drift apart (tests/search/test_schema.py
# checks that both build the same objects). It also makes those constants part of this migration,
# which must replay the same way on every new database: change what they mean (another tokenizer,
# text search configuration, column or trigger) only together with a new migration that drops the
# index and builds it again with the new SQL, so that existing databases get the change too.

from django.db import migrations

from newsdesk.search.backends import postgres, sqlite_fts5
from newsdesk.search.operations import VendorRunSQL


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        VendorRunSQL(
            "sqlite",
            [sqlite_fts5.CREATE_TABLE, *sqlite_fts5.CREATE_TRIGGERS, sqlite_fts5.REBUILD],
            sqlite_fts5.DROP,
        ),
        VendorRunSQL("postgresql", [*postgres.CREATE, *postgres.REBUILD], postgres.DROP),
    ]
