"""Categories name a product kind for VAT (food, books, press, …) instead of a rate level, and a
product may override its category's. Existing categories on the old reduced levels get the kind
their names say (books, press, medicines, food), else food; zero-rated ones likewise, else
standard. Each mapping is printed."""
from django.db import migrations, models

KIND_CHOICES = [
    ("standard", "Standard-rated goods"), ("food", "Food"), ("basic_food", "Basic food (bread, milk, fruit, vegetables…)"),
    ("books", "Books"), ("press", "Newspapers and periodicals"), ("medicines", "Medicines"),
    ("child_clothing", "Children's clothing and footwear"),
]
# Words in a category's slug or names (en, fr, es) that say its kind, checked in this order.
KIND_WORDS = (
    ("books", ("book", "livre", "libro", "librería", "comic", "bande dessinée")),
    ("press", ("press", "newspaper", "magazine", "periodical", "journaux", "revista", "prensa", "periódico")),
    ("medicines", ("medicine", "medicament", "médicament", "pharma", "farmacia", "medicamento")),
    ("food", ("food", "grocer", "drink", "épicerie", "epicerie", "aliment", "boisson", "bebida", "gourmet")),
)


def _kind_for(category, fallback: str) -> str:
    text = " ".join([category.slug, *[str(v) for v in (category.names or {}).values()]]).lower()
    for kind, words in KIND_WORDS:
        if any(word in text for word in words):
            return kind
    return fallback


def categories_to_kinds(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for category in Category.objects.exclude(tax_class__in=[kind for kind, _label in KIND_CHOICES]):
        old = category.tax_class
        category.tax_class = _kind_for(category, "standard" if old == "zero" else "food")
        category.save(update_fields=["tax_class"])
        print(f"\n  category {category.slug}: VAT class {old} → product kind {category.tax_class}", end="")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_listing_summary_to_inventory"), ("markets", "0003_vat_by_product_kind")]

    operations = [
        migrations.AddField(
            model_name="product", name="tax_class",
            field=models.CharField(blank=True, choices=KIND_CHOICES, default="", db_default="", help_text="Leave blank to use the category's.",
                                   max_length=16, verbose_name="product kind for VAT"),
        ),
        migrations.AlterField(
            model_name="category", name="tax_class",
            field=models.CharField(choices=KIND_CHOICES, default="standard", max_length=16, verbose_name="product kind for VAT"),
        ),
        migrations.RunPython(categories_to_kinds, migrations.RunPython.noop),
    ]
