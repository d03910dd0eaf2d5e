# Free space in the sources table's pages on PostgreSQL (fillfactor 50: half of each page), so that the
# updates that touch no indexed column (the scheduler's queued mark, a worker's lease claim and renewal) can be heap-only
# (HOT) updates: the new row version stays on its page and no index gets a new entry. A refresh writes
# two or three row versions of a source per check (docs/decisions/0018-scale-out.md). The setting
# applies to pages filled from now on; an existing table gets it throughout after `VACUUM FULL
# sources_source` (optional). A no-op on SQLite.

from django.db import migrations

FILLFACTOR = 50


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("sources", "Source")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {FILLFACTOR})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("sources", "Source")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_source_leases"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
