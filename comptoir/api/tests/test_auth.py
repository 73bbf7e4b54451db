"""API authentication: throttled failures (429 + Retry-After in the error shape), token expiry,
revocation, password changes, prefix collisions."""
import secrets
from datetime import timedelta

import pytest
from django.test import Client

from comptoir.api.auth import token_create
from comptoir.api.models import ApiToken
from comptoir.orders.tests import factories as f
from comptoir.sellers.services import apikey_create

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def post_token(client, email, password):
    return client.post("/api/v1/auth/token", {"email": email, "password": password}, content_type="application/json")


def orders(client, token):
    return client.get("/api/v1/orders", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_sixth_try_after_five_wrong_passwords_is_429_even_when_right_then_allowed_once_retry_after_has_passed(clock):
    f.user("ana@example.com")
    c = Client()
    for _ in range(5):
        r = post_token(c, "ana@example.com", "wrong-password")
        assert (r.status_code, r.json()["code"]) == (401, "invalid_credentials")
    refused = post_token(c, "Ana@Example.com", PASSWORD)  # the same account, however typed
    assert refused.status_code == 429
    assert refused.json() == {"code": "rate_limited", "message": "Too many attempts. Try again in a few minutes.", "field": None}
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 2 * 15 * 60
    assert ApiToken.objects.count() == 0
    clock.advance(retry_after)
    ok = post_token(c, "ana@example.com", PASSWORD)
    assert ok.status_code == 200 and ok.json()["token"].startswith("cpt_")


def test_one_client_guessing_many_accounts_is_limited_by_its_ip(clock, settings):
    settings.COMPTOIR_RATE_LIMITS = {**settings.COMPTOIR_RATE_LIMITS, "api-login-ip": "3/15m"}
    c = Client(REMOTE_ADDR="198.51.100.7")
    assert [post_token(c, f"user{i}@example.com", "guess").status_code for i in range(4)] == [401, 401, 401, 429]
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert post_token(other, "user9@example.com", "guess").status_code == 401


def test_guessed_api_keys_get_429_with_retry_after(clock):
    seller = f.seller()
    _key, secret = apikey_create(seller=seller, name="shop")
    c = Client()
    statuses = [c.get("/api/v1/seller-orders", HTTP_X_API_KEY=f"cpt_{secrets.token_hex(5)}_{secrets.token_urlsafe(32)}").status_code for _ in range(31)]
    assert statuses == [401] * 30 + [429]  # 30 unknown keys from one IP in 15 minutes
    refused = c.get("/api/v1/seller-orders", HTTP_X_API_KEY="cpt_0123456789_guess")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    # the real key still works: a valid 256-bit secret is never delayed
    assert c.get("/api/v1/seller-orders", HTTP_X_API_KEY=secret).status_code == 200
    clock.advance(int(refused["Retry-After"]))
    assert c.get("/api/v1/seller-orders", HTTP_X_API_KEY="cpt_0123456789_guess").status_code == 401


def test_guessing_the_secret_of_one_token_prefix_is_limited_per_prefix(clock):
    buyer = f.user("ana@example.com")
    raw = token_create(user=buyer)
    prefix = raw.split("_")[1]
    statuses = [orders(Client(REMOTE_ADDR=f"203.0.113.{i}"), f"cpt_{prefix}_guess{i}").status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]  # 10 wrong secrets for one prefix, from 11 addresses
    assert orders(Client(), raw).status_code == 200


def test_a_revoked_token_gets_401():
    buyer = f.user("ana@example.com")
    raw = token_create(user=buyer)
    c = Client()
    assert orders(c, raw).status_code == 200
    r = c.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    assert orders(c, raw).status_code == 401
    assert c.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_revoking_one_token_keeps_the_others():
    buyer = f.user("ana@example.com")
    first, second = token_create(user=buyer), token_create(user=buyer)
    Client().delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert (orders(Client(), first).status_code, orders(Client(), second).status_code) == (401, 200)


def test_an_expired_token_gets_401(clock, settings):
    settings.COMPTOIR_API_TOKEN_DAYS = 30
    buyer = f.user("ana@example.com")
    raw = token_create(user=buyer)
    token = ApiToken.objects.get()
    assert abs(token.expires_at - token.created_at - timedelta(days=30)) < timedelta(seconds=1)
    clock.advance(30 * 86400 - 60)
    assert orders(Client(), raw).status_code == 200
    clock.advance(61)
    assert orders(Client(), raw).status_code == 401


def test_a_password_change_on_the_account_page_revokes_every_token():
    buyer = f.user("ana@example.com")
    tokens = [token_create(user=buyer), token_create(user=buyer)]
    page = Client()
    page.force_login(buyer)
    r = page.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "an-Other-pass-2468", "new_password2": "an-Other-pass-2468"})
    assert r.status_code == 302
    assert [orders(Client(), raw).status_code for raw in tokens] == [401, 401]
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    # a token issued after the change works
    fresh = post_token(Client(), "ana@example.com", "an-Other-pass-2468").json()["token"]
    assert orders(Client(), fresh).status_code == 200


def test_a_password_reset_or_an_admin_change_revokes_every_token():
    buyer = f.user("ana@example.com")
    raw = token_create(user=buyer)
    buyer.set_password("reset-by-the-Operator-1357")  # what the reset page, the admin and changepassword do
    buyer.save()
    assert orders(Client(), raw).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_a_colliding_prefix_is_drawn_again(monkeypatch):
    buyer = f.user("ana@example.com")
    first = token_create(user=buyer)
    taken = first.split("_")[1]
    draws = iter([taken, "f" * 24])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(draws))  # the random source, outside our code
    second = token_create(user=buyer)
    assert second.split("_")[1] == "f" * 24
    assert orders(Client(), first).status_code == 200 and orders(Client(), second).status_code == 200


def test_prefixes_carry_96_random_bits():
    raw = token_create(user=f.user("ana@example.com"))
    assert len(raw.split("_")[1]) == 24
