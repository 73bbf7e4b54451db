"""What buyers and clerks are shown never counts an expired reservation as held, even before
the next take or the periodic tidy-up released it (issue 10: "ignored by the availability shown")."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.tests import factories as f
from comptoir.stores import sales_selectors, selectors, services
from comptoir.web.middleware import COOKIE_NAME

from .till_factories import on_shelf, setup

pytestmark = pytest.mark.django_db


def _shown(client, store, offer) -> dict[str, object]:
    """The unit counts of the offer on each place that shows them."""
    api = client.get(f"/api/v1/stores/{store.slug}/stock").json()
    api_units = [o["units"] for item in api["items"] for o in item["offers"] if o["offer_id"] == offer.pk]
    page = client.get(f"/stores/{store.slug}/")
    shelf_units = [r["item"].units for r in page.context["shelf_rows"] if r["item"].product_id == offer.product_id]
    product = client.get(f"/p/{offer.product_id}/")
    in_store = [(r["offer"].available, r["offer"].store_name) for r in product.context["offers"] if r["offer"].offer_id == offer.pk]
    till_search = [lv.units_free for lv in sales_selectors.shelf_search(store=store, q=offer.product.gtin)]
    return {"api": api_units, "store_shelf": shelf_units, "product_page": in_store, "till_search": till_search}


def test_an_expired_reservation_is_not_counted_in_the_availability_shown_before_any_tidy_up(client):
    store, _clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller, units=2)
    StockLevel.objects.filter(offer=offer).exclude(pk=level.pk).delete()  # only the shelf's units
    client.cookies[COOKIE_NAME] = f"ES:{store.location.city_id}"
    client.cookies["django_language"] = "en"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        reservation = services.reservation_create(buyer=f.user(), store=store, offer_id=offer.pk)
        assert _shown(client, store, offer) == {
            "api": [1], "store_shelf": [1], "product_page": [(1, store.location.name)], "till_search": [1],
        }
    with time_machine.travel(start + timedelta(hours=48, seconds=1), tick=False):
        # No take and no tidy-up ran: the hold is still active and counted in the level's `held`…
        assert Hold.objects.get(pk=reservation.hold_id).state == "active"
        assert StockLevel.objects.filter(pk=level.pk).values_list("on_hand", "held").get() == (2, 1)
        # …yet every place shows both units free.
        assert _shown(client, store, offer) == {
            "api": [2], "store_shelf": [2], "product_page": [(2, store.location.name)], "till_search": [2],
        }


def test_a_unit_whose_only_hold_is_an_expired_reservation_is_shown_again():
    store, _clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller, units=1)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.reservation_create(buyer=f.user(), store=store, offer_id=offer.pk)
        assert [lv.pk for lv in sales_selectors.shelf_search(store=store, q=offer.product.gtin)] == []
        assert list(selectors.store_public_stock(store=store)) == []
    with time_machine.travel(start + timedelta(hours=49), tick=False):
        assert [(lv.pk, lv.units_free) for lv in selectors.store_public_stock(store=store)] == [(level.pk, 1)]
        assert [(lv.pk, lv.units_free) for lv in sales_selectors.shelf_search(store=store, q=offer.product.gtin)] == [(level.pk, 1)]
