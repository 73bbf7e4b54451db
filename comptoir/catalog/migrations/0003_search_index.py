"""Full-text search tables, created per database vendor (plain SQL, no Django model).

SQLite: FTS5 virtual tables catalog_search_{fr,es,en} (rowid = product id).
PostgreSQL: the unaccent extension and catalog_search_pg (tsvector + GIN index).
comptoir.catalog.search reads and writes them.
"""
from django.db import migrations

LANGUAGES = ("fr", "es", "en")

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS catalog_search_{lang} USING fts5(title, body, tokenize = 'unicode61')"
    for lang in LANGUAGES
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS catalog_search_{lang}" for lang in LANGUAGES]

PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE TABLE IF NOT EXISTS catalog_search_pg (
        product_id bigint NOT NULL REFERENCES catalog_product(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        language varchar(2) NOT NULL,
        document tsvector NOT NULL,
        PRIMARY KEY (product_id, language))""",
    "CREATE INDEX IF NOT EXISTS catalog_search_pg_document ON catalog_search_pg USING GIN (document)",
]
PG_DROP = ["DROP TABLE IF EXISTS catalog_search_pg"]


def _run(schema_editor, sqlite, postgresql):
    statements = {"sqlite": sqlite, "postgresql": postgresql}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def create(apps, schema_editor):
    _run(schema_editor, SQLITE_CREATE, PG_CREATE)


def drop(apps, schema_editor):
    _run(schema_editor, SQLITE_DROP, PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_listing_summary")]

    operations = [migrations.RunPython(create, drop)]
