from datetime import date

import pytest
from django.core.cache import cache
from django.db.models import F

from comptoir.inventory.errors import InvalidListingQuery
from comptoir.catalog.listing_cache import memo_clear
from comptoir.catalog.models import ListingVersion, Product, ProductText
from comptoir.inventory.models import ListingFacetSnapshot, OfferPoint, ProductListing
from comptoir.catalog.services import search_index_product
from comptoir.inventory.listing.read import CountryFacet, ListingFilters, PriceFacet, product_listing
from comptoir.common.geo import haversine_km
from comptoir.inventory.listing.refresh import listing_refresh, listing_refresh_all, listing_refresh_seller
from comptoir.inventory.models import StockLevel
from comptoir.inventory.promise import DEFAULT_POLICY
from comptoir.sellers.models import SellerStatus

from comptoir.catalog.tests.factories import make_category, make_city, make_location, make_market, make_offer, make_product, make_seller

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def world():
    fr = make_market("FR")
    lyon = make_city("Lyon", 45.7578, 4.8320)
    villeurbanne = make_city("Villeurbanne", 45.7719, 4.8902)
    paris = make_city("Paris", 48.8566, 2.3522)
    madrid = make_city("Madrid", 40.4168, -3.7038, country="ES")
    shenzhen = make_city("Shenzhen", 22.5431, 114.0579, country="CN")
    home = make_category("home", names={"fr": "Maison", "en": "Home"})
    kitchen = make_category("kitchen", names={"fr": "Cuisine", "en": "Kitchen"}, parent=home)
    books = make_category("books", names={"fr": "Livres", "en": "Books"}, tax_class="books")

    s_vil = make_seller("Villeurbanne Shop", country="FR", city=villeurbanne)
    s_mad = make_seller("Madrid Shop", country="ES", city=madrid)
    s_cn = make_seller("Shenzhen Shop", country="CN", city=shenzhen)
    s_par = make_seller("Paris Shop", country="FR", city=paris)
    s_lyo = make_seller("Lyon Shop", country="FR", city=lyon)
    s_pending = make_seller("Pending Shop", country="FR", city=lyon, status=SellerStatus.PENDING)
    loc = {s: make_location(s, s.city) for s in (s_vil, s_mad, s_cn, s_par, s_lyo, s_pending)}

    kettle = make_product(category=kitchen, brand="Boil", texts={"fr": ("Bouilloire électrique", ""), "en": ("Electric kettle", "")})
    toaster = make_product(category=kitchen, brand="Toasty", texts={"en": ("Toaster", "Two slots")})
    lamp = make_product(category=home, brand="Lux", texts={"fr": ("Lampe de bureau", ""), "en": ("Desk lamp", "")})
    book = make_product(category=books, brand="Folio", texts={"fr": ("Roman policier", ""), "en": ("Crime novel", "")})
    make_offer(s_vil, kettle, loc[s_vil], net_price=1000, stock=3, handling_days=1)  # gross 1200
    make_offer(s_mad, kettle, loc[s_mad], net_price=900, stock=2, handling_days=1)  # gross 1080
    make_offer(s_cn, toaster, loc[s_cn], net_price=2000, stock=9, handling_days=1)  # gross 2400
    make_offer(s_par, lamp, loc[s_par], net_price=5000, stock=1, handling_days=2)  # gross 6000
    make_offer(s_lyo, book, loc[s_lyo], net_price=1000, stock=4, handling_days=1)  # books 5.5 %: 1055

    # never listed: pending seller, no available stock, inactive offer, inactive product
    hidden = [make_product(category=kitchen, texts={"en": (f"Hidden kettle {i}", "")}) for i in range(4)]
    make_offer(s_pending, hidden[0], loc[s_pending], net_price=100, stock=5)
    make_offer(s_lyo, hidden[1], loc[s_lyo], net_price=100, stock=2, held=2)
    make_offer(s_lyo, hidden[2], loc[s_lyo], net_price=100, stock=2, is_active=False)
    hidden[3].is_active = False
    hidden[3].save()
    make_offer(s_lyo, hidden[3], loc[s_lyo], net_price=100, stock=2)
    listing_refresh_all()
    return {
        "fr": fr, "lyon": lyon, "home": home, "kitchen": kitchen, "books": books,
        "kettle": kettle, "toaster": toaster, "lamp": lamp, "book": book, "hidden": hidden,
        "s_lyo": s_lyo, "s_pending": s_pending, "villeurbanne": villeurbanne,
    }


def ids(page):
    return [item.product_id for item in page.items]


def listing(world, **kw):
    kw.setdefault("market", world["fr"])
    kw.setdefault("language", "fr")
    kw.setdefault("today", MONDAY)
    kw.setdefault("promise_policy", DEFAULT_POLICY)
    return product_listing(**kw)


def test_only_listable_products_are_listed_with_their_figures(world):
    page = listing(world, sort="price_asc")
    assert ids(page) == [world[k].pk for k in ("book", "kettle", "toaster", "lamp")]
    assert page.total == 4
    kettle = page.items[1]
    assert (kettle.title, kettle.brand, kettle.best_gross_price, kettle.currency, kettle.offer_count) == (
        "Bouilloire électrique", "Boil", 1080, "EUR", 2,
    )
    assert kettle.image_url is None and kettle.nearest_km is None
    assert page.items[2].title == "Toaster"  # no French text: English fallback
    assert ProductListing.objects.count() == 4
    assert OfferPoint.objects.count() == 5


def test_facets_have_exact_counts(world):
    page = listing(world)
    assert page.price_facets == (PriceFacet(1000, 2000, 2), PriceFacet(2000, 5000, 1), PriceFacet(5000, 10000, 1))
    assert page.country_facets == (CountryFacet("FR", 3), CountryFacet("CN", 1), CountryFacet("ES", 1))


def test_search_facets_equal_the_category_facets_of_the_same_products(world):
    # "kitchen" matches exactly the kitchen category's products (through its label)
    for filters in (ListingFilters(), ListingFilters(min_price=1100), ListingFilters(seller_countries=("CN",))):
        by_search = listing(world, language="en", query="kitchen", filters=filters)
        by_category = listing(world, language="en", category=world["kitchen"], filters=filters)
        assert (by_search.total, by_search.price_facets, by_search.country_facets) == (
            by_category.total, by_category.price_facets, by_category.country_facets)
    priced = listing(world, language="en", query="kitchen", filters=ListingFilters(min_price=1100))
    assert (ids(priced), priced.total) == ([world["toaster"].pk], 1)
    assert priced.price_facets == (PriceFacet(1000, 2000, 1), PriceFacet(2000, 5000, 1))
    assert priced.country_facets == (CountryFacet("CN", 1),)


def test_category_includes_descendants(world):
    assert set(ids(listing(world, category=world["kitchen"]))) == {world["kettle"].pk, world["toaster"].pk}
    home = listing(world, category=world["home"])
    assert set(ids(home)) == {world["kettle"].pk, world["toaster"].pk, world["lamp"].pk}
    assert home.total == 3


def test_price_range_is_gross_inclusive_and_facets_ignore_their_own_filter(world):
    page = listing(world, filters=ListingFilters(min_price=1080, max_price=2400), sort="price_asc")
    assert ids(page) == [world["kettle"].pk, world["toaster"].pk]  # the book is 1055 gross
    assert page.total == 2
    # the price facet still shows every price bucket; the country facet follows the price filter
    assert page.price_facets == (PriceFacet(1000, 2000, 2), PriceFacet(2000, 5000, 1), PriceFacet(5000, 10000, 1))
    assert page.country_facets == (CountryFacet("CN", 1), CountryFacet("ES", 1), CountryFacet("FR", 1))


def test_seller_country_filter(world):
    page = listing(world, filters=ListingFilters(seller_countries=("ES", "CN")), sort="price_asc")
    assert ids(page) == [world["kettle"].pk, world["toaster"].pk]
    assert page.price_facets == (PriceFacet(1000, 2000, 1), PriceFacet(2000, 5000, 1))
    assert page.country_facets == (CountryFacet("FR", 3), CountryFacet("CN", 1), CountryFacet("ES", 1))


def test_local_only_and_nearest_distance(world):
    lyon = world["lyon"]
    page = listing(world, buyer_city=lyon, filters=ListingFilters(local_only_km=50), sort="price_asc")
    assert ids(page) == [world["book"].pk, world["kettle"].pk]
    vil = world["villeurbanne"]
    expected = round(haversine_km(lyon.latitude, lyon.longitude, vil.latitude, vil.longitude), 1)
    assert expected == 4.8
    assert [i.nearest_km for i in page.items] == [0.0, expected]
    assert len(ids(listing(world, buyer_city=lyon, filters=ListingFilters(local_only_km=400)))) == 3  # + Paris lamp


def test_local_only_needs_a_city(world):
    with pytest.raises(InvalidListingQuery) as exc:
        listing(world, filters=ListingFilters(local_only_km=50))
    assert exc.value.field == "local_only_km"


def test_deliver_by_uses_the_promise_table(world):
    lyon = world["lyon"]
    # Monday: Lyon/Villeurbanne offers (domestic ≤ 50 km, 1 + 2 days) -> Thursday;
    # Paris lamp (domestic ≤ 1000 km, 2 + 3 days) -> next Monday; China (1 + 15) later.
    thu = listing(world, buyer_city=lyon, filters=ListingFilters(deliver_by=date(2026, 3, 5)))
    assert set(ids(thu)) == {world["kettle"].pk, world["book"].pk}
    wed = listing(world, buyer_city=lyon, filters=ListingFilters(deliver_by=date(2026, 3, 4)))
    assert ids(wed) == []
    next_mon = listing(world, buyer_city=lyon, filters=ListingFilters(deliver_by=date(2026, 3, 9)))
    assert set(ids(next_mon)) == {world["kettle"].pk, world["book"].pk, world["lamp"].pk}
    # Without a city every distance is in the last band (domestic 3–4 days): 1 + 4 -> Monday 9th
    no_city = listing(world, filters=ListingFilters(deliver_by=date(2026, 3, 9)))
    assert set(ids(no_city)) == {world["kettle"].pk, world["book"].pk}


def test_deliver_by_through_storefront_listing_uses_default_policy(world):
    page = product_listing(market=world["fr"], language="fr", buyer_city=world["lyon"], today=MONDAY,
                              filters=ListingFilters(deliver_by=date(2026, 3, 5)))
    assert page.total == 2


def test_search_in_listing(world):
    assert ids(listing(world, query="bouilloires electriques")) == [world["kettle"].pk]
    assert ids(listing(world, query="lampe", category=world["kitchen"])) == []
    assert ids(listing(world, query="toaster")) == [world["toaster"].pk]  # English fallback for a French buyer
    assert ids(listing(world, query="hidden kettle")) == []  # unlisted products never show


@pytest.mark.parametrize("hostile", ['"', "*", "-x", "NEAR", "OR", "'; DROP TABLE catalog_product; --", "a" * 2000, "", "%"])
def test_listing_hostile_queries_never_raise(world, hostile):
    page = listing(world, query=hostile)
    assert page.total == len(page.items) <= 4


def test_pagination(world):
    first = listing(world, page=1, page_size=3)
    second = listing(world, page=2, page_size=3)
    assert (first.total, first.num_pages, second.num_pages) == (4, 2, 2)
    newest_first = [world[k].pk for k in ("book", "lamp", "toaster", "kettle")]
    assert ids(first) + ids(second) == newest_first
    assert ids(listing(world, page=3, page_size=3)) == []
    assert ids(listing(world, sort="price_desc", page_size=2)) == [world["lamp"].pk, world["toaster"].pk]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"page": 0}, "page"),
        ({"page_size": 101}, "page_size"),
        ({"sort": "name"}, "sort"),
        ({"filters": ListingFilters(min_price=500, max_price=100)}, "min_price"),
        ({"filters": ListingFilters(min_price=-1)}, "min_price"),
        ({"filters": ListingFilters(seller_countries=("fr",))}, "seller_countries"),
    ],
)
def test_bad_listing_input_is_refused(world, kwargs, field):
    with pytest.raises(InvalidListingQuery) as exc:
        listing(world, **kwargs)
    assert exc.value.field == field


def test_refresh_follows_stock_holds_and_seller_status(world):
    book = world["book"]
    StockLevel.objects.filter(offer__product=book).update(held=4)
    listing_refresh([book.pk])
    assert book.pk not in ids(listing(world))
    StockLevel.objects.filter(offer__product=book).update(held=0)
    listing_refresh([book.pk])
    assert book.pk in ids(listing(world))

    pending_product = world["hidden"][0]
    world["s_pending"].status = SellerStatus.APPROVED
    world["s_pending"].save()
    listing_refresh_seller(world["s_pending"].pk)
    assert pending_product.pk in ids(listing(world))


def test_query_count_is_constant_whatever_the_page_size(world, django_assert_num_queries):
    for i in range(60):
        p = make_product(category=world["kitchen"], texts={"fr": (f"Casserole {i}", ""), "en": (f"Pan {i}", "")}, index=False)
        make_offer(world["s_lyo"], p, world["s_lyo"].locations.first(), net_price=1000 + i, stock=1)
    listing_refresh_all()
    common = dict(category=world["kitchen"], buyer_city=world["lyon"], filters=ListingFilters(local_only_km=100))
    # cold cache: categories with their versions, VAT rates, aggregate, page rows, ship-from points
    cache.clear()
    memo_clear()
    with django_assert_num_queries(5):
        small = listing(world, page_size=5, **common)
    cache.clear()
    memo_clear()
    with django_assert_num_queries(5):
        large = listing(world, page_size=50, **common)
    assert (len(small.items), len(large.items), large.total) == (5, 50, 61)


def test_warm_cache_listing_runs_no_query_and_shares_facets_across_pages(world, django_assert_num_queries):
    common = dict(category=world["home"], buyer_city=world["lyon"])
    cold = listing(world, page_size=2, **common)
    with django_assert_num_queries(0):  # versions memoised, page cached
        warm = listing(world, page_size=2, **common)
    assert warm == cold
    # another page of the same category: facets from the cache
    with django_assert_num_queries(3):  # VAT rates, page rows, ship-from points
        listing(world, page_size=2, page=2, **common)


def test_a_bump_by_another_process_is_seen_once_the_versions_memo_is_older_than_its_max_age(world, settings):
    book = world["book"]
    assert book.pk in ids(listing(world))
    # what another process's listing_refresh does: new versions, without touching this process's memo
    StockLevel.objects.filter(offer__product=book).update(held=F("on_hand"))
    ProductListing.objects.filter(product=book).delete()
    ListingVersion.objects.filter(category_id=book.category_id).update(value=F("value") + 1)
    settings.COMPTOIR_LISTING_VERSIONS_MAX_AGE = 60
    assert book.pk in ids(listing(world))  # memo younger than 60 s: the cached page
    settings.COMPTOIR_LISTING_VERSIONS_MAX_AGE = 0  # (or after max-age seconds)
    assert book.pk not in ids(listing(world))


def test_a_listing_refresh_invalidates_cached_pages_at_once(world):
    book = world["book"]
    before = listing(world)
    assert book.pk in ids(before)
    assert listing(world) == before  # served from the cache
    StockLevel.objects.filter(offer__product=book).update(held=F("on_hand"))
    listing_refresh([book.pk])
    after = listing(world)
    assert book.pk not in ids(after)
    assert after.total == before.total - 1


def test_unfiltered_category_facets_come_from_the_snapshot_of_the_full_refresh(world, django_assert_num_queries):
    home = world["home"]
    assert ListingFacetSnapshot.objects.filter(category_id=home.pk, currency="EUR").count() == 1
    memo_clear()
    with django_assert_num_queries(4):  # versions, VAT rates, snapshot, page rows
        from_snapshot = listing(world, category=home)
    ListingFacetSnapshot.objects.all().delete()
    cache.clear()
    memo_clear()
    with django_assert_num_queries(5):  # versions, VAT rates, no snapshot, aggregate, page rows
        live = listing(world, category=home)
    assert from_snapshot == live
    assert (live.total, live.price_facets) == (3, (PriceFacet(1000, 2000, 1), PriceFacet(2000, 5000, 1), PriceFacet(5000, 10000, 1)))


def test_a_snapshot_is_not_used_once_its_category_is_refreshed(world):
    kettle = world["kettle"]
    StockLevel.objects.filter(offer__product=kettle).update(held=F("on_hand"))
    listing_refresh([kettle.pk])  # snapshot of "home" and "kitchen" now stale (versions changed)
    page = listing(world, category=world["home"])
    assert (page.total, kettle.pk in ids(page)) == (2, False)


def test_editing_a_title_and_reindexing_shows_the_new_title_at_once(world):
    book = world["book"]
    first = listing(world, query="", category=book.category)
    title = next(i.title for i in first.items if i.product_id == book.pk)
    ProductText.objects.filter(product=book).update(title="Renamed book")
    assert next(i.title for i in listing(world, category=book.category).items if i.product_id == book.pk) == title
    search_index_product(book)
    assert next(i.title for i in listing(world, category=book.category).items if i.product_id == book.pk) == "Renamed book"


def _summary_rows():
    points = sorted(
        OfferPoint.objects.values_list(
            "product_id", "currency", "offer_id", "location_id", "seller_id", "seller_country", "ship_country",
            "latitude", "longitude", "net_price", "handling_days", "available", "x", "y", "z",
        )
    )
    listings = sorted(
        ProductListing.objects.values_list(
            "product_id", "currency", "category_id", "tax_class", "min_net_price", "offer_count", "seller_countries",
            "best_handling_days",
        )
    )
    return [p[:12] + tuple(round(v, 12) for v in p[12:]) for p in points], listings


def test_full_rebuild_in_sql_writes_what_the_per_product_refresh_writes(world):
    # a product with offers from three countries and two locations of one seller (sorted
    # countries, an offer at two locations counted once) and a USD offer (a second currency)
    s_es = make_seller("Second ES", country="ES", city=world["villeurbanne"])
    multi = make_product(category=world["kitchen"], texts={"en": ("Multi", "")})
    make_offer(world["s_lyo"], multi, world["s_lyo"].locations.first(), net_price=700, stock=2, handling_days=3)
    second = make_location(world["s_lyo"], world["villeurbanne"])
    StockLevel.objects.create(offer=world["s_lyo"].offers.get(product=multi), location=second, on_hand=5)
    make_offer(s_es, multi, make_location(s_es, world["villeurbanne"]), net_price=650, stock=1, handling_days=4)
    s_usd = make_seller("Dollar FR", country="FR", city=world["lyon"])
    make_offer(s_usd, multi, make_location(s_usd, world["lyon"]), net_price=800, stock=3, currency="USD")
    all_ids = list(Product.objects.values_list("id", flat=True))

    listing_refresh(all_ids)
    per_product = _summary_rows()
    OfferPoint.objects.all().delete()
    ProductListing.objects.all().delete()
    written = listing_refresh_all()
    points, listings = _summary_rows()

    assert (points, listings) == per_product
    assert written == len(listings) == 6  # 4 listed products + multi in EUR and in USD
    assert [row[4:7] for row in listings if row[0] == multi.pk] == [(650, 2, "ES,FR"), (800, 1, "FR")]
