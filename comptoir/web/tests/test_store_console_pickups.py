"""Click & collect in the store console and the API: each page and endpoint works for the
store's staff and is refused to the staff of another store (404), a clerk unlocking (403)."""
import pytest
from django.test import Client
from django.urls import reverse

from comptoir.api.auth import token_create
from comptoir.orders.models import Pickup, PickupState
from comptoir.orders.tests import factories as f
from comptoir.stores.tests.pickup_helpers import place_collect, scene

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    s = scene(shelf_units=2)
    order = place_collect(s)
    return s, order.parts.get()


def test_the_clerk_prepares_and_hands_over_from_the_console(world, django_capture_on_commit_callbacks):
    s, part = world
    clerk = _client(s.clerk)
    listing = clerk.get(reverse("store_console:pickups", args=[s.store.slug]))
    assert listing.status_code == 200 and part.number in listing.content.decode()
    detail_url = reverse("store_console:pickup", args=[s.store.slug, part.number])
    with django_capture_on_commit_callbacks(execute=True):
        r = clerk.post(reverse("store_console:pickup_ready", args=[s.store.slug, part.number]))
    assert r.status_code == 302 and Pickup.objects.get().state == PickupState.READY
    code = Pickup.objects.get().code
    wrong = clerk.post(detail_url, {"code": "AAAAAA" if code != "AAAAAA" else "CCCCCC"})
    assert wrong.status_code == 400 and "Wrong code for this order (4 tries left" in wrong.content.decode()
    ok = clerk.post(detail_url, {"code": code})
    assert ok.status_code == 302 and Pickup.objects.get().state == PickupState.HANDED_OVER
    done = clerk.get(reverse("store_console:pickups", args=[s.store.slug]) + "?tab=done")
    assert part.number in done.content.decode()


def test_staff_of_another_store_get_404_on_every_pickup_page(world):
    s, part = world
    other = _client(s.other_clerk)
    slug = s.store.slug
    for name, args in (("pickups", [slug]), ("pickup", [slug, part.number])):
        assert other.get(reverse(f"store_console:{name}", args=args)).status_code == 404
    for name in ("pickup", "pickup_ready", "pickup_unlock"):
        assert other.post(reverse(f"store_console:{name}", args=[slug, part.number]), {"code": "AAAAAA"}).status_code == 404
    # Through their own store, the other store's pickup does not exist either.
    assert other.get(reverse("store_console:pickup", args=[s.other_store.slug, part.number])).status_code == 404
    assert Pickup.objects.get().state == PickupState.TO_PREPARE
    assert _client(s.clerk).post(reverse("store_console:pickup_unlock", args=[slug, part.number])).status_code == 403


def test_the_api_lists_readies_hands_over_and_unlocks_for_staff_tokens(world, django_capture_on_commit_callbacks):
    s, part = world
    api = Client()
    base = f"/api/v1/stores/{s.store.slug}/pickups"
    listed = api.get(base + "?state=to_prepare", **_bearer(s.clerk)).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == part.number and listed["items"][0]["method"] == "pickup_shelf"
    with django_capture_on_commit_callbacks(execute=True):
        ready = api.post(f"{base}/{part.number}/ready", **_bearer(s.clerk))
    assert ready.status_code == 200 and ready.json()["state"] == "ready"
    code = Pickup.objects.get().code
    wrong = "AAAAAA" if code != "AAAAAA" else "CCCCCC"
    statuses = [api.post(f"{base}/{part.number}/hand-over", {"code": wrong}, content_type="application/json", **_bearer(s.clerk)).status_code
                for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 423]
    locked = api.post(f"{base}/{part.number}/hand-over", {"code": code}, content_type="application/json", **_bearer(s.clerk))
    assert locked.status_code == 423 and locked.json()["code"] == "pickup_locked"
    assert api.post(f"{base}/{part.number}/unlock", **_bearer(s.clerk)).json()["code"] == "store_forbidden"
    unlocked = api.post(f"{base}/{part.number}/unlock", **_bearer(s.manager))
    assert unlocked.status_code == 200 and (unlocked.json()["wrong_codes"], unlocked.json()["locked"]) == (0, False)
    done = api.post(f"{base}/{part.number}/hand-over", {"code": code}, content_type="application/json", **_bearer(s.clerk))
    assert done.status_code == 200 and done.json()["state"] == "handed_over"


def test_the_api_refuses_staff_of_another_store_and_anonymous_callers(world):
    s, part = world
    api = Client()
    base = f"/api/v1/stores/{s.store.slug}/pickups"
    assert api.get(base).status_code == 401
    assert api.get(base, **_bearer(s.other_clerk)).json()["code"] == "store_not_found"
    for action in ("ready", "unlock"):
        r = api.post(f"{base}/{part.number}/{action}", **_bearer(s.other_clerk))
        assert (r.status_code, r.json()["code"]) == (404, "store_not_found")
    r = api.post(f"{base}/{part.number}/hand-over", {"code": "AAAAAA"}, content_type="application/json", **_bearer(s.other_clerk))
    assert (r.status_code, r.json()["code"]) == (404, "store_not_found")
    own = api.post(f"/api/v1/stores/{s.other_store.slug}/pickups/{part.number}/ready", **_bearer(s.other_clerk))
    assert (own.status_code, own.json()["code"]) == (404, "not_found")
    assert Pickup.objects.get().state == PickupState.TO_PREPARE
    assert f.user()  # a buyer without a store sees none either


def test_console_times_are_the_stores_own_and_a_shelf_pickup_not_ready_in_2_opening_hours_is_late():
    """The server runs on Europe/Paris; this store keeps Canary time (one hour behind) and
    opens 10:00–20:00: ordered at 10:30 its time, the order is due ready at 12:30 its time."""
    import datetime as dt

    import time_machine
    from zoneinfo import ZoneInfo

    from comptoir.inventory.models import StockLocation

    canary = ZoneInfo("Atlantic/Canary")
    s = scene(shelf_units=2)
    StockLocation.objects.filter(pk=s.store.location_id).update(time_zone="Atlantic/Canary")
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 30, tzinfo=canary), tick=False):  # a Wednesday
        part = place_collect(s).parts.get()
    clerk = _client(s.clerk)
    url = reverse("store_console:pickups", args=[s.store.slug])
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=canary), tick=False):
        html = clerk.get(url).content.decode()
    row = html[html.index(f'data-number="{part.number}"'):]
    row = row[:row.index("</tr>")]
    assert "10:30" in row and "11:30" not in row  # ordered at 10:30 store time (11:30 in Paris)
    assert "ready by" in row and "12:30" in row and "13:30" not in row
    assert "Late" not in row and "Times are the store's (Atlantic/Canary)" in html
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 31, tzinfo=canary), tick=False):
        html = clerk.get(url).content.decode()
    row = html[html.index(f'data-number="{part.number}"'):]
    assert 'class="late"' in row[:200] and "Late</span>" in row[:row.index("</tr>")]
    # the pickup's own page shows the store's time too
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 31, tzinfo=canary), tick=False):
        detail = clerk.get(reverse("store_console:pickup", args=[s.store.slug, part.number])).content.decode()
    assert "10:30" in detail and "11:30" not in detail


def test_the_sellers_orders_page_offers_no_accept_on_a_shelf_pickup_and_says_the_store_prepares_it(world):
    s, part = world
    html = _client(s.seller_user).get(reverse("checkout:seller_orders")).content.decode()
    accept_url = reverse("checkout:seller_order_action", args=[part.number, "accept"])
    assert part.number in html
    assert accept_url not in html
    assert "Collected from a store's shelf: the store prepares it." in html
