"""Search results and category cards give back a unit the moment the reservation to try or the
till basket holding it expires, with no worker, no tidy-up and no stock write in between (issue
10: "ignored by the availability shown"), exactly as the product and store pages do
(inventory.selectors.held_now). A buyer in Madrid; the red running shoes on the shelf of
Comptoir Getafe (13 km) and, in some tests, of Comptoir Sevilla (390 km)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from comptoir.catalog.listing_cache import CategoryTree
from comptoir.catalog.models import ListingVersion
from comptoir.inventory.listing.read import ListingFilters, product_listing
from comptoir.inventory.listing.refresh import listing_refresh, listing_refresh_all
from comptoir.inventory.models import Hold, HoldState, Offer, OfferPoint, ProductListing, StockLevel
from comptoir.inventory.selectors import held_now
from comptoir.inventory.services import holds_consume
from comptoir.markets.models import City, Market
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.web.tests.test_store_pages import shop  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)  # a fixed time of day: the page cache is per date
PAGES = {"search": ("/search", {"q": "running"}), "category": ("/c/shoes/", {}), "in_store": ("/c/shoes/", {"store_km": "25"})}


def _shelves(shop, *, getafe: int, sevilla: int = 0) -> Offer:  # noqa: F811
    """The shoes only on the stores' shelves (no warehouse, no closed store)."""
    offer = Offer.objects.get(product=shop["red"])
    StockLevel.objects.filter(offer=offer).delete()
    StockLevel.objects.create(offer=offer, location=shop["getafe"].location, on_hand=getafe)
    if sevilla:
        StockLevel.objects.create(offer=offer, location=shop["sevilla"].location, on_hand=sevilla)
    listing_refresh([shop["red"].pk])
    return offer


def _reserve(store, offer, at, capture) -> Hold:
    with time_machine.travel(at, tick=False), capture(execute=True):
        reservation = services.reservation_create(buyer=f.user(), store=store, offer_id=offer.pk)
    return Hold.objects.get(pk=reservation.hold_id)


@pytest.fixture(autouse=True)
def _cache_for_days(settings):
    """Cached listings outlive the time travels (the local-memory cache ages them by the clock):
    a page cached before an expiry must not be served after it."""
    settings.COMPTOIR_LISTING_CACHE_SECONDS = 10 * 86_400


def _cards(client, served: list | None = None) -> dict[str, list[tuple[str, str]]]:
    """(title, "In store, N km") of the cards of each page as rendered, through the views and
    their caches; `served` collects whether each page came from the page cache."""
    shown = {}
    for name, (url, params) in PAGES.items():
        response = client.get(url, params)
        assert response.status_code == 200
        if served is not None:
            served.append(response.context is None)  # a cached page is not rendered
        shown[name] = [
            (re.search(r'class="card-title">([^<]*)<', card)[1], m[1] if (m := re.search(r"In store, ([^<]*)</span>", card)) else "")
            for card in response.content.decode().split('<a class="card" ')[1:]
        ]
    return shown


def _read(**filters) -> list[tuple[int, int, int, float | None, float | None]]:
    """(product, best gross price, offers, nearest km, nearest store km) from the listing read."""
    page = product_listing(
        market=Market.objects.get(code="ES"), language="en", buyer_city=City.objects.get(name="Madrid"),
        filters=ListingFilters(**filters),
    )
    return [(i.product_id, i.best_gross_price, i.offer_count, i.nearest_km, i.nearest_store_km) for i in page.items]


def _shown_nowhere():
    return {"search": [], "category": [], "in_store": []}


def _shown_at(distance):
    return {name: [("Red running shoes", distance)] for name in PAGES}


def test_the_only_unit_reserved_is_back_in_search_and_category_pages_when_the_reservation_expires(
    client, shop, django_capture_on_commit_callbacks,  # noqa: F811
):
    offer = _shelves(shop, getafe=1)
    hold = _reserve(shop["getafe"], offer, T0, django_capture_on_commit_callbacks)
    assert hold.expires_at == T0 + timedelta(hours=48)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert _cards(client) == _shown_nowhere()
        assert _read() == [] and _read(in_store_km=25) == []
    with time_machine.travel(T0 + timedelta(hours=47, minutes=59, seconds=58), tick=False):
        assert _cards(client) == _shown_nowhere()
    with time_machine.travel(T0 + timedelta(hours=47, minutes=59, seconds=59), tick=False):
        served = []
        assert _cards(client, served) == _shown_nowhere()
        assert served == [True, True, True]  # from the page cache, and still right
    with time_machine.travel(T0 + timedelta(hours=48), tick=False):
        # Nothing ran: the hold is active and counted in `held`, the listing rows are those
        # written when the reservation was made…
        assert Hold.objects.get(pk=hold.pk).state == HoldState.ACTIVE
        assert StockLevel.objects.filter(offer=offer).values_list("on_hand", "held").get() == (1, 1)
        assert list(OfferPoint.objects.values_list("listed_from", "available")) == [(T0 + timedelta(hours=48), 1)]
        # …yet the unit is back on every page (the cached ones are not served), with its store.
        served = []
        assert _cards(client, served) == _shown_at("13\xa0km")
        assert served == [False, False, False]
        assert _read() == _read(in_store_km=25) == [(shop["red"].pk, 6050, 1, 12.6, 12.6)]
        page = product_listing(market=Market.objects.get(code="ES"), language="en", category=shop["red"].category)
        assert (page.total, [(p.min_price, p.count) for p in page.price_facets]) == (1, [(5000, 1)])
        # the same figure as the product and store pages
        assert StockLevel.objects.annotate(live=held_now()).values_list("on_hand", "held", "live").get() == (1, 1, 0)


def test_two_reservations_on_one_shelf_with_different_expiries(client, shop, django_capture_on_commit_callbacks):  # noqa: F811
    offer = _shelves(shop, getafe=2)
    first = _reserve(shop["getafe"], offer, T0, django_capture_on_commit_callbacks)
    _reserve(shop["getafe"], offer, T0 + timedelta(hours=3), django_capture_on_commit_callbacks)
    assert list(OfferPoint.objects.values_list("listed_from", "available")) == [(first.expires_at, 1)]
    with time_machine.travel(T0 + timedelta(hours=47, minutes=59), tick=False):
        assert _cards(client) == _shown_nowhere()
    with time_machine.travel(T0 + timedelta(hours=48, seconds=1), tick=False):
        assert _cards(client) == _shown_at("13\xa0km")
        assert StockLevel.objects.annotate(live=held_now()).values_list("on_hand", "held", "live").get() == (2, 2, 1)
    with time_machine.travel(T0 + timedelta(hours=51, seconds=1), tick=False):
        assert _cards(client) == _shown_at("13\xa0km")
        assert StockLevel.objects.annotate(live=held_now()).values_list("on_hand", "held", "live").get() == (2, 2, 0)


def test_two_stores_come_back_one_after_the_other(client, shop, django_capture_on_commit_callbacks):  # noqa: F811
    """Sevilla's reservation expires first: the shoes come back "in store, 390 km", then, when
    Getafe's expires, "in store, 13 km"; the product's listing has one period per moment."""
    offer = _shelves(shop, getafe=1, sevilla=1)
    _reserve(shop["sevilla"], offer, T0, django_capture_on_commit_callbacks)
    _reserve(shop["getafe"], offer, T0 + timedelta(hours=2), django_capture_on_commit_callbacks)
    seville_back, getafe_back = T0 + timedelta(hours=48), T0 + timedelta(hours=50)
    assert sorted(ProductListing.objects.values_list("valid_from", "valid_until", "offer_count")) == [
        (seville_back, getafe_back, 1), (getafe_back, None, 1),
    ]
    category = shop["red"].category_id
    assert ListingVersion.objects.get(category_id=category).pending == ",".join(
        str(int(t.timestamp()) * 1_000_000) for t in (seville_back, getafe_back)
    )
    with time_machine.travel(T0 + timedelta(hours=47), tick=False):
        assert _cards(client) == _shown_nowhere()
    with time_machine.travel(seville_back + timedelta(seconds=1), tick=False):
        assert _cards(client) == {"search": [("Red running shoes", "390\xa0km")], "category": [("Red running shoes", "390\xa0km")],
                                  "in_store": []}  # Sevilla is not within 25 km
        assert _read() == [(shop["red"].pk, 6050, 1, 390.2, 390.2)]
    with time_machine.travel(getafe_back + timedelta(seconds=1), tick=False):
        assert _cards(client) == _shown_at("13\xa0km")
        assert _read() == [(shop["red"].pk, 6050, 1, 12.6, 12.6)]
        # both holds expired: a refresh (Python) or a full rebuild (SQL) writes one period, listed now
        listing_refresh([shop["red"].pk])
        rows = _listing_rows()
        assert rows[0] == [(shop["red"].pk, None, None, 5000, 1, "ES")]
        assert rows[1] == [(offer.pk, shop["getafe"].location_id, None, 1), (offer.pk, shop["sevilla"].location_id, None, 1)]
        listing_refresh_all()
        assert _listing_rows() == rows
        assert _cards(client) == _shown_at("13\xa0km")


def _listing_rows():
    return (
        sorted(ProductListing.objects.values_list("product_id", "valid_from", "valid_until", "min_net_price", "offer_count",
                                                  "seller_countries")),
        sorted(OfferPoint.objects.values_list("offer_id", "location_id", "listed_from", "available")),
    )


def test_a_full_rebuild_keeps_the_periods_to_come(client, shop, django_capture_on_commit_callbacks):  # noqa: F811
    offer = _shelves(shop, getafe=1, sevilla=1)
    _reserve(shop["sevilla"], offer, T0, django_capture_on_commit_callbacks)
    _reserve(shop["getafe"], offer, T0 + timedelta(hours=2), django_capture_on_commit_callbacks)
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        rows = _listing_rows()
        assert listing_refresh_all() == 1
        assert _listing_rows() == rows
        tree = CategoryTree._query()
        assert len(tree.pending[shop["red"].category_id]) == 2
        assert _cards(client) == _shown_nowhere()
    with time_machine.travel(T0 + timedelta(hours=50), tick=False):
        assert _cards(client) == _shown_at("13\xa0km")


def test_a_till_basket_holding_the_last_unit_gives_it_back_after_two_hours(client, shop, django_capture_on_commit_callbacks):  # noqa: F811
    offer = _shelves(shop, getafe=1)
    clerk = f.user()
    services.store_staff_add(store=shop["getafe"], user=clerk, role="clerk")
    level = StockLevel.objects.get(offer=offer)
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        session = services.till_open(store=shop["getafe"], user=clerk, opening_float=10000)
        services.basket_add_level(session=session, stock_level_id=level.pk)
    with time_machine.travel(T0 + timedelta(hours=1, minutes=59), tick=False):
        assert _cards(client) == _shown_nowhere()
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        assert _cards(client) == _shown_at("13\xa0km")


def test_a_basket_unit_sold_at_the_till_does_not_come_back(client, shop, django_capture_on_commit_callbacks):  # noqa: F811
    offer = _shelves(shop, getafe=1)
    level = StockLevel.objects.get(offer=offer)
    clerk = f.user()
    services.store_staff_add(store=shop["getafe"], user=clerk, role="clerk")
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        session = services.till_open(store=shop["getafe"], user=clerk, opening_float=10000)
        hold = services.basket_add_level(session=session, stock_level_id=level.pk)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False), django_capture_on_commit_callbacks(execute=True):
        holds_consume(hold_ids=[hold.pk])  # what the till's payment does with the basket
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        assert StockLevel.objects.filter(pk=level.pk).values_list("on_hand", "held").get() == (0, 0)
        assert _cards(client) == _shown_nowhere()
