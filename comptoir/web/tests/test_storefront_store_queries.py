"""SQL queries of the storefront pages with store offers: the in-store distance on the cards, the
store facet and the product page's "in store at" line cost no query on the category and search
pages and one (the store's slug) on the product page. CPU time per page: bench/storefront_cpu.py."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.listing_cache import memo_clear
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import LocationKind, StockLevel
from comptoir.web.middleware import buyer_memo_clear
from comptoir.web.tests.test_store_pages import shop  # noqa: F401  (the fixture: a product on a store's shelf)

pytestmark = pytest.mark.django_db

PAGES = {"category": ("/c/shoes/", {}), "search": ("/search", {"q": "running"}), "store_facet": ("/c/shoes/", {"store_km": "25"})}


def _cold_queries(client, url, params):
    cache.clear()  # the page and listing caches and the memos: every query the page can run
    memo_clear()
    buyer_memo_clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _off_the_shelves(red):
    StockLevel.objects.filter(location__kind=LocationKind.STORE).delete()
    listing_refresh([red.pk])


@pytest.mark.parametrize("page", ["category", "search"])
def test_listing_pages_with_store_offers_run_no_more_queries_than_without(client, shop, page):  # noqa: F811
    url, params = PAGES[page]
    with_store, response = _cold_queries(client, url, params)
    (card,) = response.context["cards"]
    assert card["store_distance"] == "13\xa0km"
    _off_the_shelves(shop["red"])
    without, response = _cold_queries(client, url, params)
    assert response.context["cards"][0]["store_distance"] == ""
    # market, default city, listing versions, categories, VAT rates, (facet snapshot: category
    # only), facets or matched rows, page rows, ship-from points (with their kind: the stores)
    assert (with_store, without) == ({"category": (9, 9), "search": (9, 9)}[page])


def test_the_store_facet_runs_one_query_fewer_than_the_unfiltered_page_no_snapshot(client, shop):  # noqa: F811
    unfiltered, _ = _cold_queries(client, *PAGES["category"])
    filtered, response = _cold_queries(client, *PAGES["store_facet"])
    assert [c["store_distance"] for c in response.context["cards"]] == ["13\xa0km"]
    assert filtered == unfiltered - 1  # a filtered page has no facet snapshot to look up


def test_product_page_with_a_store_offer_runs_one_more_query_the_store_slug(client, shop):  # noqa: F811
    url = f"/p/{shop['red'].pk}/"
    with_store, response = _cold_queries(client, url, {})
    assert response.context["offers"][0]["store_slug"] == "getafe"
    _off_the_shelves(shop["red"])
    without, response = _cold_queries(client, url, {})
    assert response.context["offers"][0]["store_slug"] == ""
    # market, default city, categories, product, texts, images, VAT rate, stock levels (+ store slug)
    assert (with_store, without) == (9, 8)
