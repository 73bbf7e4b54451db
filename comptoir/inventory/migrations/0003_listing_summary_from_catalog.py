import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0009_listing_summary_to_inventory'),
        ('inventory', '0002_hold'),
    ]

    # State: the models come from catalog with their tables (catalog 0009); database: the
    # tables get inventory's names.
    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='ListingFacetSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('category_id', models.BigIntegerField()),
                ('rates_key', models.CharField(max_length=200)),
                ('versions_key', models.CharField(max_length=64)),
                ('data', models.JSONField()),
            ],
            options={
                'db_table': 'catalog_listingfacetsnapshot',
                'constraints': [models.UniqueConstraint(fields=('currency', 'category_id', 'rates_key'), name='facetsnapshot_one_per_key')],
            },
        ),
        migrations.CreateModel(
            name='OfferPoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('offer_id', models.BigIntegerField()),
                ('location_id', models.BigIntegerField()),
                ('seller_id', models.BigIntegerField()),
                ('seller_country', models.CharField(max_length=2)),
                ('ship_country', models.CharField(max_length=2)),
                ('latitude', models.FloatField()),
                ('longitude', models.FloatField()),
                ('x', models.FloatField()),
                ('y', models.FloatField()),
                ('z', models.FloatField()),
                ('net_price', models.PositiveBigIntegerField()),
                ('handling_days', models.PositiveSmallIntegerField()),
                ('available', models.PositiveIntegerField()),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
            ],
            options={
                'db_table': 'catalog_offerpoint',
                'indexes': [models.Index(fields=['product', 'currency'], name='offerpoint_product'), models.Index(fields=['currency', 'latitude', 'longitude'], name='offerpoint_cur_latlon')],
                'constraints': [models.UniqueConstraint(fields=('offer_id', 'location_id'), name='offerpoint_one_per_offer_location')],
            },
        ),
        migrations.CreateModel(
            name='ProductListing',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('tax_class', models.CharField(choices=[('standard', 'Standard'), ('reduced', 'Reduced'), ('super_reduced', 'Super-reduced'), ('zero', 'Zero')], max_length=16)),
                ('min_net_price', models.PositiveBigIntegerField()),
                ('offer_count', models.PositiveIntegerField()),
                ('seller_countries', models.CharField(max_length=200)),
                ('best_handling_days', models.PositiveSmallIntegerField()),
                ('refreshed_at', models.DateTimeField(auto_now=True)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.category')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='listings', to='catalog.product')),
            ],
            options={
                'db_table': 'catalog_productlisting',
                'indexes': [models.Index(fields=['currency', 'category', 'tax_class', 'min_net_price', 'seller_countries', 'product', 'offer_count'], name='listing_cur_cat_cover'), models.Index(fields=['currency', 'min_net_price'], name='listing_cur_price')],
                'constraints': [models.UniqueConstraint(fields=('product', 'currency'), name='productlisting_one_per_currency')],
            },
        ),
        ]),
        migrations.AlterModelTable(name='listingfacetsnapshot', table=None),
        migrations.AlterModelTable(name='offerpoint', table=None),
        migrations.AlterModelTable(name='productlisting', table=None),
    ]
