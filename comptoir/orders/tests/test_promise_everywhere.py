"""One delivery promise: the product page, the listing's deliver-by filter, the quote (service and
API) and the placed order give the same dates for the same offer and address — a local, a
cross-border EU and a Chinese offer, in a plain week and across a national public holiday of
the destination market (14 July in France, Christmas and New Year in Spain)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from comptoir.api.auth import token_create
from comptoir.inventory.listing.read import ListingFilters, product_listing
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import LocationKind, LocationStatus, StockLevel
from comptoir.markets.models import Market
from comptoir.orders.address import Address
from comptoir.orders.quote import LineRequest, destination_point, quote_build
from comptoir.web.middleware import COOKIE_NAME

from . import factories as f
from .helpers import LYON, place

pytestmark = pytest.mark.django_db

D = dt.date
MADRID = Address(full_name="Ana Ruiz", line1="Calle Mayor 1", postcode="28001", city="Madrid", country="ES", phone="+34915231234")
ADDRESSES = {"Lyon": LYON, "Madrid": MADRID}

# (ordered on, buyer city, seller city and country, promised (earliest, latest)); every offer has
# 1 handling day; transit from comptoir.inventory.promise's standard table.
CASES = {
    # Monday 2 March 2026, no holiday: 1+1..1+2 / EU > 1000 km 1+4..1+6 / non-EU > 1000 km 1+8..1+15
    "local": (D(2026, 3, 2), "Lyon", ("Lyon", "FR"), (D(2026, 3, 4), D(2026, 3, 5))),
    "eu": (D(2026, 3, 2), "Lyon", ("Sevilla", "ES"), (D(2026, 3, 9), D(2026, 3, 11))),
    "cn": (D(2026, 3, 2), "Lyon", ("Shenzhen", "CN"), (D(2026, 3, 13), D(2026, 3, 24))),
    # Monday 13 July 2026: Tuesday 14 July (fête nationale) is no business day in France
    "local_14_july": (D(2026, 7, 13), "Lyon", ("Lyon", "FR"), (D(2026, 7, 16), D(2026, 7, 17))),
    "eu_14_july": (D(2026, 7, 13), "Lyon", ("Sevilla", "ES"), (D(2026, 7, 21), D(2026, 7, 23))),
    "cn_14_july": (D(2026, 7, 13), "Lyon", ("Shenzhen", "CN"), (D(2026, 7, 27), D(2026, 8, 5))),
    # Wednesday 23 December 2026 to Madrid: 25 December, 1 and 6 January are Spanish holidays
    "local_christmas": (D(2026, 12, 23), "Madrid", ("Madrid", "ES"), (D(2026, 12, 28), D(2026, 12, 29))),
    "eu_christmas": (D(2026, 12, 23), "Madrid", ("Paris", "FR"), (D(2026, 12, 31), D(2027, 1, 5))),
    "cn_christmas": (D(2026, 12, 23), "Madrid", ("Shenzhen", "CN"), (D(2027, 1, 8), D(2027, 1, 19))),
}


def _world(buyer_city: str, seller_city: str, seller_country: str):
    f.market("FR")
    f.market("ES")
    seller = f.seller(f"Seller in {seller_city}", country=seller_country, city_name=seller_city)
    offer = f.offer(seller, net_price=2000, stock=5, title="Lamp")
    listing_refresh([offer.product_id])
    return offer, f.city(buyer_city)


@pytest.mark.parametrize("case", CASES)
def test_product_page_listing_quote_and_order_promise_the_same_dates(client, case):
    today, buyer_city, (seller_city, seller_country), expected = CASES[case]
    offer, city = _world(buyer_city, seller_city, seller_country)
    address = ADDRESSES[buyer_city]
    market = Market.objects.get(code=address.country)
    with time_machine.travel(dt.datetime.combine(today, dt.time(10), ZoneInfo("Europe/Paris")), tick=False):
        client.cookies[COOKIE_NAME] = f"{city.country}:{city.pk}"
        page = client.get(f"/p/{offer.product_id}/")
        [row] = page.context["offers"]
        shown = (row["offer"].promise.earliest, row["offer"].promise.latest)

        quote = quote_build(
            lines=[LineRequest(offer.pk, 1)], market=market,
            destination=destination_point(country=address.country, postcode=address.postcode, city=address.city),
        )
        [group] = quote.groups
        quoted = (group.chosen.earliest, group.chosen.latest)
        standard = next(o for o in group.options if o.code == "standard")

        buyer = f.user()
        api = client.post(
            "/api/v1/orders/quote", content_type="application/json",
            data={"lines": [{"offer_id": offer.pk, "quantity": 1}], "address": dataclasses.asdict(address)},
            HTTP_AUTHORIZATION=f"Bearer {token_create(user=buyer)}",
        )
        api_option = next(o for o in api.json()["groups"][0]["options"] if o["code"] == "standard")

        order = place(buyer, [(offer, 1)], address=address)
        [part] = order.parts.all()

        def listed(deliver_by: dt.date) -> bool:
            page = product_listing(market=market, language="en", buyer_city=city, filters=ListingFilters(deliver_by=deliver_by))
            return [item.product_id for item in page.items] == [offer.product_id]

        facet = (listed(expected[1]), listed(expected[1] - dt.timedelta(days=1)))

    assert shown == expected
    assert quoted == (standard.earliest, standard.latest) == expected
    assert (api_option["earliest"], api_option["latest"]) == (expected[0].isoformat(), expected[1].isoformat())
    assert (part.delivery_method, part.promised_from, part.promised_to) == ("standard", *expected)
    assert facet == (True, False)  # listed when deliver-by is the promised latest day, not the day before


def test_a_planned_stores_shelf_is_neither_on_the_product_page_nor_in_the_quote(client):
    # The seller's warehouse in Sevilla and units consigned to a planned store in Lyon, next to
    # the buyer: both the page and the quote ship from Sevilla, with the same dates.
    offer, city = _world("Lyon", "Sevilla", "ES")
    store = f.location(None, city_name="Lyon", kind=LocationKind.STORE, name="Comptoir Lyon")
    store.status = LocationStatus.PLANNED
    store.save()
    StockLevel.objects.create(offer=offer, location=store, on_hand=4)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        client.cookies[COOKIE_NAME] = f"FR:{city.pk}"
        [row] = client.get(f"/p/{offer.product_id}/").context["offers"]
        quote = quote_build(
            lines=[LineRequest(offer.pk, 1)], market=Market.objects.get(code="FR"),
            destination=destination_point(country="FR", postcode=LYON.postcode, city=LYON.city),
        )
    [group] = quote.groups
    assert (row["offer"].location_id, row["offer"].available) == (group.location_id, 5)
    assert group.location_name == "Seller in Sevilla Sevilla" and group.lines[0].available == 5
    assert (row["offer"].promise.latest, group.chosen.latest) == (D(2026, 3, 11), D(2026, 3, 11))
