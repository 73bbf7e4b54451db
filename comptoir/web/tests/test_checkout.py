import re

import pytest
from django.core import mail
from django.test import Client

from comptoir.inventory.models import Hold
from comptoir.orders.models import CartLine, Order
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import shop
from comptoir.payments.models import Payment

pytestmark = pytest.mark.django_db

ADDRESS = {"full_name": "Ana Ruiz", "line1": "1 rue de la République", "postcode": "69001", "city": "Lyon", "country": "FR", "phone": "0472103030"}
CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12/34", "card_cvc": "123"}


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def checkout_form(c) -> dict:
    html = c.get("/checkout/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    total = re.search(r'name="expected_total" value="([^"]*)"', html).group(1)
    return {"idempotency_key": key, "expected_total": total}


def test_anonymous_cart_is_merged_into_the_account_on_login():
    buyer, _s1, _s2, a, b = shop()
    c = Client()
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 2})
    assert "Lamp" in c.get("/cart/").content.decode()
    r = c.post("/accounts/login/", {"username": "buyer@example.com", "password": "correct-horse-battery"})
    assert r.status_code == 302
    assert list(CartLine.objects.filter(cart__user=buyer).values_list("offer_id", "quantity")) == [(a.pk, 2)]


def test_password_reset_sends_an_email_with_a_working_link():
    f.user("ana@example.com")
    c = Client()
    c.post("/accounts/password-reset/", {"email": "ana@example.com"})
    [msg] = mail.outbox
    link = re.search(r"http://testserver(/accounts/reset/\S+)", msg.body).group(1)
    r = c.get(link, follow=True)
    assert r.status_code == 200 and b"new_password1" in r.content


def test_checkout_places_one_order_with_two_parts():
    buyer, s1, s2, a, b = shop()
    c = signed_in(buyer)
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 1})
    c.post("/cart/add/", {"offer_id": b.pk, "quantity": 1})
    form = checkout_form(c)
    r = c.post("/checkout/", {**ADDRESS, **CARD, **form, "action": "pay"})
    order = Order.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/orders/{order.reference}/"
    page = c.get(r["Location"]).content.decode()
    assert order.parts.count() == 2 and "Atelier Lyon" in page and "Boutique Paris" in page
    assert CartLine.objects.count() == 0
    # the same form submitted twice (double click) is the same order
    r2 = c.post("/checkout/", {**ADDRESS, **CARD, **form, "action": "pay"})
    assert (r2.status_code, r2["Location"]) == (302, f"/orders/{order.reference}/")
    assert Order.objects.count() == 1 and Payment.objects.count() == 1


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"postcode": "6900"}, "postcode", "This postcode is not valid for the country."),
        ({"phone": "12"}, "phone", "Enter a valid phone number."),
        ({"card_number": "4000000000000002"}, "card_number", "Your payment was declined. No money was taken."),
        ({"expected_total": "1"}, None, "Prices or delivery costs changed since you reviewed your order. Please check the new total."),
    ],
)
def test_bad_checkout_input_shows_a_specific_error_and_takes_nothing(change, field, message):
    buyer, _s1, _s2, a, _b = shop()
    c = signed_in(buyer)
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 1})
    r = c.post("/checkout/", {**ADDRESS, **CARD, **checkout_form(c), **change, "action": "pay"})
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert errors[field or "__all__"] == [message]
    assert Order.objects.count() == 0 and Hold.objects.count() == 0 and f.level(a).held == 0
    assert Payment.objects.filter(status="authorized").count() == 0


def test_offer_withdrawn_mid_checkout_is_a_clear_error():
    buyer, _s1, _s2, a, b = shop()
    c = signed_in(buyer)
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 1})
    c.post("/cart/add/", {"offer_id": b.pk, "quantity": 1})
    form = checkout_form(c)
    b.is_active = False
    b.save()
    r = c.post("/checkout/", {**ADDRESS, **CARD, **form, "action": "pay"})
    assert r.context["form"].errors["__all__"] == ["An item is no longer offered by this seller."]
    assert Order.objects.count() == 0 and f.level(a).held == 0


def test_cart_quantity_zero_removes_and_huge_quantity_is_refused():
    buyer, _s1, _s2, a, _b = shop()
    c = signed_in(buyer)
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 1})
    r = c.post("/cart/update/", {"offer_id": a.pk, "quantity": 10**9}, follow=True)
    assert "Quantity must be between 1 and 99." in r.content.decode()
    assert CartLine.objects.get().quantity == 1
    c.post("/cart/update/", {"offer_id": a.pk, "quantity": 0})
    assert CartLine.objects.count() == 0


def test_another_buyer_gets_404_on_order_and_invoice():
    buyer, _s1, _s2, a, _b = shop()
    c = signed_in(buyer)
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 1})
    c.post("/checkout/", {**ADDRESS, **CARD, **checkout_form(c), "action": "pay"})
    order = Order.objects.get()
    part = order.parts.get()
    assert c.get(f"/orders/{order.reference}/invoice/{part.number}/").status_code == 200
    other = signed_in(f.user("mallory@example.com"))
    assert other.get(f"/orders/{order.reference}/").status_code == 404
    assert other.get(f"/orders/{order.reference}/invoice/{part.number}/").status_code == 404


def test_seller_page_moves_own_orders_and_refuses_others():
    buyer, s1, s2, a, b = shop()
    owner1, owner2 = f.user("o1@example.com"), f.user("o2@example.com")
    s1.members.create(user=owner1)
    s2.members.create(user=owner2)
    c = signed_in(buyer)
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 1})
    c.post("/checkout/", {**ADDRESS, **CARD, **checkout_form(c), "action": "pay"})
    part = Order.objects.get().parts.get()
    seller_c = signed_in(owner1)
    assert part.number in seller_c.get("/seller/orders/").content.decode()
    assert part.number not in signed_in(owner2).get("/seller/orders/").content.decode()
    assert signed_in(owner2).post(f"/seller/orders/{part.number}/accept/").status_code == 404
    seller_c.post(f"/seller/orders/{part.number}/accept/")
    seller_c.post(f"/seller/orders/{part.number}/ship/", {"carrier": "Colissimo", "tracking_number": "6A1"})
    part.refresh_from_db()
    assert (part.state, part.tracking_number) == ("shipped", "6A1")
    assert signed_in(f.user("nobody@example.com")).get("/seller/orders/").status_code == 404


@pytest.mark.parametrize(("focus", "action", "autofocused"), [
    ("country", "update", ["country"]),
    ("phone", "update", ["phone"]),
    ("delivery", "update", ["delivery express"]),  # the group's chosen option
    ("idempotency_key", "update", []),  # a hidden field: nothing to focus
    ("nonsense", "update", []),
    ("country", "pay", []),  # only after "Update totals"
])
def test_update_totals_puts_the_focus_back_on_the_field_that_asked_for_it(focus, action, autofocused):
    """comptoir.js posts "focus" (the country select, the field the keyboard user tabbed to, or a
    delivery group) with "Update totals": the redisplayed page has autofocus there (WCAG 3.2.2)."""
    buyer, _s1, _s2, a, _b = shop()
    c = signed_in(buyer)
    c.post("/cart/add/", {"offer_id": a.pk, "quantity": 1})
    group = re.search(r'name="delivery_([^"]+)"', c.get("/checkout/").content.decode()).group(1)
    name = f"delivery_{group}" if focus == "delivery" else focus
    html = c.post("/checkout/", {**checkout_form(c), **ADDRESS, "country": "ES", f"delivery_{group}": "express",
                                 "action": action, "focus": name}).content.decode()
    tags = [t for t in re.findall(r"<(?:input|select)[^>]*>", html) if re.search(r"\sautofocus[\s>]", t)]
    names = [re.search(r'name="([^"]+)"', t).group(1) for t in tags]
    values = [re.search(r'value="([^"]*)"', t).group(1) if "type=\"radio\"" in t else "" for t in tags]
    assert [f"delivery {v}" if n.startswith("delivery_") else n for n, v in zip(names, values, strict=True)] == autofocused


@pytest.mark.django_db
def test_the_phone_field_is_a_telephone_input_with_one_type():
    from comptoir.web.checkout.forms import CheckoutForm

    html = str(CheckoutForm()["phone"])
    assert re.findall(r'type="[^"]*"', html) == ['type="tel"']
    assert 'autocomplete="tel"' in html
