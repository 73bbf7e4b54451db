"""Partners (identity checked per country), stores on a stock location, status changes, staff."""
import datetime as dt

import pytest

from comptoir.inventory.models import LocationKind, LocationStatus, OpeningHours, OfferPoint
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.orders.tests import factories as f
from comptoir.stores import errors, services
from comptoir.stores.models import Partner, PartnerMember, StaffRole, StoreStaff
from comptoir.stores.services import LineCount, UnitsLine

from . import factories as sf

pytestmark = pytest.mark.django_db


def test_partner_identity_is_checked_and_stored_compact(markets):
    p = services.partner_create(
        legal_name=" Tiendas Sur SL ", country="es", vat_number="ES B58378431", company_id="B-58378431",
        iban="ES91 2100 0418 4502 0005 1332", share_bp=4000,
    )
    assert (p.legal_name, p.country, p.vat_number, p.company_id, p.iban, p.share_bp) == (
        "Tiendas Sur SL", "ES", "ESB58378431", "B58378431", "ES9121000418450200051332", 4000
    )


def test_partner_with_bad_identity_reports_every_field_and_writes_nothing(markets):
    with pytest.raises(errors.PartnerInvalid) as exc:
        services.partner_create(legal_name="", country="FR", vat_number="FR00000000000", company_id="732829321", iban="", share_bp=12000)
    assert set(exc.value.errors) == {"legal_name", "share_bp", "iban", "vat_number", "company_id"}
    assert exc.value.codes["company_id"] == "company_id_checksum"
    assert Partner.objects.count() == 0


def test_partner_members(markets):
    p = services.partner_create(legal_name="Boutiques Paris SAS", country="FR", vat_number="FR40303265045", company_id="303265045", iban="FR1420041010050500013M02606")
    u = f.user()
    services.partner_member_add(partner=p, user=u)
    services.partner_member_add(partner=p, user=u)
    assert PartnerMember.objects.filter(partner=p).count() == 1
    assert services.partner_member_remove(partner=p, user=u) == 1


def test_store_create_makes_a_store_location_with_hours(markets):
    madrid = f.city("Madrid")
    store = services.store_create(
        market=f.market("ES"), name="Comptoir Madrid Centro", city=madrid, address="Calle de Preciados 9", time_zone="Europe/Madrid",
        hours=[(0, dt.time(10), dt.time(14)), (0, dt.time(16), dt.time(20)), (5, dt.time(10), dt.time(21))],
    )
    loc = store.location
    assert (store.slug, loc.kind, loc.status, loc.seller_id, loc.country, loc.postcode) == (
        "comptoir-madrid-centro", LocationKind.STORE, LocationStatus.PLANNED, None, "ES", "28001"
    )
    assert (loc.latitude, loc.longitude) == (madrid.latitude, madrid.longitude)
    assert list(OpeningHours.objects.filter(location=loc).values_list("weekday", "opens", "closes")) == [
        (0, dt.time(10), dt.time(14)), (0, dt.time(16), dt.time(20)), (5, dt.time(10), dt.time(21))
    ]
    again = services.store_create(market=f.market("ES"), name="Comptoir Madrid Centro", city=madrid, address="x", time_zone="Europe/Madrid")
    assert again.slug == "comptoir-madrid-centro-2"


@pytest.mark.parametrize("kwargs, field", [
    (dict(city_name="Lyon"), "city"),
    (dict(time_zone="Mars/Olympus"), "time_zone"),
    (dict(hours=[(7, dt.time(9), dt.time(10))]), "hours"),
    (dict(hours=[(1, dt.time(12), dt.time(10))]), "hours"),
    (dict(hours=[(1, dt.time(9), dt.time(13)), (1, dt.time(12), dt.time(18))]), "hours"),
    (dict(address=""), "address"),
])
def test_store_create_refuses_bad_input(markets, kwargs, field):
    args = dict(market=f.market("ES"), name="S", city=f.city(kwargs.pop("city_name", "Madrid")), address="Calle 1", time_zone="Europe/Madrid") | kwargs
    with pytest.raises(errors.StoreInvalid) as exc:
        services.store_create(**args)
    assert exc.value.field == field


def test_store_status_lifecycle(markets):
    store = sf.store(status=LocationStatus.PLANNED)
    assert services.store_open(store=store).location.status == LocationStatus.OPEN
    assert services.store_close(store=store).location.status == LocationStatus.CLOSED
    with pytest.raises(errors.StoreTransitionRefused):
        services.store_close(store=store)
    assert services.store_open(store=store).location.status == LocationStatus.OPEN


def test_closing_a_store_refreshes_the_listing_of_its_shelf(markets):
    store = sf.store()
    manager = sf.staff(store, role=StaffRole.MANAGER)
    seller, seller_user, warehouse, (a, b) = sf.seller_with_stock(stock=5)
    c = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 5)], user=seller_user)
    services.consignment_accept(consignment=c, user=manager)
    services.consignment_ship(consignment=c, user=seller_user)
    services.consignment_receive(consignment=c, user=manager, counts=[LineCount(c.lines.get().pk, 5)])
    listing_refresh([a.product_id])
    assert OfferPoint.objects.filter(offer_id=a.pk, location_id=store.location_id).exists()
    services.store_close(store=store)  # the shelf leaves the listing in the closing transaction
    assert not OfferPoint.objects.filter(offer_id=a.pk, location_id=store.location_id).exists()
    assert not OfferPoint.objects.filter(offer_id=a.pk, location_id=warehouse.pk).exists()  # its 5 units all went to the shelf
    services.store_open(store=store)
    assert list(OfferPoint.objects.filter(offer_id=a.pk).values_list("location_id", "available")) == [(store.location_id, 5)]


def test_staff_roles(markets):
    store = sf.store()
    u = f.user()
    services.store_staff_add(store=store, user=u, role=StaffRole.CLERK)
    services.store_staff_add(store=store, user=u, role=StaffRole.MANAGER)
    assert list(StoreStaff.objects.filter(store=store).values_list("user", "role")) == [(u.pk, "manager")]
    with pytest.raises(errors.StaffRoleInvalid):
        services.store_staff_add(store=store, user=u, role="owner")
    assert services.store_staff_remove(store=store, user=u) == 1
