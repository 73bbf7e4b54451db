"""The "Sell on Comptoir" wizard and the operator's review queue, through the pages."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from comptoir.orders.tests import factories as f
from comptoir.sellers.models import Seller, SellerMember
from comptoir.sellers.tests.factories import make_city

pytestmark = pytest.mark.django_db

ENTITY_IT = {"country": "IT", "legal_name": "Bottega Verdi S.r.l.", "display_name": "Bottega Verdi", "legal_form": "S.r.l.",
             "company_id": "00743110157", "vat_number": "00743110157"}


@pytest.fixture
def milano():
    return make_city(name="Milano", country="IT", geonames_id=3173435, lat=45.4643, lon=9.1895, postcode="20121")


def _account(c, email="owner@verdi.it"):
    """The account step: the e-mail's link, then a password; lands on the wizard's next step."""
    r = c.post("/sell/apply/account/", {"email": email})
    assert r.status_code == 200 and 'id="signup-sent"' in r.content.decode()
    link = re.search(r"http://testserver(/accounts/signup/\S+)", mail.outbox[-1].body).group(1)
    form = c.get(link, follow=True)
    r = c.post(form.redirect_chain[-1][0], {"new_password1": "a-Long-pass-9876", "new_password2": "a-Long-pass-9876"})
    assert r.status_code == 302 and r["Location"] == "/sell/apply/entity/"
    return c


def _through_wizard(c, *, entity=ENTITY_IT, iban="IT60X0542811101000000123456"):
    _account(c)
    r = c.post("/sell/apply/entity/", entity)
    assert r.status_code == 302, r.content.decode()[:3000]
    r = c.post("/sell/apply/payout/", {"iban": iban})
    assert r.status_code == 302
    r = c.post("/sell/apply/warehouse/", {"address": "Via Roma 1", "postcode": "20121", "city": "milano", "language": "en"})
    assert r.status_code == 302 and r["Location"] == "/sell/apply/review/"
    return c


def test_wizard_registers_a_pending_italian_seller_with_its_owner(milano):
    c = _through_wizard(Client())
    review = c.get("/sell/apply/review/").content.decode()
    assert "Via Roma 1, 20121 Milano" in review and "IT00743110157" in review
    r = c.post("/sell/apply/review/")
    assert r.status_code == 302 and r["Location"] == "/sell/apply/done/"
    s = Seller.objects.get()
    assert (s.status, s.country, s.vat_number, s.company_id, s.iban, s.city_id, s.language, s.legal_form) == (
        "pending", "IT", "IT00743110157", "00743110157", "IT60X0542811101000000123456", milano.pk, "en", "S.r.l.")
    assert SellerMember.objects.get(seller=s).user.email == "owner@verdi.it"
    assert "pending review" in c.get("/seller/").content.decode()


def _neutral(response, email: str) -> str:
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", html)  # the CSRF tokens


def test_account_step_answers_the_same_whether_or_not_the_email_has_an_account():
    ana = f.user("ana@example.com")
    new = Client().post("/sell/apply/account/", {"email": "new@example.com"})
    existing = Client().post("/sell/apply/account/", {"email": "Ana@Example.com"})
    assert new.status_code == existing.status_code == 200
    assert _neutral(new, "new@example.com") == _neutral(existing, "ana@example.com")
    assert "already" not in existing.content.decode()
    assert [m.to for m in mail.outbox] == [["new@example.com"], ["ana@example.com"]]
    assert re.search(r"/accounts/signup/\S+\?next=%2Fsell%2Fapply%2Fentity%2F", mail.outbox[0].body)
    assert "http://testserver/accounts/login/?next=%2Fsell%2Fapply%2Fentity%2F" in mail.outbox[1].body
    ana.refresh_from_db()
    assert ana.has_usable_password() and not get_user_model().objects.get(username="new@example.com").has_usable_password()
    assert Client().get("/sell/apply/entity/")["Location"] == "/sell/apply/account/"  # not signed in by the answer


def test_an_existing_account_signs_in_from_the_email_and_continues_the_wizard():
    f.user("ana@example.com")
    c = Client()
    c.post("/sell/apply/account/", {"email": "ana@example.com"})
    login_path = re.search(r"http://testserver(/accounts/login/\S+)", mail.outbox[-1].body).group(1)
    r = c.post(login_path, {"username": "ana@example.com", "password": "correct-horse-battery"})
    assert (r.status_code, r["Location"]) == (302, "/sell/apply/entity/")
    assert c.get("/sell/apply/entity/").status_code == 200


def test_the_signup_link_opened_in_another_browser_still_continues_the_wizard():
    Client().post("/sell/apply/account/", {"email": "new@example.com"})
    link = re.search(r"http://testserver(/accounts/signup/\S+)", mail.outbox[-1].body).group(1)
    other = Client()
    form = other.get(link, follow=True)
    r = other.post(form.redirect_chain[-1][0], {"new_password1": "a-Long-pass-9876", "new_password2": "a-Long-pass-9876"})
    assert (r.status_code, r["Location"]) == (302, "/sell/apply/entity/")


def test_wizard_refuses_a_wrong_partita_iva_on_its_step(milano):
    c = Client()
    _account(c)
    r = c.post("/sell/apply/entity/", {**ENTITY_IT, "company_id": "00743110158"})
    assert r.status_code == 200
    assert "partita IVA 00743110158: the check digits do not match" in r.content.decode()
    assert c.get("/sell/apply/payout/")["Location"] == "/sell/apply/entity/"  # cannot skip ahead
    assert Seller.objects.count() == 0


def test_wizard_refuses_an_iban_with_a_wrong_check_digit(milano):
    c = Client()
    _account(c)
    c.post("/sell/apply/entity/", ENTITY_IT)
    r = c.post("/sell/apply/payout/", {"iban": "IT61 X054 2811 1010 0000 0123 456"})
    assert r.status_code == 200
    assert "IBAN IT61 X054 2811 1010 0000 0123 456: the check digits do not match (checksum error)" in r.content.decode()
    assert Seller.objects.count() == 0


def test_payout_step_tells_a_seller_outside_sepa_to_give_an_eu_account():
    f.city("Shenzhen")
    c = Client()
    _account(c, "a@bright.cn")
    c.post("/sell/apply/entity/", {"country": "CN", "legal_name": "Shenzhen Bright Ltd", "display_name": "Bright", "company_id": "91110000600037341L"})
    html = c.get("/sell/apply/payout/").content.decode()
    assert 'id="outside-sepa"' in html and "give the IBAN of a payment account in the EU" in html


def test_warehouse_city_must_be_a_known_city_of_the_country(milano):
    c = Client()
    _account(c)
    c.post("/sell/apply/entity/", ENTITY_IT)
    c.post("/sell/apply/payout/", {"iban": "IT60X0542811101000000123456"})
    r = c.post("/sell/apply/warehouse/", {"address": "Via Roma 1", "city": "Atlantis", "language": "en"})
    assert "We know no city named Atlantis in Italy" in r.content.decode()
    assert b"<option value=\"Milano\">" in c.get("/sell/cities/?country=IT&city=mil").content


def test_review_queue_is_staff_only():
    buyer = f.user("buyer@example.com")
    c = Client()
    assert c.get("/operator/sellers/").status_code == 302
    c.force_login(buyer)
    assert c.get("/operator/sellers/").status_code == 403


def test_operator_approves_and_the_seller_is_emailed(milano, django_capture_on_commit_callbacks):
    c = _through_wizard(Client())
    c.post("/sell/apply/review/")
    s = Seller.objects.get()
    op = Client()
    op.force_login(f.user("op@comptoir.test", is_staff=True))
    html = op.get("/operator/sellers/").content.decode()
    assert f'id="application-{s.pk}"' in html and html.count("✓ passed") == 5
    # a non-staff user cannot approve
    assert c.post(f"/operator/sellers/{s.pk}/approve/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        r = op.post(f"/operator/sellers/{s.pk}/approve/")
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.status == "approved"
    assert [m.subject for m in mail.outbox] == ["Finish creating your Comptoir account", "Your shop Bottega Verdi is open on Comptoir"]
    assert "No application waits for review." in op.get("/operator/sellers/").content.decode()
    assert op.post(f"/operator/sellers/{s.pk}/approve/").status_code == 404  # no longer pending


def test_operator_rejects_with_a_reason(milano, django_capture_on_commit_callbacks):
    c = _through_wizard(Client())
    c.post("/sell/apply/review/")
    s = Seller.objects.get()
    op = Client()
    op.force_login(f.user("op@comptoir.test", is_staff=True))
    op.post(f"/operator/sellers/{s.pk}/reject/", {"reason": ""})
    assert Seller.objects.get(pk=s.pk).status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        op.post(f"/operator/sellers/{s.pk}/reject/", {"reason": "Unknown company."})
    s.refresh_from_db()
    assert (s.status, s.review_reason) == ("rejected", "Unknown company.")
    assert "Unknown company." in mail.outbox[-1].body
    assert "Your application was not approved: Unknown company." in c.get("/seller/").content.decode()
