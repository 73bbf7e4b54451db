"""In Chromium: a buyer near Madrid filters "in a store within 25 km"; the only pair of shoes on
the shelf of Comptoir Getafe is reserved by someone else, so nothing is found; 48 hours later,
with no worker and no tidy-up run, the same page shows the shoes "In store, 13 km" again."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import Hold, HoldState, Offer, StockLevel
from comptoir.markets.models import City
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.web.middleware import COOKIE_NAME
from comptoir.web.tests.test_store_pages import shop  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]
T0 = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


def test_a_reserved_unit_is_back_on_the_category_page_when_the_reservation_expires(live_server, page, screenshot, shop):  # noqa: F811
    offer = Offer.objects.get(product=shop["red"])
    StockLevel.objects.filter(offer=offer).delete()
    StockLevel.objects.create(offer=offer, location=shop["getafe"].location, on_hand=1)
    listing_refresh([shop["red"].pk])
    url = f"{live_server.url}/c/shoes/?store_km=25"
    page.context.add_cookies([
        {"name": COOKIE_NAME, "value": f"ES:{City.objects.get(name='Madrid').pk}", "url": live_server.url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
    ])
    with time_machine.travel(T0, tick=False):
        reservation = services.reservation_create(buyer=f.user(), store=shop["getafe"], offer_id=offer.pk)
        page.goto(url)
        assert page.locator(".card").count() == 0
        screenshot(page, "expiring-reservation-before")
    with time_machine.travel(T0 + timedelta(hours=48, seconds=1), tick=False):
        assert Hold.objects.get(pk=reservation.hold_id).state == HoldState.ACTIVE  # nothing released it
        page.goto(url)
        card = page.locator(".card", has_text="Red running shoes")
        card.wait_for()
        assert "In store, 13\xa0km" in card.inner_text()
        screenshot(page, "expiring-reservation-after")
