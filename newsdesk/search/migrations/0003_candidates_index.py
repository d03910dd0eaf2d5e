# SQLite: an index on the articles' (status, id, published), so that a search reads its candidates' status
# and age from the index rather than from each article's row (docs/decisions/0026). `ensure_schema`
# builds the same index when a table remake has dropped it. PostgreSQL needs no change.

from django.db import migrations

from newsdesk.search.backends import sqlite_fts5
from newsdesk.search.operations import VendorRunSQL


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_index_the_excerpt_for_snippets"),
    ]

    operations = [
        VendorRunSQL("sqlite", [sqlite_fts5.CREATE_INDEX], [f"DROP INDEX IF EXISTS {sqlite_fts5.INDEX}"]),
    ]
