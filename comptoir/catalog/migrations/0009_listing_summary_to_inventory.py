from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0008_search_pg_title_document'),
    ]

    # The listing summary moves to inventory (next to the stock it summarises). Its tables stay
    # as they are here; inventory 0003 takes them over and renames them.
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.RemoveConstraint(
            model_name='listingfacetsnapshot',
            name='facetsnapshot_one_per_key',
        ),
        migrations.DeleteModel(
            name='ListingFacetSnapshot',
        ),
        migrations.RemoveIndex(
            model_name='offerpoint',
            name='offerpoint_product',
        ),
        migrations.RemoveIndex(
            model_name='offerpoint',
            name='offerpoint_cur_latlon',
        ),
        migrations.RemoveConstraint(
            model_name='offerpoint',
            name='offerpoint_one_per_offer_location',
        ),
        migrations.RemoveIndex(
            model_name='productlisting',
            name='listing_cur_price',
        ),
        migrations.RemoveIndex(
            model_name='productlisting',
            name='listing_cur_cat_cover',
        ),
        migrations.RemoveConstraint(
            model_name='productlisting',
            name='productlisting_one_per_currency',
        ),
        migrations.RemoveField(
            model_name='productlisting',
            name='category',
        ),
        migrations.RemoveField(
            model_name='productlisting',
            name='product',
        ),
        migrations.DeleteModel(
            name='OfferPoint',
        ),
        migrations.DeleteModel(
            name='ProductListing',
        ),
        ]),
    ]
