"""The data migrations to VAT by product kind: rate levels become kinds (the official table for
the markets of vat_data, the old levels mapped for any other), categories get the kind their
names say, the listing summary follows, cached listings are invalidated."""
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("markets", "0002_city_names"), ("catalog", "0009_listing_summary_to_inventory"), ("inventory", "0005_offerpoint_location_kind")]
AFTER = [("markets", "0003_vat_by_product_kind"), ("catalog", "0010_tax_kind"), ("inventory", "0006_tax_kind_listing")]


@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_existing_rates_categories_and_listings_move_to_product_kinds():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Market, VatRate = old.get_model("markets", "Market"), old.get_model("markets", "VatRate")
    Category, Product = old.get_model("catalog", "Category"), old.get_model("catalog", "Product")
    ProductListing, ListingVersion = old.get_model("inventory", "ProductListing"), old.get_model("catalog", "ListingVersion")
    since = date(2014, 1, 1)
    fr = Market.objects.create(code="FR", name="France", currency="EUR", languages=["fr"])
    xx = Market.objects.create(code="CH", name="Elsewhere", currency="EUR", languages=["en"])
    for market, rates in ((fr, {"standard": 2000, "reduced": 1000, "super_reduced": 210, "zero": 0}), (xx, {"standard": 810, "reduced": 260})):
        for level, bp in rates.items():
            VatRate.objects.create(market=market, tax_class=level, rate_bp=bp, valid_from=since)
    books = Category.objects.create(slug="books", names={"en": "Books"}, tax_class="reduced")
    food = Category.objects.create(slug="food-drinks", names={"en": "Food & Drinks"}, tax_class="reduced")
    shoes = Category.objects.create(slug="shoes", names={"en": "Shoes"}, tax_class="standard")
    novel = Product.objects.create(gtin="00000000000017", brand="B", category=books)
    ProductListing.objects.create(product=novel, currency="EUR", category=books, tax_class="reduced", min_net_price=1000,
                                  offer_count=1, seller_countries="FR", best_handling_days=1)
    ListingVersion.objects.create(category_id=books.pk, value=7)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rates = {(r.market.code, r.tax_class): r.rate_bp for r in new.get_model("markets", "VatRate").objects.select_related("market")}
    assert {k: v for k, v in rates.items() if k[0] == "FR"} == {
        ("FR", "standard"): 2000, ("FR", "food"): 550, ("FR", "basic_food"): 550, ("FR", "books"): 550,
        ("FR", "press"): 210, ("FR", "medicines"): 1000, ("FR", "child_clothing"): 2000,
    }
    assert {k: v for k, v in rates.items() if k[0] == "CH"} == {
        ("CH", "standard"): 810, ("CH", "food"): 260, ("CH", "basic_food"): 260, ("CH", "books"): 260,
        ("CH", "press"): 260, ("CH", "medicines"): 260, ("CH", "child_clothing"): 810,
    }
    NewCategory = new.get_model("catalog", "Category")
    assert dict(NewCategory.objects.values_list("slug", "tax_class")) == {"books": "books", "food-drinks": "food", "shoes": "standard"}
    assert new.get_model("catalog", "Product").objects.get(pk=novel.pk).tax_class == ""  # no override: the category's
    assert new.get_model("inventory", "ProductListing").objects.get().tax_class == "books"
    assert new.get_model("catalog", "ListingVersion").objects.get().value != 7
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
