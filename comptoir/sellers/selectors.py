"""Reads of the sellers app."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from django.utils.translation import gettext as _

from .errors import FieldInvalid, SellerNotFound, SellerNotTrading
from .models import (
    ApiKey, DeliveryState, Seller, SellerInvitation, SellerMember, SellerRole, SellerStatus, WebhookDelivery, WebhookEndpoint,
)


def sellers_visible_q(prefix: str = "") -> Q:
    """Q for rows whose seller is visible to buyers (approved only).

    ``prefix`` is the path to the seller: ``Seller.objects.filter(sellers_visible_q())``,
    ``Offer.objects.filter(sellers_visible_q("seller__"))``.
    """
    return Q(**{f"{prefix}status": SellerStatus.APPROVED})


def seller_is_visible(seller: Seller) -> bool:
    """True when buyers may see the seller and its offers (status approved)."""
    return seller.status == SellerStatus.APPROVED


def sellers_visible() -> QuerySet[Seller]:
    return Seller.objects.filter(sellers_visible_q())


def seller_get(*, seller_id: int) -> Seller:
    try:
        return Seller.objects.get(pk=seller_id)
    except (Seller.DoesNotExist, ValueError, TypeError):
        raise SellerNotFound(f"unknown seller {seller_id!r}", field="seller") from None


def sellers_of_user(*, user) -> QuerySet[Seller]:
    """Sellers the user is a member of (empty for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return Seller.objects.none()
    return Seller.objects.filter(members__user=user).order_by("display_name")


def seller_may_trade(seller: Seller) -> bool:
    """True when the seller may act on orders (accept, ship, cancel): approved only."""
    return seller.status == SellerStatus.APPROVED


def seller_require_trading(seller: Seller) -> None:
    """Raise ``SellerNotTrading`` (403) unless the seller is approved.

    Read from the row given: callers pass the seller they locked or read in the same
    transaction. Reading orders and the balance stays open to a suspended seller.
    """
    if not seller_may_trade(seller):
        if seller.status == SellerStatus.SUSPENDED:
            message = _("Your seller account is suspended: you can read your orders and balance, but not accept, ship or cancel orders.")
        else:
            message = _("Your seller account is not approved yet: you cannot accept, ship or cancel orders.")
        raise SellerNotTrading(message, field="seller")


def seller_language(seller: Seller) -> str:
    """The UI language the seller reads: its own choice, else its country's (markets.languages)."""
    from comptoir.markets.languages import country_ui_language

    return seller.language or country_ui_language(seller.country)


# --- team ----------------------------------------------------------------------------------

def member_of(*, user, seller_id: int) -> SellerMember | None:
    """The user's membership of that seller (with the seller), or None: the one access check
    of the seller centre (a seller's pages never show another seller's data)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return SellerMember.objects.select_related("seller").filter(user=user, seller_id=seller_id).first()


def memberships_of_user(*, user) -> list[SellerMember]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SellerMember.objects.select_related("seller").filter(user=user).order_by("seller__display_name", "pk"))


def team_of_seller(*, seller: Seller) -> list[SellerMember]:
    return list(SellerMember.objects.select_related("user").filter(seller=seller).order_by("role", "user__email"))


def invitations_open(*, seller: Seller) -> list[SellerInvitation]:
    now = timezone.now()
    return list(SellerInvitation.objects.filter(seller=seller, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now).order_by("-pk"))


def api_keys_of_seller(*, seller: Seller) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(seller=seller).order_by("revoked_at", "-created_at", "-pk")


# --- review ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Check:
    """One onboarding check as the operator's review queue shows it."""

    name: str
    ok: bool
    detail: str


def sellers_pending_review() -> QuerySet[Seller]:
    return Seller.objects.filter(status=SellerStatus.PENDING).select_related("city").order_by("created_at", "pk")


def seller_checks(seller: Seller) -> list[Check]:
    """Each identity check of ``seller`` run again on the stored values (python-stdnum, offline)."""
    from .identity import company_id_clean, iban_clean, is_sepa, vat_number_clean

    checks: list[Check] = []
    for name, call, value in (
        (_("VAT number"), lambda: vat_number_clean(country=seller.country, value=seller.vat_number), seller.vat_number),
        (_("Company identifier"), lambda: company_id_clean(country=seller.country, value=seller.company_id), seller.company_id),
        (_("Payout IBAN"), lambda: iban_clean(value=seller.iban), seller.iban),
    ):
        try:
            call()
            checks.append(Check(str(name), True, value or _("not required, not given")))
        except FieldInvalid as exc:
            checks.append(Check(str(name), False, str(exc.message)))
    if not seller.iban:
        checks.append(Check(_("Payout account"), False, _("No IBAN: this seller cannot be paid out.")))
    elif not is_sepa(seller.country):
        checks.append(Check(_("Payout account"), True, _("Established outside SEPA; paid to an account in %(cc)s.") % {"cc": seller.iban[:2]}))
    city_ok = seller.city_id is not None and seller.city.country == seller.country
    checks.append(Check(_("Warehouse city"), city_ok, f"{seller.address}, {seller.postcode} {seller.city.name}" if seller.city_id else _("No city given.")))
    owners = SellerMember.objects.filter(seller=seller, role=SellerRole.OWNER).count()
    checks.append(Check(_("Owner account"), owners > 0, _("%(n)d owner(s)") % {"n": owners}))
    return checks


# --- webhooks --------------------------------------------------------------------------------

def webhook_deliveries_due(now=None) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now or timezone.now()).order_by("next_attempt_at", "pk")


def webhook_endpoints_of_seller(*, seller: Seller) -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(seller=seller, disabled_at__isnull=True).order_by("pk"))


def webhook_deliveries_of_seller(*, seller: Seller) -> QuerySet[WebhookDelivery]:
    """The seller's deliveries, newest first, with their endpoint and attempts."""
    return (
        WebhookDelivery.objects.filter(endpoint__seller=seller).select_related("endpoint")
        .prefetch_related("attempt_log").order_by("-pk")
    )
