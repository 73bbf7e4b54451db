"""Operator admin: partners checked like sellers, stores with hours inline, status by action,
consignments and the audit trail read-only."""
import pytest
from django.urls import reverse

from comptoir.inventory.models import LocationKind, LocationStatus
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import Partner, StaffRole, StockCorrection, StoreSite
from comptoir.stores.services import LineCount, UnitsLine

from . import factories as sf

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, markets):
    client.force_login(f.user(is_staff=True, is_superuser=True))
    return client


def test_admin_pages_open(operator):
    store = sf.store("Madrid Centro")
    manager = sf.staff(store, role=StaffRole.MANAGER)
    seller, user, wh, (a, _b) = sf.seller_with_stock()
    c = services.consignment_propose(seller=seller, store=store, warehouse=wh, lines=[UnitsLine(a.pk, 2)], user=user)
    services.consignment_accept(consignment=c, user=manager)
    services.consignment_ship(consignment=c, user=user)
    services.consignment_receive(consignment=c, user=manager, counts=[LineCount(c.lines.get().pk, 2)])
    for url in (
        reverse("admin:stores_partner_changelist"), reverse("admin:stores_partner_add"),
        reverse("admin:stores_storesite_changelist"), reverse("admin:stores_storesite_change", args=[store.location_id]),
        reverse("admin:stores_storesite_add"), reverse("admin:stores_storestaff_changelist"),
        reverse("admin:stores_consignment_changelist"), reverse("admin:stores_consignment_change", args=[c.pk]),
        reverse("admin:stores_stockcorrection_changelist"),
    ):
        assert operator.get(url).status_code == 200, url
    html = operator.get(reverse("admin:stores_storesite_change", args=[store.location_id])).content.decode()
    assert "Opening hours" in html and "Closed days" in html
    assert operator.get(reverse("admin:stores_consignment_add")).status_code == 403
    assert operator.post(reverse("admin:stores_stockcorrection_delete", args=[StockCorrection.objects.first().pk]), {"post": "yes"}).status_code == 403


def test_admin_partner_identity_is_checked(operator):
    data = {"legal_name": "Tiendas Sur SL", "country": "ES", "vat_number": "ESB58378432", "company_id": "B58378431",
            "iban": "ES9121000418450200051332", "share_bp": 5000, "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0}
    r = operator.post(reverse("admin:stores_partner_add"), data)
    assert r.status_code == 200 and "checksum" in r.content.decode() and Partner.objects.count() == 0
    r = operator.post(reverse("admin:stores_partner_add"), data | {"vat_number": "es b58378431"})
    assert r.status_code == 302
    assert Partner.objects.get().vat_number == "ESB58378431"


def test_admin_closes_and_opens_stores_through_the_services(operator):
    store = sf.store("Madrid Centro")
    url = reverse("admin:stores_storesite_changelist")
    operator.post(url, {"action": "close_stores", "_selected_action": [store.location_id]})
    assert StoreSite.objects.get(pk=store.location_id).status == LocationStatus.CLOSED
    operator.post(url, {"action": "open_stores", "_selected_action": [store.location_id]})
    assert StoreSite.objects.get(pk=store.location_id).status == LocationStatus.OPEN
    assert StoreSite.objects.get(pk=store.location_id).kind == LocationKind.STORE


def test_admin_pickups_filter_by_store_and_state_search_by_reference_or_code_and_unlock(operator, django_capture_on_commit_callbacks):
    from comptoir.orders.errors import PickupLocked, PickupWrongCode
    from comptoir.orders.models import Pickup, PickupState

    from .pickup_helpers import place_collect, scene

    s = scene(shelf_units=3)
    s.seller_location_id = s.warehouse_level.location_id
    first, second = place_collect(s), place_collect(s)
    number = first.parts.get().number
    with django_capture_on_commit_callbacks(execute=True):
        services.store_pickup_ready(user=s.clerk, store=s.store, number=number)
    pickup = Pickup.objects.get(seller_order__order=first)
    for _ in range(5):
        with pytest.raises((PickupWrongCode, PickupLocked)):
            services.store_pickup_hand_over(user=s.clerk, store=s.store, number=number, code="AAAAAA" if pickup.code != "AAAAAA" else "CCCCCC")
    url = reverse("admin:orders_pickup_changelist")

    def listed(**params) -> set[str]:
        r = operator.get(url, params)
        assert r.status_code == 200
        return {n for n in (first.parts.get().number, second.parts.get().number) if n in r.content.decode()}

    both = {first.parts.get().number, second.parts.get().number}
    assert listed() == both
    assert listed(store=s.store.location_id) == both
    assert listed(store=s.other_store.location_id) == set()
    assert listed(state__exact=PickupState.READY) == {number}
    assert listed(state__exact=PickupState.TO_PREPARE) == {second.parts.get().number}
    assert listed(q=first.reference) == {number}
    assert listed(q=second.parts.get().pickup.code) == {second.parts.get().number}
    assert listed(q="NOPE99") == set()
    # the store filter offers every store, not every stock location
    html = operator.get(url).content.decode()
    assert f"?store={s.other_store.location_id}" in html and f"?store={s.seller_location_id}" not in html
    # read-only: the detail shows the pickup, a POST changes nothing; adding and deleting are refused
    assert operator.get(reverse("admin:orders_pickup_change", args=[pickup.pk])).status_code == 200
    assert operator.get(reverse("admin:orders_pickup_add")).status_code == 403
    assert operator.post(reverse("admin:orders_pickup_delete", args=[pickup.pk]), {"post": "yes"}).status_code == 403
    operator.post(reverse("admin:orders_pickup_change", args=[pickup.pk]), {"state": "handed_over"})
    assert Pickup.objects.get(pk=pickup.pk).state == PickupState.READY
    # the one action: unlock (through the orders service)
    assert Pickup.objects.get(pk=pickup.pk).wrong_codes == 5
    operator.post(url, {"action": "unlock_pickups", "_selected_action": [pickup.pk]})
    assert Pickup.objects.values_list("wrong_codes", "locked_at").get(pk=pickup.pk) == (0, None)
