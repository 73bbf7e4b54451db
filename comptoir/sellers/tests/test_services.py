import pytest
from django.contrib.auth import get_user_model

from comptoir.sellers.errors import IllegalTransition, SellerInvalid
from comptoir.sellers.models import ApiKey, Seller, SellerMember, SellerStatus
from comptoir.sellers.selectors import seller_is_visible, sellers_of_user, sellers_visible, sellers_visible_q
from comptoir.sellers.services import (
    apikey_authenticate,
    apikey_create,
    apikey_revoke,
    seller_commission_set,
    seller_status_change,
)

from .factories import VALID_ES, make_city, register

pytestmark = pytest.mark.django_db


def test_register_creates_pending_seller_with_compact_identity_and_city_coordinates():
    user = get_user_model().objects.create_user("owner", password="x")
    lyon = make_city()
    seller = register(vat_number="fr 40 303265045", company_id="732 829 320", iban="FR14 2004 1010 0505 0001 3M02 606", city=lyon, owner_user=user)
    seller.refresh_from_db()
    assert seller.status == SellerStatus.PENDING
    assert (seller.vat_number, seller.company_id, seller.iban) == ("FR40303265045", "732829320", "FR1420041010050500013M02606")
    assert (seller.latitude, seller.longitude, seller.postcode) == (45.74906, 4.84789, "69001")
    assert seller.slug == "atelier-lumiere"
    assert SellerMember.objects.get(seller=seller).user == user
    assert list(sellers_of_user(user=user)) == [seller]


def test_register_makes_slugs_unique():
    assert [register().slug, register().slug, register().slug] == ["atelier-lumiere", "atelier-lumiere-2", "atelier-lumiere-3"]


def test_register_spanish_seller_without_iban():
    seller = register(display_name="Cerámica Sevilla", **VALID_ES)
    assert (seller.country, seller.company_id, seller.iban) == ("ES", "B58378431", "")


def test_register_reports_every_bad_field_and_writes_nothing():
    with pytest.raises(SellerInvalid) as exc:
        register(display_name="", vat_number="FR41303265045", company_id="732829321", iban="FR1520041010050500013M02606")
    assert set(exc.value.errors) == {"display_name", "vat_number", "company_id", "iban"}
    assert exc.value.codes == {
        "display_name": "display_name_required",
        "vat_number": "vat_number_checksum",
        "company_id": "company_id_checksum",
        "iban": "iban_checksum",
    }
    assert Seller.objects.count() == 0


def test_register_refuses_city_of_another_country_and_unknown_country():
    with pytest.raises(SellerInvalid) as exc:
        register(city=make_city(name="Sevilla", country="ES", geonames_id=2510911, postcode=""))
    assert exc.value.errors == {"city": "Sevilla is not in the seller's country (FR)."}
    with pytest.raises(SellerInvalid) as exc:
        register(country="XX")
    assert exc.value.codes == {"country": "unknown_country"}
    assert Seller.objects.count() == 0


def test_non_eu_seller_needs_uscc_but_no_vat_number():
    seller = register(display_name="Shenzhen Goods", country="CN", vat_number="", company_id="91110000600037341L", iban="")
    assert (seller.country, seller.vat_number) == ("CN", "")


def test_state_machine_pending_approved_suspended_approved():
    seller = register()
    assert not seller_is_visible(seller)
    seller_status_change(seller=seller, target=SellerStatus.APPROVED)
    assert Seller.objects.get(pk=seller.pk).status == SellerStatus.APPROVED
    assert seller_is_visible(seller)
    seller_status_change(seller=seller, target=SellerStatus.SUSPENDED)
    assert Seller.objects.get(pk=seller.pk).status == SellerStatus.SUSPENDED
    assert not seller_is_visible(seller)
    seller_status_change(seller=seller, target=SellerStatus.APPROVED)
    assert Seller.objects.get(pk=seller.pk).status == SellerStatus.APPROVED


def test_illegal_transitions_are_refused():
    seller = register()
    with pytest.raises(IllegalTransition) as exc:
        seller_status_change(seller=seller, target=SellerStatus.SUSPENDED)
    assert (exc.value.code, exc.value.status, exc.value.message) == ("illegal_transition", 409, "A seller cannot go from Pending review to Suspended.")
    seller_status_change(seller=seller, target=SellerStatus.APPROVED)
    with pytest.raises(IllegalTransition, match="from Approved to Approved"):
        seller_status_change(seller=seller, target=SellerStatus.APPROVED)
    assert Seller.objects.get(pk=seller.pk).status == SellerStatus.APPROVED


def test_only_approved_sellers_are_visible():
    pending, approved, suspended = register(display_name="P"), register(display_name="A"), register(display_name="S")
    seller_status_change(seller=approved, target=SellerStatus.APPROVED)
    seller_status_change(seller=suspended, target=SellerStatus.APPROVED)
    seller_status_change(seller=suspended, target=SellerStatus.SUSPENDED)
    assert list(sellers_visible()) == [approved]
    assert list(Seller.objects.filter(sellers_visible_q())) == [approved]
    assert list(SellerMember.objects.filter(sellers_visible_q("seller__"))) == []


def test_commission_override():
    seller = register()
    assert seller_commission_set(seller=seller, commission_bp=850).commission_bp == 850
    assert Seller.objects.get(pk=seller.pk).commission_bp == 850
    with pytest.raises(SellerInvalid):
        seller_commission_set(seller=seller, commission_bp=10_001)
    assert seller_commission_set(seller=seller, commission_bp=None).commission_bp is None


def test_api_key_secret_is_shown_once_and_only_its_hash_stored():
    seller = register()
    key, secret = apikey_create(seller=seller, name="ERP")
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in stored.hashed_secret and stored.hashed_secret.startswith("sha256$")
    assert apikey_authenticate(secret=secret) == key
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None
    assert apikey_authenticate(secret=secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert apikey_authenticate(secret="garbage") is None
    apikey_revoke(key=key)
    assert apikey_authenticate(secret=secret) is None
