"""catalog_search_pg.title_document: the title alone, with a partial GIN index per language
(PostgreSQL only). A search reads the documents whose title has every query word first
(comptoir.catalog.search.base.MAX_MATCHES), without reading any document to check weights.
Existing rows get their title document here; `comptoir reindex_search` also rewrites the table
newest product first, the order the search reads it in.
"""
from django.db import migrations

LANGUAGES = ("fr", "es", "en")
CONFIGS = {"fr": "french", "es": "spanish", "en": "english"}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE catalog_search_pg ADD COLUMN IF NOT EXISTS title_document tsvector")
    case = "CASE t.language " + " ".join(f"WHEN '{l}' THEN '{c}'::regconfig" for l, c in CONFIGS.items()) + " ELSE 'simple'::regconfig END"
    schema_editor.execute(
        f"UPDATE catalog_search_pg s SET title_document = to_tsvector({case}, unaccent(t.title)) "
        "FROM catalog_producttext t WHERE t.product_id = s.product_id AND t.language = s.language"
    )
    for lang in LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalog_search_pg_title_{lang} ON catalog_search_pg "
            f"USING gin (title_document) WHERE language = '{lang}'"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for lang in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_search_pg_title_{lang}")
    schema_editor.execute("ALTER TABLE catalog_search_pg DROP COLUMN IF EXISTS title_document")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_search_pg_partial_gin")]

    operations = [migrations.RunPython(forwards, backwards)]
