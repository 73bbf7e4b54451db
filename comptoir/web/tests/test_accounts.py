"""Accounts: login lockout (django-axes), the neutral sign-up by e-mail link, password change."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import translation

from comptoir.orders.models import CartLine
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import shop

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
LOCKED = "Too many failed sign-in attempts for this account or from your network."


def login(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_the_sixth_login_within_the_window_is_refused_even_with_the_right_password_then_allowed_after_it(clock):
    f.user("ana@example.com")
    c = Client()
    answers = [login(c, "ana@example.com", "wrong-password") for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]  # the 5th failure locks
    assert "Please enter a correct" in answers[0].content.decode()
    refused = login(c, "ana@example.com", PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    page = refused.content.decode()
    assert LOCKED in page and "signing in is blocked for 15 minutes" in page
    assert 'value="ana@example.com"' in page  # the form keeps the e-mail typed
    assert "_auth_user_id" not in c.session
    clock.advance(14 * 60)
    assert login(c, "ana@example.com", PASSWORD).status_code == 429  # tries during the lockout do not extend it
    clock.advance(61)
    allowed = login(c, "ana@example.com", PASSWORD)
    assert (allowed.status_code, allowed["Location"]) == (302, "/")
    assert c.session["_auth_user_id"] == str(get_user_model().objects.get(username="ana@example.com").pk)


def test_the_lockout_counts_the_account_however_its_email_is_typed(clock):
    f.user("ana@example.com")
    c = Client()
    for typed in ("ana@example.com", "ANA@example.com", " Ana@Example.com", "ana@EXAMPLE.com", "ana@example.COM"):
        login(c, typed, "wrong-password")
    assert login(Client(REMOTE_ADDR="192.0.2.99"), "ana@example.com", PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_locked_out(clock):
    c = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(5):
        login(c, f"user{i}@example.com", "guess")
    f.user("ana@example.com")
    assert login(c, "ana@example.com", PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="198.51.100.8"), "ana@example.com", PASSWORD).status_code == 302


def test_the_lockout_message_is_translated(clock):
    f.user("ana@example.com")
    c = Client(HTTP_ACCEPT_LANGUAGE="fr")
    c.cookies["django_language"] = "fr"
    for _ in range(5):
        login(c, "ana@example.com", "wrong-password")
    page = login(c, "ana@example.com", PASSWORD).content.decode()
    with translation.override("fr"):
        expected = translation.gettext("Sign in")
    assert expected != "Sign in" and expected in page
    assert "Trop de tentatives de connexion" in page


def test_the_admin_login_is_locked_out_too(clock):
    f.user("admin@example.com", is_staff=True, is_superuser=True)
    c = Client()
    for _ in range(5):
        c.post("/admin/login/", {"username": "admin@example.com", "password": "wrong"})
    refused = c.post("/admin/login/", {"username": "admin@example.com", "password": PASSWORD})
    assert refused.status_code == 429 and LOCKED in refused.content.decode()


def _signup(client, email):
    return client.post("/accounts/signup/", {"email": email})


def test_sign_up_answers_the_same_whether_or_not_the_email_has_an_account():
    f.market("FR")
    f.user("ana@example.com")
    new, existing = _signup(Client(), "new@example.com"), _signup(Client(), "ana@example.com")
    assert new.status_code == existing.status_code == 200

    def neutral(response, email):
        return response.content.decode().replace(email, "EMAIL")

    assert _same_but_tokens(neutral(new, "new@example.com"), neutral(existing, "ana@example.com"))
    assert [m.to for m in mail.outbox] == [["new@example.com"], ["ana@example.com"]]
    assert "choose your password here" in mail.outbox[0].body
    assert "you already have one" in mail.outbox[1].body
    # the existing account is unchanged; the new one cannot be used before its link is followed
    assert get_user_model().objects.get(username="ana@example.com").check_password(PASSWORD)
    assert not get_user_model().objects.get(username="new@example.com").has_usable_password()


def _same_but_tokens(a: str, b: str) -> bool:
    strip = re.compile(r'value="[A-Za-z0-9]{64}"')  # the CSRF tokens of the header forms
    return strip.sub("", a) == strip.sub("", b)


def test_the_sign_up_link_sets_the_password_signs_in_and_keeps_the_cart():
    _buyer, _s1, _s2, lamp, _b = shop()
    c = Client()
    c.post("/cart/add/", {"offer_id": lamp.pk, "quantity": 1})
    c.post("/accounts/signup/", {"email": "New@Example.com", "next": "/cart/"})
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/signup/\S+)", message.body).group(1)
    form = c.get(link, follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = c.post(form.redirect_chain[-1][0], {"new_password1": "a-Long-pass-9876", "new_password2": "a-Long-pass-9876"})
    assert (done.status_code, done["Location"]) == (302, "/cart/")
    user = get_user_model().objects.get(username="new@example.com")
    assert user.check_password("a-Long-pass-9876") and c.session["_auth_user_id"] == str(user.pk)
    assert list(CartLine.objects.filter(cart__user=user).values_list("offer_id", "quantity")) == [(lamp.pk, 1)]
    assert c.get(link, follow=True).context["validlink"] is False  # the link works once


def test_someone_else_cannot_pre_register_an_address_with_their_own_password():
    f.market("FR")
    _signup(Client(), "victim@example.com")
    user = get_user_model().objects.get(username="victim@example.com")
    assert not user.has_usable_password()
    assert login(Client(), "victim@example.com", "").status_code == 200  # nobody can sign in as them


def test_the_password_page_changes_the_password_and_keeps_the_session():
    user = f.user("ana@example.com")
    c = Client()
    c.force_login(user)
    assert c.get("/accounts/password/").status_code == 200
    r = c.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "an-Other-pass-2468", "new_password2": "an-Other-pass-2468"})
    assert (r.status_code, r["Location"]) == (302, "/accounts/password/done/")
    assert c.get("/orders/").status_code == 200
    user.refresh_from_db()
    assert user.check_password("an-Other-pass-2468")
