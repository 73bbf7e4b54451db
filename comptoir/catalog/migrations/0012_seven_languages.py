"""German, Italian, Portuguese and Dutch join the catalogue languages (models.CATALOG_LANGUAGES).

SQLite: an FTS5 table per new language (catalog_search_de, …), as 0003 made for fr/es/en.
PostgreSQL: the partial GIN indexes per new language on catalog_search_pg (document, 0007;
title_document, 0008). No existing row is in these languages, so there is nothing to reindex.
"""
from django.db import migrations, models

NEW_LANGUAGES = ("de", "it", "pt", "nl")
ALL_LANGUAGES = ("fr", "es", "en", *NEW_LANGUAGES)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for lang in NEW_LANGUAGES:
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS catalog_search_{lang} USING fts5(title, body, tokenize = 'unicode61')"
            )
        elif vendor == "postgresql":
            for column, name in (("document", "doc"), ("title_document", "title")):
                schema_editor.execute(
                    f"CREATE INDEX IF NOT EXISTS catalog_search_pg_{name}_{lang} ON catalog_search_pg "
                    f"USING gin ({column}) WHERE language = '{lang}'"
                )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for lang in NEW_LANGUAGES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS catalog_search_{lang}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DELETE FROM catalog_search_pg WHERE language = '{lang}'")
            for name in ("doc", "title"):
                schema_editor.execute(f"DROP INDEX IF EXISTS catalog_search_pg_{name}_{lang}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0011_product_proposals")]

    operations = [
        migrations.AlterField(
            model_name="producttext",
            name="language",
            field=models.CharField(choices=[(lang, lang) for lang in ALL_LANGUAGES], max_length=2),
        ),
        migrations.RunPython(forwards, backwards),
    ]
