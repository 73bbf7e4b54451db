"""The listing summary carries each product's VAT kind: rewritten from the categories' new kinds;
cached listing pages and facet snapshots (keyed on the old rate sets) are dropped."""
import secrets

from django.db import migrations, models


def listings_to_kinds(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    ProductListing = apps.get_model("catalog", "ProductListing")
    ListingVersion = apps.get_model("catalog", "ListingVersion")
    ListingFacetSnapshot = apps.get_model("catalog", "ListingFacetSnapshot")
    for category_id, kind in Category.objects.values_list("id", "tax_class"):
        ProductListing.objects.filter(category_id=category_id).update(tax_class=kind)
    ListingFacetSnapshot.objects.all().delete()
    for version in ListingVersion.objects.all():
        version.value = secrets.randbits(62)
        version.save(update_fields=["value"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_tax_kind")]

    operations = [
        migrations.AlterField(model_name="productlisting", name="tax_class", field=models.CharField(max_length=16)),
        migrations.RunPython(listings_to_kinds, migrations.RunPython.noop),
    ]
