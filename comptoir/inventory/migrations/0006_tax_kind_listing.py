"""The listing summary carries each product's VAT kind (catalog 0010_tax_kind): rewritten from the
categories' new kinds; facet snapshots keyed on the old rate sets are dropped and every
category's listing version bumped, so no cached listing outlives the change."""
import secrets

from django.db import migrations, models


def listings_to_kinds(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    ListingVersion = apps.get_model("catalog", "ListingVersion")
    ProductListing = apps.get_model("inventory", "ProductListing")
    ListingFacetSnapshot = apps.get_model("inventory", "ListingFacetSnapshot")
    for category_id, kind in Category.objects.values_list("id", "tax_class"):
        ProductListing.objects.filter(category_id=category_id).update(tax_class=kind)
    ListingFacetSnapshot.objects.all().delete()
    for version in ListingVersion.objects.all():
        version.value = secrets.randbits(62)
        version.save(update_fields=["value"])


class Migration(migrations.Migration):
    dependencies = [("inventory", "0005_offerpoint_location_kind"), ("catalog", "0010_tax_kind")]

    operations = [
        migrations.AlterField(model_name="productlisting", name="tax_class", field=models.CharField(max_length=16)),
        migrations.RunPython(listings_to_kinds, migrations.RunPython.noop),
    ]
