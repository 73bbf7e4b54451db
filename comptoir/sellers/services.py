"""Writes of the sellers app: registration (identity checked), approval state machine, API keys."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.markets.errors import UnknownCountry
from comptoir.markets.models import City
from comptoir.markets.selectors import country_normalise

from .errors import IllegalTransition, SellerInvalid
from .identity import identity_clean
from .models import ApiKey, Seller, SellerMember, SellerRole, SellerStatus

# pending → approved → suspended → approved ...; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    SellerStatus.PENDING: frozenset({SellerStatus.APPROVED}),
    SellerStatus.APPROVED: frozenset({SellerStatus.SUSPENDED}),
    SellerStatus.SUSPENDED: frozenset({SellerStatus.APPROVED}),
}


def _slug_for(display_name: str) -> str:
    base = (slugify(display_name) or "seller")[:40]
    slug, n = base, 2
    while Seller.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def seller_register(
    *,
    legal_name: str,
    display_name: str,
    country: str,
    address: str = "",
    postcode: str = "",
    city: City | None = None,
    vat_number: str = "",
    company_id: str = "",
    iban: str = "",
    owner_user=None,
) -> Seller:
    """Create a seller in status *pending* after checking its legal identity.

    Every field is checked before anything is written; all problems are reported together in
    one ``SellerInvalid`` (``errors`` = {field: message}). Identity numbers are stored compact
    (stdnum ``compact``), the slug is derived from the shop name and made unique, coordinates
    come from the city (which must be in the seller's country). ``owner_user`` becomes an
    owner member.
    """
    errors: dict[str, str] = {}
    codes: dict[str, str] = {}
    legal_name, display_name = (legal_name or "").strip(), (display_name or "").strip()
    if not legal_name:
        errors["legal_name"], codes["legal_name"] = _("Legal name is required."), "legal_name_required"
    if not display_name:
        errors["display_name"], codes["display_name"] = _("Shop name is required."), "display_name_required"
    try:
        country = country_normalise(country)
    except UnknownCountry as exc:
        raise SellerInvalid({"country": exc.message}, codes={"country": exc.code}) from None
    if city is not None and city.country != country:
        errors["city"], codes["city"] = _("%(city)s is not in the seller's country (%(country)s).") % {"city": city.name, "country": country}, "city_wrong_country"
    try:
        identity = identity_clean(country=country, vat_number=vat_number, company_id=company_id, iban=iban)
    except SellerInvalid as exc:
        errors.update(exc.errors)
        codes.update(exc.codes)
        identity = {}
    if errors:
        raise SellerInvalid(errors, codes=codes)

    seller = Seller.objects.create(
        legal_name=legal_name[:200],
        display_name=display_name[:120],
        slug=_slug_for(display_name),
        country=country,
        address=(address or "").strip()[:250],
        postcode=(postcode or "").strip()[:12] or (city.postcode if city else ""),
        city=city,
        latitude=city.latitude if city else None,
        longitude=city.longitude if city else None,
        status=SellerStatus.PENDING,
        **identity,
    )
    if owner_user is not None:
        SellerMember.objects.create(user=owner_user, seller=seller, role=SellerRole.OWNER)
    return seller


def seller_status_change(*, seller: Seller, target: str, source: str | None = None) -> Seller:
    """The bare status rule: move `seller` to `target` if TRANSITIONS allows it from its current
    status (read under a row lock) and, with `source`, only from that status; else
    ``IllegalTransition``. What buyers see depends on the
    status: call ``comptoir.inventory.services.seller_approve / seller_suspend /
    seller_reinstate``, which run this and refresh the storefront listing in one transaction."""
    with transaction.atomic():
        locked = Seller.objects.select_for_update().get(pk=seller.pk)
        if target not in TRANSITIONS.get(locked.status, frozenset()) or source not in (None, locked.status):
            raise IllegalTransition(
                _("A seller cannot go from %(from)s to %(to)s.")
                % {"from": SellerStatus(locked.status).label, "to": SellerStatus(target).label},
                field="status",
            )
        locked.status = target
        locked.save(update_fields=["status"])
    seller.status = target
    return seller


def seller_commission_set(*, seller: Seller, commission_bp: int | None) -> Seller:
    """Set (or clear with None) the seller's commission override, in basis points (0–10000)."""
    if commission_bp is not None and not 0 <= int(commission_bp) <= 10_000:
        raise SellerInvalid({"commission_bp": _("Commission must be between 0 and 10000 basis points.")}, codes={"commission_bp": "commission_bp_range"})
    seller.commission_bp = commission_bp
    seller.save(update_fields=["commission_bp"])
    return seller


# --- API keys -------------------------------------------------------------------------------

def _hash_secret(secret: str) -> str:
    # The secret is 32 random bytes: a fast hash is enough (no dictionary to brute-force).
    return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()


def apikey_create(*, seller: Seller, name: str) -> tuple[ApiKey, str]:
    """A new API key; returns (key, full secret). Only the hash is stored: show the secret once.

    The secret looks like ``cpt_<prefix>_<random>``; ``prefix`` (public) finds the row.
    """
    prefix = secrets.token_hex(5)
    secret = f"cpt_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(seller=seller, name=(name or "API key")[:80], prefix=prefix, hashed_secret=_hash_secret(secret))
    return key, secret


def apikey_authenticate(*, secret: str) -> ApiKey | None:
    """The active key for a presented secret (and stamp ``last_used_at``), else None."""
    parts = (secret or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "cpt":
        return None
    key = ApiKey.objects.select_related("seller").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, _hash_secret(secret)):
        return None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def apikey_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key
