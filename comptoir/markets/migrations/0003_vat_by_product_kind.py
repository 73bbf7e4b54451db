"""VAT rates by product kind (food, books, press, …) instead of rate levels (reduced,
super-reduced, zero): the markets of vat_data get their rate per kind from the European
Commission's table; any other market keeps its old levels mapped onto the kinds (its reduced rate
for food, basic food, books, press and medicines; its standard rate for children's clothing)."""
from django.db import migrations, models

from comptoir.markets.vat_data import MARKETS

# The kinds of this migration; kinds added later to vat_data get their rates in their own migration.
KINDS = ("standard", "food", "basic_food", "books", "press", "medicines", "child_clothing")
OLD_LEVELS = ("reduced", "super_reduced", "zero")
REDUCED_KINDS = ("food", "basic_food", "books", "press", "medicines")


def rates_by_kind(apps, schema_editor):
    Market, VatRate = apps.get_model("markets", "Market"), apps.get_model("markets", "VatRate")
    specs = {spec.code: spec for spec in MARKETS}
    for market in Market.objects.all():
        rows = list(VatRate.objects.filter(market=market).values_list("tax_class", "valid_from", "rate_bp"))
        VatRate.objects.filter(market=market, tax_class__in=OLD_LEVELS).delete()
        spec = specs.get(market.code)
        if spec is not None:
            wanted = [row for row in spec.rate_rows() if row[0] in KINDS]
        else:
            levels: dict[str, list] = {}
            for level, since, bp in rows:
                levels.setdefault(level, []).append((since, bp))
            reduced = levels.get("reduced") or levels.get("super_reduced") or levels.get("standard", [])
            wanted = [(kind, bp, since) for kind in REDUCED_KINDS for since, bp in reduced]
            wanted += [("child_clothing", bp, since) for since, bp in levels.get("standard", [])]
        for kind, bp, since in wanted:
            VatRate.objects.update_or_create(market=market, tax_class=kind, valid_from=since, defaults={"rate_bp": bp})


class Migration(migrations.Migration):
    dependencies = [("markets", "0002_city_names")]

    operations = [
        migrations.AlterField(
            model_name="vatrate", name="tax_class",
            field=models.CharField(choices=[
                ("standard", "Standard-rated goods"), ("food", "Food"), ("basic_food", "Basic food (bread, milk, fruit, vegetables…)"),
                ("books", "Books"), ("press", "Newspapers and periodicals"), ("medicines", "Medicines"),
                ("child_clothing", "Children's clothing and footwear"),
            ], max_length=16, verbose_name="product kind"),
        ),
        migrations.RunPython(rates_by_kind, migrations.RunPython.noop),
    ]
