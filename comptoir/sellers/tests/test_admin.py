import pytest

from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.services import apikey_create

from .factories import register

pytestmark = pytest.mark.django_db


def test_seller_admin_pages_render(admin_client):
    seller = register()
    apikey_create(seller=seller, name="ERP")
    for url in [
        "/admin/sellers/seller/",
        "/admin/sellers/seller/?status__exact=pending&country=FR",
        f"/admin/sellers/seller/{seller.pk}/change/",
        "/admin/sellers/seller/add/",
        "/admin/sellers/sellermember/",
        "/admin/sellers/apikey/",
        f"/admin/sellers/apikey/{seller.api_keys.get().pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/sellers/apikey/add/").status_code == 403


def test_admin_approve_then_suspend_actions_call_services(admin_client):
    first, second = register(display_name="One"), register(display_name="Two")
    response = admin_client.post(
        "/admin/sellers/seller/", {"action": "approve_sellers", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "2 sellers approved." in response.text
    assert set(Seller.objects.values_list("status", flat=True)) == {SellerStatus.APPROVED}

    response = admin_client.post("/admin/sellers/seller/", {"action": "approve_sellers", "_selected_action": [first.pk]}, follow=True)
    assert "One: A seller cannot go from Approved to Approved." in response.text

    admin_client.post("/admin/sellers/seller/", {"action": "suspend_sellers", "_selected_action": [first.pk]})
    assert Seller.objects.get(pk=first.pk).status == SellerStatus.SUSPENDED


def _form(**overrides):
    data = {
        "legal_name": "Atelier SAS", "display_name": "Atelier", "slug": "atelier", "country": "FR",
        "address": "", "postcode": "", "city": "", "vat_number": "FR40303265045", "company_id": "732829320",
        "iban": "", "commission_bp": "", "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_form_validates_identity_with_the_same_checks(admin_client):
    response = admin_client.post("/admin/sellers/seller/add/", _form(vat_number="FR41303265045"))
    assert response.status_code == 200
    assert "VAT number FR41303265045: the check digits do not match (checksum error); check for a typo." in response.text
    assert Seller.objects.count() == 0

    response = admin_client.post("/admin/sellers/seller/add/", _form(vat_number="fr 403 032 650 45", company_id="732 829 320"))
    assert response.status_code == 302
    seller = Seller.objects.get()
    assert (seller.vat_number, seller.company_id, seller.status) == ("FR40303265045", "732829320", SellerStatus.PENDING)
