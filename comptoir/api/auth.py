"""API authentication: buyer bearer tokens ("cpt_<prefix>_<secret>") and seller API keys (X-Api-Key)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer

from .models import ApiToken


LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user) -> str:
    """A new token for the user; the returned string is shown once."""
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, prefix=prefix, hashed_secret=_hash(secret))
    return f"cpt_{prefix}_{secret}"


def token_user(raw: str):
    try:
        scheme, prefix, secret = raw.split("_", 2)
    except ValueError:
        return None
    if scheme != "cpt":
        return None
    token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).select_related("user").first()
    if token is None or not hmac.compare_digest(token.hashed_secret, _hash(secret)) or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        # Recorded to the minute: a token used on every request must not write on every request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_for_token(*, email: str, password: str):
    return authenticate(username=email, password=password)


class BuyerToken(HttpBearer):
    """Authorization: Bearer cpt_… ; sets request.user to the token's user."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
            request.api_seller_ids = None
        return user


class SellerApiKey(APIKeyHeader):
    """X-Api-Key: a seller API key; limits the caller to that seller's seller orders."""

    param_name = "X-Api-Key"

    def authenticate(self, request, key):
        from comptoir.sellers.services import apikey_authenticate

        if not key:
            return None
        api_key = apikey_authenticate(secret=key)
        if api_key is None:
            return None
        request.api_seller_ids = [api_key.seller_id]
        return api_key
