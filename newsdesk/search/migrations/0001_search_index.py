# The search indexes: SQLite FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL.
# Each operation is a no-op on the other database. The SQL is frozen here on purpose.

from django.db import migrations

from newsdesk.search.operations import VendorRunSQL

FTS_TABLE = "search_article_fts"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    " title, text, content='articles_article', content_rowid='id',"
    " tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS search_article_ai AFTER INSERT ON articles_article BEGIN"
    f" INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS search_article_ad AFTER DELETE ON articles_article BEGIN"
    f" INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    f"CREATE TRIGGER IF NOT EXISTS search_article_au AFTER UPDATE OF title, text ON articles_article BEGIN"
    f" INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);"
    f" INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_article_ai",
    "DROP TRIGGER IF EXISTS search_article_ad",
    "DROP TRIGGER IF EXISTS search_article_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

DOC = "search_article_document"
DOCUMENT = (
    "setweight(to_tsvector('english', coalesce({row}.title, '')), 'A') ||"
    " setweight(to_tsvector('english', left(coalesce({row}.text, ''), 200000)), 'B')"
)
POSTGRES_FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {DOC} (article_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {DOC}_gin ON {DOC} USING GIN (document)",
    f"""CREATE OR REPLACE FUNCTION {DOC}_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {DOC} (article_id, document) VALUES (NEW.id, {DOCUMENT.format(row="NEW")})
  ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
  RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION {DOC}_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {DOC} WHERE article_id = OLD.id;
  RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION {DOC}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE {DOC};
  RETURN NULL;
END $$""",
    f"CREATE TRIGGER {DOC}_upsert AFTER INSERT OR UPDATE OF title, text ON articles_article"
    f" FOR EACH ROW EXECUTE FUNCTION {DOC}_upsert()",
    f"CREATE TRIGGER {DOC}_delete AFTER DELETE ON articles_article FOR EACH ROW EXECUTE FUNCTION {DOC}_delete()",
    f"CREATE TRIGGER {DOC}_truncate AFTER TRUNCATE ON articles_article"
    f" FOR EACH STATEMENT EXECUTE FUNCTION {DOC}_truncate()",
    f"INSERT INTO {DOC} (article_id, document) SELECT a.id, {DOCUMENT.format(row='a')} FROM articles_article a",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {DOC}_upsert ON articles_article",
    f"DROP TRIGGER IF EXISTS {DOC}_delete ON articles_article",
    f"DROP TRIGGER IF EXISTS {DOC}_truncate ON articles_article",
    f"DROP FUNCTION IF EXISTS {DOC}_upsert()",
    f"DROP FUNCTION IF EXISTS {DOC}_delete()",
    f"DROP FUNCTION IF EXISTS {DOC}_truncate()",
    f"DROP TABLE IF EXISTS {DOC}",
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        VendorRunSQL("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        VendorRunSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]
