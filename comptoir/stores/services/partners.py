"""Partners (companies that run stores) and their members."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.markets.errors import UnknownCountry
from comptoir.markets.selectors import country_normalise
from comptoir.sellers.errors import FieldInvalid, SellerInvalid
from comptoir.sellers.identity import iban_clean, identity_clean

from ..errors import PartnerInvalid
from ..models import Partner, PartnerMember


def partner_create(
    *, legal_name: str, country: str, vat_number: str = "", company_id: str = "", iban: str = "", share_bp: int = 5000
) -> Partner:
    """A partner after its legal identity is checked like a seller's (python-stdnum, per
    country: VAT number, company identifier, IBAN — required here: the partner is paid its
    share). Every problem is reported together in one ``PartnerInvalid``; nothing is written."""
    errors: dict[str, str] = {}
    codes: dict[str, str] = {}
    legal_name = (legal_name or "").strip()
    if not legal_name:
        errors["legal_name"], codes["legal_name"] = _("Legal name is required."), "legal_name_required"
    if not isinstance(share_bp, int) or not 0 <= share_bp <= 10_000:
        errors["share_bp"], codes["share_bp"] = _("The partner's share must be between 0 and 10000 basis points."), "share_bp_range"
    try:
        country = country_normalise(country)
    except UnknownCountry as exc:
        raise PartnerInvalid({"country": exc.message}, codes={"country": exc.code}) from None
    if not (iban or "").strip():
        errors["iban"], codes["iban"] = _("IBAN is required: the partner is paid its share."), "iban_required"
    try:
        identity = identity_clean(country=country, vat_number=vat_number, company_id=company_id, iban=iban)
    except SellerInvalid as exc:
        errors.update(exc.errors)
        codes.update(exc.codes)
        identity = {}
    if errors:
        raise PartnerInvalid(errors, codes=codes)
    return Partner.objects.create(legal_name=legal_name[:200], country=country, share_bp=share_bp, **identity)


def partner_bank_details_set(*, partner: Partner, iban: str, holder: str = "") -> Partner:
    """The account the partner's share is paid to: an IBAN checked like a seller's (structure,
    check digits, SEPA area) and the account holder's name (blank: the legal name)."""
    if not (iban or "").strip():
        raise PartnerInvalid({"iban": _("IBAN is required: the partner is paid its share.")}, codes={"iban": "iban_required"})
    try:
        number = iban_clean(value=iban)
    except FieldInvalid as exc:
        raise PartnerInvalid({"iban": exc.message}, codes={"iban": exc.code}) from None
    holder = " ".join((holder or "").split())
    if len(holder) > 70:
        raise PartnerInvalid({"iban_holder": _("The account holder's name is at most 70 characters (a SEPA transfer's limit).")},
                             codes={"iban_holder": "iban_holder_too_long"})
    partner.iban, partner.iban_holder = number, holder
    partner.save(update_fields=["iban", "iban_holder"])
    return partner


def partner_member_add(*, partner: Partner, user) -> PartnerMember:
    """The user sees and runs the partner's stores (as a manager). Adding twice is a no-op."""
    with transaction.atomic():
        member, _created = PartnerMember.objects.get_or_create(partner=partner, user=user)
    return member


def partner_member_remove(*, partner: Partner, user) -> int:
    """The user no longer acts for the partner. Returns the memberships removed (0 or 1)."""
    deleted, _detail = PartnerMember.objects.filter(partner=partner, user=user).delete()
    return deleted
