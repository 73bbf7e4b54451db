"""Seller centre pages: dashboard figures, API keys, team roles, bank details; seller A never
sees nor changes anything of seller B; staff cannot do what only owners may."""
import re

import pytest
from django.core import mail
from django.test import Client

from comptoir.ledger.services import ledger_post_payout
from comptoir.orders.services import seller_order_accept
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import place, shop
from comptoir.sellers.models import ApiKey, Seller, SellerInvitation, SellerMember
from comptoir.sellers.services import apikey_authenticate, apikey_create, member_invite

pytestmark = pytest.mark.django_db


def fr_euros(minor: int) -> str:
    """How the seller centre writes an amount to a French seller (its language): 47,76 €."""
    return f"{minor / 100:.2f}".replace(".", ",") + " €"


def signed_in(user, language: str | None = None) -> Client:
    """A signed-in client; with ``language``, as if the user chose it with the language switch."""
    c = Client()
    c.force_login(user)
    if language:
        c.cookies["django_language"] = language
    return c


@pytest.fixture
def two_sellers():
    """Seller A (owner_a, staff_a) with one accepted order and one placed order; seller B (owner_b)."""
    buyer, a, b, offer_a, _offer_b = shop()
    owner_a, staff_a, owner_b = f.user("owner@a.fr"), f.user("staff@a.fr"), f.user("owner@b.fr")
    SellerMember.objects.create(user=owner_a, seller=a, role="owner")
    SellerMember.objects.create(user=staff_a, seller=a, role="staff")
    SellerMember.objects.create(user=owner_b, seller=b, role="owner")
    Seller.objects.filter(pk=a.pk).update(iban="FR1420041010050500013M02606")
    Seller.objects.filter(pk=b.pk).update(iban="DE89370400440532013000")
    accepted = place(buyer, [(offer_a, 2)]).parts.get()
    seller_order_accept(seller_order_id=accepted.pk, seller=a)
    placed = place(buyer, [(offer_a, 1)]).parts.get()
    return {"a": a, "b": b, "owner_a": owner_a, "staff_a": staff_a, "owner_b": owner_b, "accepted": accepted, "placed": placed}


def test_dashboard_shows_sales_waiting_orders_and_balance(two_sellers):
    d = two_sellers
    html = signed_in(d["owner_a"]).get("/seller/").content.decode()
    total = d["accepted"].total_gross + d["placed"].total_gross
    assert re.search(r'id="sales-total">([^<]+)<', html).group(1).replace("\xa0", " ").replace("\u202f", " ") == fr_euros(total)
    assert '<div class="value" id="waiting-placed">1</div>' in html
    assert '<div class="value" id="waiting-accepted">1</div>' in html
    assert "<svg" in html
    # balance = seller share of the accepted part (20.00 net, 12 % commission = 2.40)
    expected = d["accepted"].total_gross - 240
    assert re.search(r'id="balance-EUR">([^<]+)<', html).group(1).replace("\xa0", " ").replace("\u202f", " ") == fr_euros(expected)


def test_dashboard_of_seller_b_shows_nothing_of_seller_a(two_sellers):
    html = signed_in(two_sellers["owner_b"]).get("/seller/").content.decode()
    assert '<div class="value" id="waiting-placed">0</div>' in html
    assert re.search(r'id="sales-total">([^<]+)<', html).group(1).replace("\xa0", " ") == "0,00 €"


def test_non_members_get_404_and_anonymous_the_login(two_sellers):
    assert Client().get("/seller/").status_code == 302
    nobody = signed_in(f.user("nobody@example.com"))
    for url in ("/seller/", "/seller/team/", "/seller/api-keys/", "/seller/bank/", "/seller/settings/"):
        assert nobody.get(url).status_code == 404, url


def test_switching_to_a_seller_one_is_not_member_of_is_404(two_sellers):
    d = two_sellers
    c = signed_in(d["owner_a"])
    assert c.post(f"/seller/switch/{d['b'].pk}/").status_code == 404
    assert d["a"].display_name in c.get("/seller/").content.decode()


def test_the_keyboard_switch_comes_back_with_the_focus_on_the_switch(two_sellers):
    """comptoir.js posts focus=switch when the keyboard commits the seller switch (WCAG 3.2.2):
    the dashboard of the new seller has autofocus on the switch; a plain switch has none."""
    d = two_sellers
    SellerMember.objects.create(user=d["owner_a"], seller=d["b"], role="staff")
    c = signed_in(d["owner_a"])
    response = c.post(f"/seller/switch/{d['b'].pk}/", {"focus": "switch"})
    assert (response.status_code, response["Location"]) == (302, "/seller/?focus=switch")
    html = c.get(response["Location"]).content.decode()
    assert '<select id="switch-select" data-switch-action autofocus>' in html
    assert '<div class="sc-seller">Boutique Paris</div>' in html
    assert 'name="next" value="/seller/"' in html  # the language switch does not carry the hint
    response = c.post(f"/seller/switch/{d['a'].pk}/")
    assert (response.status_code, response["Location"]) == (302, "/seller/")
    assert '<select id="switch-select" data-switch-action>' in c.get("/seller/").content.decode()


def test_the_order_state_select_gets_the_focus_back_after_its_reload(two_sellers):
    c = signed_in(two_sellers["owner_a"])
    assert '<select name="state" data-autosubmit autofocus>' in c.get("/seller/orders/", {"state": "placed", "focus": "state"}).content.decode()
    assert '<select name="state" data-autosubmit>' in c.get("/seller/orders/", {"state": "placed"}).content.decode()


@pytest.mark.parametrize("url", ["/seller/bank/", "/seller/api-keys/"])
def test_staff_cannot_open_owner_pages(two_sellers, url):
    assert signed_in(two_sellers["staff_a"]).get(url).status_code == 403


def test_staff_never_sees_the_iban(two_sellers):
    c = signed_in(two_sellers["staff_a"])
    for url in ("/seller/", "/seller/team/", "/seller/settings/"):
        html = c.get(url).content.decode()
        assert "FR1420041010050500013M02606" not in html and 'id="nav-bank"' not in html, url


def test_owner_changes_the_iban_and_a_wrong_check_digit_keeps_the_old_one(two_sellers):
    d = two_sellers
    c = signed_in(d["owner_a"])
    c.cookies["django_language"] = "en"  # the user's own choice wins over the seller's language
    assert "FR1420041010050500013M02606" in c.get("/seller/bank/").content.decode()
    r = c.post("/seller/bank/", {"iban": "FR1520041010050500013M02606"})
    assert "the check digits do not match" in r.content.decode()
    assert Seller.objects.get(pk=d["a"].pk).iban == "FR1420041010050500013M02606"
    c.post("/seller/bank/", {"iban": "FR76 3000 6000 0112 3456 7890 189"})
    assert Seller.objects.get(pk=d["a"].pk).iban == "FR7630006000011234567890189"
    assert Seller.objects.get(pk=d["b"].pk).iban == "DE89370400440532013000"


def test_api_key_is_shown_once_stored_hashed_and_revocable(two_sellers):
    d = two_sellers
    c = signed_in(d["owner_a"])
    html = c.post("/seller/api-keys/", {"name": "ERP"}).content.decode()
    secret = re.search(r'<p class="sc-secret">(cpt_[^<]+)</p>', html).group(1)
    key = ApiKey.objects.get(seller=d["a"])
    assert secret not in key.hashed_secret and key.hashed_secret.startswith("sha256$")
    assert secret not in c.get("/seller/api-keys/").content.decode()  # shown once
    assert apikey_authenticate(secret=secret).pk == key.pk
    assert "never" not in c.get("/seller/api-keys/").content.decode().split(key.prefix)[1].split("</tr>")[0]
    # seller B cannot revoke A's key
    assert signed_in(d["owner_b"]).post(f"/seller/api-keys/{key.pk}/revoke/").status_code == 404
    assert signed_in(d["staff_a"]).post(f"/seller/api-keys/{key.pk}/revoke/").status_code == 403
    assert apikey_authenticate(secret=secret) is not None
    c.post(f"/seller/api-keys/{key.pk}/revoke/")
    assert apikey_authenticate(secret=secret) is None


def test_api_keys_page_lists_only_the_sellers_own_keys(two_sellers):
    d = two_sellers
    apikey_create(seller=d["b"], name="B's key")
    html = signed_in(d["owner_a"], "en").get("/seller/api-keys/").content.decode()
    assert "B&#x27;s key" not in html and "No API keys yet." in html


def test_owner_invites_staff_who_joins_by_the_emailed_link(two_sellers):
    d = two_sellers
    c = signed_in(d["owner_a"])
    r = c.post("/seller/team/", {"email": "new@a.fr", "role": "staff"})
    assert r.status_code == 302
    [msg] = mail.outbox
    link = re.search(r"http://testserver(/seller/invitations/\S+/)", msg.body).group(1)
    newcomer = f.user("new@a.fr")
    assert signed_in(d["owner_b"]).post(link).status_code == 403  # another address
    r = signed_in(newcomer).post(link)
    assert r.status_code == 302
    assert SellerMember.objects.get(user=newcomer).role == "staff"
    assert signed_in(newcomer).get(link).status_code == 410


def test_staff_cannot_invite_and_seller_b_cannot_touch_as_team(two_sellers):
    d = two_sellers
    assert signed_in(d["staff_a"]).post("/seller/team/", {"email": "x@a.fr", "role": "owner"}).status_code == 404
    assert SellerInvitation.objects.count() == 0
    staff_member = SellerMember.objects.get(user=d["staff_a"])
    assert signed_in(d["owner_b"]).post(f"/seller/team/{staff_member.pk}/remove/").status_code == 302
    assert SellerMember.objects.filter(pk=staff_member.pk).exists()
    invitation, _token = member_invite(seller=d["a"], email="x@a.fr", role="staff", invited_by=d["owner_a"])
    signed_in(d["owner_b"]).post(f"/seller/team/invitations/{invitation.pk}/revoke/")
    assert SellerInvitation.objects.get(pk=invitation.pk).revoked_at is None
    html = signed_in(d["owner_b"]).get("/seller/team/").content.decode()
    assert "staff@a.fr" not in html and "x@a.fr" not in html


def test_seller_centre_speaks_the_sellers_language(two_sellers, compiled):
    d = two_sellers
    Seller.objects.filter(pk=d["a"].pk).update(language="es")
    html = signed_in(d["owner_a"]).get("/seller/").content.decode()
    assert '<html lang="es">' in html


def test_suspended_seller_still_reads_its_balance(two_sellers):
    from comptoir.inventory.services import seller_suspend

    d = two_sellers
    seller_suspend(seller=d["a"])
    html = signed_in(d["owner_a"], "en").get("/seller/").content.decode()
    assert "Your seller account is suspended" in html and 'id="balance-EUR"' in html


def test_only_owners_refund_a_received_return(two_sellers):
    from comptoir.orders.models import SellerOrder
    from comptoir.orders.services import seller_order_deliver, seller_order_return_receive, seller_order_return_request, seller_order_ship

    d = two_sellers
    part = d["accepted"]
    seller_order_ship(seller_order_id=part.pk, seller=d["a"], carrier="Colissimo", tracking_number="6A1")
    seller_order_deliver(seller_order_id=part.pk, seller=d["a"])
    seller_order_return_request(seller_order_id=part.pk, buyer=part.order.buyer)
    seller_order_return_receive(seller_order_id=part.pk, seller=d["a"])
    staff = signed_in(d["staff_a"])
    assert f"/seller/orders/{part.number}/refund/" not in staff.get("/seller/orders/").content.decode()
    r = staff.post(f"/seller/orders/{part.number}/refund/", follow=True)
    assert "Only the seller&#x27;s owners can refund." in r.content.decode()
    assert SellerOrder.objects.get(pk=part.pk).state == "return_received"
    signed_in(d["owner_a"]).post(f"/seller/orders/{part.number}/refund/")
    assert SellerOrder.objects.get(pk=part.pk).state == "refunded"


def test_settings_change_only_the_current_sellers_language(two_sellers):
    d = two_sellers
    signed_in(d["owner_b"]).post("/seller/settings/", {"language": "es"})
    assert Seller.objects.get(pk=d["b"].pk).language == "es"
    assert Seller.objects.get(pk=d["a"].pk).language == ""
    assert signed_in(d["staff_a"]).post("/seller/settings/", {"language": "en"}).status_code == 404
    assert Seller.objects.get(pk=d["a"].pk).language == ""


def test_a_member_of_two_sellers_switches_between_them(two_sellers):
    d = two_sellers
    SellerMember.objects.create(user=d["owner_a"], seller=d["b"], role="staff")
    c = signed_in(d["owner_a"], "en")
    assert '<div class="sc-seller">Atelier Lyon</div>' in c.get("/seller/").content.decode()
    assert c.post(f"/seller/switch/{d['b'].pk}/").status_code == 302
    html = c.get("/seller/").content.decode()
    assert '<div class="sc-seller">Boutique Paris</div>' in html and 'id="nav-bank"' not in html  # staff at B
    assert c.get("/seller/bank/").status_code == 403


@pytest.mark.django_db
def test_dashboard_lists_the_sellers_offers_running_out(client):
    from comptoir.catalog.tests.factories import make_city, make_location, make_market, make_offer, make_product, make_seller
    from django.contrib.auth import get_user_model

    from comptoir.sellers.models import SellerMember

    make_market("FR")
    lyon = make_city("Lyon")
    seller, other = make_seller("Mine", city=lyon), make_seller("Other", city=lyon)
    wh = make_location(seller, lyon)
    low = make_offer(seller, make_product(texts={"en": ("Kettle", "")}), wh, stock=3, held=2)  # 1 available
    make_offer(seller, make_product(texts={"en": ("Toaster", "")}), wh, stock=9)
    make_offer(seller, make_product(texts={"en": ("Paused lamp", "")}), wh, stock=0, is_active=False)
    make_offer(other, make_product(texts={"en": ("Their mug", "")}), make_location(other, lyon), stock=0)
    user = get_user_model().objects.create_user("owner@example.com", "owner@example.com", "pw")
    SellerMember.objects.create(user=user, seller=seller, role="owner")
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get("/seller/")
    assert response.context["low_stock"][0] == 1
    assert [(o.offer_id, o.title, o.available) for o in response.context["low_stock"][1]] == [(low.pk, "Kettle", 1)]
    assert "1 unit left" in response.text and "Their mug" not in response.text
