"""Markets read their own language first now that the UI speaks German, Italian, Portuguese and
Dutch: a market row still holding the languages it was seeded with before (English first for
DE, IT, PT and NL) gets the new order from ``vat_data``. A row an operator edited is left alone.
"""
from django.db import migrations

BEFORE = {
    "IT": ["en", "it"], "DE": ["en", "de"], "PT": ["en", "pt"], "NL": ["en", "nl"],
    "BE": ["fr", "en", "nl", "de"], "LU": ["fr", "en", "de", "lb"],
}
AFTER = {
    "IT": ["it", "en"], "DE": ["de", "en"], "PT": ["pt", "en"], "NL": ["nl", "en"],
    "BE": ["fr", "nl", "de", "en"], "LU": ["fr", "de", "en", "lb"],
}


def _swap(apps, old, new):
    Market = apps.get_model("markets", "Market")
    for market in Market.objects.filter(code__in=list(old)):
        if market.languages == old[market.code]:
            market.languages = new[market.code]
            market.save(update_fields=["languages"])


def forwards(apps, schema_editor):
    _swap(apps, BEFORE, AFTER)


def backwards(apps, schema_editor):
    _swap(apps, AFTER, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("markets", "0003_vat_by_product_kind")]

    operations = [migrations.RunPython(forwards, backwards)]
