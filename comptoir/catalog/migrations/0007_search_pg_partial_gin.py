"""One partial GIN index per catalogue language on catalog_search_pg (PostgreSQL only).

With a single GIN index a word shared by two languages ("noir" stems alike in French and
Spanish) made a Spanish search visit every French match on the heap only to filter it out by
language; a partial index per language yields only that language's documents.
"""
from django.db import migrations

LANGUAGES = ("fr", "es", "en")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for lang in LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalog_search_pg_doc_{lang} ON catalog_search_pg "
            f"USING gin (document) WHERE language = '{lang}'"
        )
    schema_editor.execute("DROP INDEX IF EXISTS catalog_search_pg_document")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE INDEX IF NOT EXISTS catalog_search_pg_document ON catalog_search_pg USING gin (document)")
    for lang in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_search_pg_doc_{lang}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_listing_cache")]

    operations = [migrations.RunPython(forwards, backwards)]
