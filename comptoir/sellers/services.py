"""Writes of the sellers app: registration (identity checked), review (approve, reject), the
status state machine, team members and invitations, API keys."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.common.outbox import task_enqueue
from comptoir.markets.errors import UnknownCountry
from comptoir.markets.models import City
from comptoir.markets.selectors import country_normalise

from .errors import FieldInvalid, IllegalTransition, InvitationInvalid, MemberInvalid, SellerInvalid
from .identity import identity_clean, legal_form_clean
from .models import ApiKey, Seller, SellerInvitation, SellerMember, SellerRole, SellerStatus

# pending → approved → suspended → approved ...; pending → rejected; anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    SellerStatus.PENDING: frozenset({SellerStatus.APPROVED, SellerStatus.REJECTED}),
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
    legal_form: str = "",
    language: str = "",
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
        legal_form = legal_form_clean(value=legal_form)
    except FieldInvalid as exc:
        errors["legal_form"], codes["legal_form"], legal_form = exc.message, exc.code, ""
    if language and language not in dict(settings.LANGUAGES):
        errors["language"], codes["language"] = _("%(language)s is not a language of Comptoir.") % {"language": language}, "language_unknown"
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
        legal_form=legal_form,
        language=language or "",
        **identity,
    )
    if owner_user is not None:
        SellerMember.objects.create(user=owner_user, seller=seller, role=SellerRole.OWNER)
    return seller


def seller_status_change(*, seller: Seller, target: str, source: str | None = None, reason: str = "") -> Seller:
    """The bare status rule: move `seller` to `target` if TRANSITIONS allows it from its current
    status (read under a row lock) and, with `source`, only from that status; else
    ``IllegalTransition``. Leaving *pending* records the review (time, ``reason``). What buyers
    see depends on the status: call ``comptoir.inventory.services.seller_approve / seller_suspend /
    seller_reinstate``, which run this and refresh the storefront listing in one transaction."""
    with transaction.atomic():
        locked = Seller.objects.select_for_update().get(pk=seller.pk)
        if target not in TRANSITIONS.get(locked.status, frozenset()) or source not in (None, locked.status):
            raise IllegalTransition(
                _("A seller cannot go from %(from)s to %(to)s.")
                % {"from": SellerStatus(locked.status).label, "to": SellerStatus(target).label},
                field="status",
            )
        fields = ["status"]
        if locked.status == SellerStatus.PENDING:
            locked.reviewed_at, locked.review_reason = timezone.now(), (reason or "")[:500]
            fields += ["reviewed_at", "review_reason"]
        locked.status = target
        locked.save(update_fields=fields)
    seller.status = target
    seller.reviewed_at, seller.review_reason = locked.reviewed_at, locked.review_reason
    return seller


def seller_review_notify(*, seller: Seller) -> None:
    """Tell the seller's owners, by email in the seller's language and once the transaction
    commits, how their application was decided (approved, or rejected with the reason)."""
    from .tasks import notify_seller_reviewed

    task_enqueue(notify_seller_reviewed, seller.pk)


def seller_reject(*, seller: Seller, reason: str) -> Seller:
    """pending → rejected, with the reason the seller is told by email (required). A pending
    seller is not listed, so no read model changes (unlike approval: inventory.services)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise SellerInvalid({"reason": _("Say why the application is rejected; the seller reads it.")}, codes={"reason": "reason_required"})
    with transaction.atomic():
        seller_status_change(seller=seller, target=SellerStatus.REJECTED, source=SellerStatus.PENDING, reason=reason)
        seller_review_notify(seller=seller)
    return seller


def seller_commission_set(*, seller: Seller, commission_bp: int | None) -> Seller:
    """Set (or clear with None) the seller's commission override, in basis points (0–10000)."""
    if commission_bp is not None and not 0 <= int(commission_bp) <= 10_000:
        raise SellerInvalid({"commission_bp": _("Commission must be between 0 and 10000 basis points.")}, codes={"commission_bp": "commission_bp_range"})
    seller.commission_bp = commission_bp
    seller.save(update_fields=["commission_bp"])
    return seller


# --- team members and invitations ------------------------------------------------------------

INVITATION_VALIDITY = timedelta(days=14)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def member_invite(*, seller: Seller, email: str, role: str, invited_by) -> tuple[SellerInvitation, str]:
    """Invite ``email`` to the seller's team with ``role``; returns (invitation, token).

    The token goes in the link of the email (``invitation_send``); only its hash is stored. A
    pending invitation of the same email is replaced. Someone already in the team is refused.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MemberInvalid(_("%(email)s is not an email address.") % {"email": email or "—"}, code="email_invalid", field="email") from None
    if role not in SellerRole.values:
        raise MemberInvalid(_("Choose a role: owner or staff."), code="role_invalid", field="role")
    if SellerMember.objects.filter(seller=seller, user__email__iexact=email).exists():
        raise MemberInvalid(_("%(email)s is already in the team.") % {"email": email}, code="already_member", field="email")
    now = timezone.now()
    SellerInvitation.objects.filter(seller=seller, email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = SellerInvitation.objects.create(
        seller=seller, email=email, role=role, token_hash=_token_hash(token), invited_by=invited_by,
        expires_at=now + INVITATION_VALIDITY,
    )
    return invitation, token


def invitation_send(*, invitation: SellerInvitation, link: str) -> int:
    """Email the invitation link, in the seller's language."""
    from .tasks import send_invitation_email

    return send_invitation_email(invitation=invitation, link=link)


def invitation_for_token(*, token: str) -> SellerInvitation:
    """The open invitation of a link's token, or ``InvitationInvalid`` (unknown, used, revoked, expired)."""
    invitation = SellerInvitation.objects.select_related("seller").filter(token_hash=_token_hash(token or "")).first()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid(_("This invitation link is not valid (anymore)."))
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_("This invitation was already accepted."), code="invitation_used")
    if invitation.expires_at < timezone.now():
        raise InvitationInvalid(_("This invitation has expired; ask for a new one."), code="invitation_expired")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> SellerMember:
    """The signed-in ``user`` joins the team with the invitation's role (the email must match)."""
    invitation = invitation_for_token(token=token)
    invitation = SellerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_("This invitation was already accepted."), code="invitation_used")
    if (user.email or "").strip().lower() != invitation.email:
        raise InvitationInvalid(
            _("This invitation is for %(email)s; sign in with that address to accept it.") % {"email": invitation.email},
            code="invitation_wrong_user",
        )
    member, _created = SellerMember.objects.get_or_create(user=user, seller=invitation.seller, defaults={"role": invitation.role})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return member


def invitation_revoke(*, seller: Seller, invitation_id: int) -> None:
    SellerInvitation.objects.filter(seller=seller, pk=invitation_id, accepted_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def member_remove(*, seller: Seller, member_id: int) -> None:
    """Remove a member of the seller's team; the last owner cannot be removed."""
    members = list(SellerMember.objects.select_for_update().filter(seller=seller).order_by("pk"))
    member = next((m for m in members if m.pk == member_id), None)
    if member is None:
        raise MemberInvalid(_("No such team member."), code="member_not_found", field="member")
    owners = [m for m in members if m.role == SellerRole.OWNER]
    if member.role == SellerRole.OWNER and len(owners) == 1:
        raise MemberInvalid(_("The last owner cannot be removed; make someone else owner first."), code="last_owner", field="member")
    member.delete()


def user_create(*, email: str, password: str):
    """A new user account signed in by email (as buyer sign-up does): username = email."""
    email = (email or "").strip().lower()
    return get_user_model().objects.create_user(username=email, email=email, password=password)


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


def seller_iban_set(*, seller: Seller, iban: str) -> Seller:
    """Change the payout IBAN (owners only, checked by the caller); same checks as registration."""
    from .identity import iban_clean

    try:
        value = iban_clean(value=iban)
    except FieldInvalid as exc:
        raise SellerInvalid({"iban": exc.message}, codes={"iban": exc.code}) from None
    if not value:
        raise SellerInvalid({"iban": _("An IBAN is required to be paid out.")}, codes={"iban": "iban_required"})
    Seller.objects.filter(pk=seller.pk).update(iban=value)
    seller.iban = value
    return seller


def seller_language_set(*, seller: Seller, language: str) -> Seller:
    if language not in dict(settings.LANGUAGES):
        raise SellerInvalid({"language": _("%(language)s is not a language of Comptoir.") % {"language": language}}, codes={"language": "language_unknown"})
    Seller.objects.filter(pk=seller.pk).update(language=language)
    seller.language = language
    return seller
