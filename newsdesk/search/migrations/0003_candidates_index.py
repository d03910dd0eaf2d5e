# An index on the articles' status and id, with their publication time and source, so that a search reads
# its candidates' status and age from the index rather than from each article's row (docs/decisions/0026).
# On SQLite, `ensure_schema` builds the same index when a table remake has dropped it.

from django.db import migrations

from newsdesk.search.backends import postgres, sqlite_fts5
from newsdesk.search.operations import VendorRunSQL


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_index_the_excerpt_for_snippets"),
    ]

    operations = [
        VendorRunSQL("sqlite", [sqlite_fts5.CREATE_INDEX], [f"DROP INDEX IF EXISTS {sqlite_fts5.INDEX}"]),
        VendorRunSQL(
            "postgresql",
            [postgres.CREATE_CANDIDATES_INDEX],
            [f"DROP INDEX IF EXISTS {postgres.CANDIDATES_INDEX}"],
        ),
    ]
