"""Articles published before Live News existed count as announced: editing one later must not
push an old story to readers as if it were new. One INSERT … SELECT, fast on 100,000 rows."""

from django.db import migrations

MARK = """
INSERT INTO live_liveevent (article_id, source_id, topic_keys, data, created_at)
SELECT id, source_id, '', '', created_at FROM articles_article WHERE status = 'published' ORDER BY id
"""


class Migration(migrations.Migration):
    dependencies = [("live", "0001_initial")]

    operations = [migrations.RunSQL(MARK, reverse_sql=migrations.RunSQL.noop)]
