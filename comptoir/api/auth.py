"""API authentication: buyer bearer tokens ("cpt_<prefix>_<secret>") and seller API keys (X-Api-Key).

Tokens expire ``settings.COMPTOIR_API_TOKEN_DAYS`` after issue, can be revoked, and stop working
when the user's password changes (see ``ApiToken``). Failed authentications are counted per client
IP and per account (the e-mail for a password, the prefix for a token or key) by
``comptoir.common.ratelimit``; past the limit the API answers 429 with Retry-After, without
checking the password (an Argon2 hash costs ~100 MiB and tens of milliseconds).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer

from comptoir.common.ratelimit import Limiter, RateLimited, client_ip

from .models import ApiToken

LAST_USED_PRECISION = timedelta(minutes=1)
PREFIX_BYTES = 12  # 96 bits: a collision is not expected before ~10^14 tokens; retried anyway
CREATE_ATTEMPTS = 3


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _auth_hashes(user) -> list[str]:
    """The user's session hash under SECRET_KEY, then under each SECRET_KEY_FALLBACKS (so a
    key rotation done the Django way keeps tokens working, as it keeps sessions)."""
    return [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]


def token_create(*, user) -> str:
    """A new token for the user, valid COMPTOIR_API_TOKEN_DAYS; the returned string is shown once."""
    expires_at = timezone.now() + timedelta(days=settings.COMPTOIR_API_TOKEN_DAYS)
    for attempt in range(CREATE_ATTEMPTS):
        prefix, secret = secrets.token_hex(PREFIX_BYTES), secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                ApiToken.objects.create(
                    user=user, prefix=prefix, hashed_secret=_hash(secret),
                    auth_hash=user.get_session_auth_hash(), expires_at=expires_at,
                )
        except IntegrityError:
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            continue  # the prefix was taken: draw another
        return f"cpt_{prefix}_{secret}"
    raise AssertionError("unreachable")


def token_prefix(raw: str) -> str:
    """The prefix part of a presented "cpt_<prefix>_<secret>" (empty when malformed)."""
    parts = (raw or "").split("_", 2)
    return parts[1][:PREFIX_BYTES * 2] if len(parts) == 3 and parts[0] == "cpt" else ""


def token_find(raw: str) -> ApiToken | None:
    """The live token for a presented string: right secret, not revoked, not expired, issued
    under the user's current password, user active. Else None."""
    try:
        scheme, prefix, secret = raw.split("_", 2)
    except ValueError:
        return None
    if scheme != "cpt":
        return None
    now = timezone.now()
    token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).select_related("user").first()
    if token is None or not hmac.compare_digest(token.hashed_secret, _hash(secret)):
        return None
    if token.expires_at <= now or not token.user.is_active:
        return None
    current = _auth_hashes(token.user)
    if not any(hmac.compare_digest(token.auth_hash, h) for h in current):
        # The password changed since: every token issued before is revoked for good.
        ApiToken.objects.filter(user_id=token.user_id, revoked_at__isnull=True).exclude(auth_hash__in=current).update(revoked_at=now)
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        # Recorded to the minute: a token used on every request must not write on every request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_user(raw: str):
    token = token_find(raw)
    return token.user if token is not None else None


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_revoke_all(*, user) -> int:
    """Revoke every live token of the user; how many were."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def login_for_token(*, request, email: str, password: str):
    """The user for an e-mail and password, or None. Refused with RateLimited (before any
    password is hashed) once this e-mail or this client IP has too many recent failures."""
    account, ip = email.strip().lower(), client_ip(request)
    by_account, by_ip = Limiter("api-login-account"), Limiter("api-login-ip")
    wait = max(by_account.wait(account), by_ip.wait(ip))
    if wait:
        raise RateLimited(retry_after=wait)
    user = authenticate(request, username=account, password=password)
    if user is None:
        by_account.hit(account)
        by_ip.hit(ip)
    return user


def credential_refused(request, prefix: str) -> None:
    """Count a bearer token or API key that matched nothing; raise RateLimited when this client
    IP or this prefix is already over its limit. A valid credential is never counted nor
    delayed: its 256-bit secret cannot be guessed, and legitimate traffic must not pay a cache
    round trip per request."""
    ip = client_ip(request)
    by_ip, by_prefix = Limiter("api-credential-ip"), Limiter("api-credential-prefix")
    wait = max(by_ip.wait(ip), by_prefix.wait(prefix) if prefix else 0)
    if wait:
        raise RateLimited(retry_after=wait)
    by_ip.hit(ip)
    if prefix:
        by_prefix.hit(prefix)


class BuyerToken(HttpBearer):
    """Authorization: Bearer cpt_… ; sets request.user to the token's user (and request.api_token)."""

    def authenticate(self, request, token):
        found = token_find(token)
        if found is None:
            credential_refused(request, token_prefix(token))
            return None
        request.user = found.user
        request.api_token = found
        request.api_seller_ids = None
        return found.user


class SellerApiKey(APIKeyHeader):
    """X-Api-Key: a seller API key; limits the caller to that seller's seller orders."""

    param_name = "X-Api-Key"

    def authenticate(self, request, key):
        from comptoir.sellers.services import apikey_authenticate

        if not key:
            return None
        api_key = apikey_authenticate(secret=key)
        if api_key is None:
            credential_refused(request, token_prefix(key))
            return None
        limiter = Limiter("seller-api-key")  # every call of a valid key counts
        limiter.check(f"key:{api_key.pk}")
        limiter.hit(f"key:{api_key.pk}")
        request.api_seller_ids = [api_key.seller_id]
        return api_key
