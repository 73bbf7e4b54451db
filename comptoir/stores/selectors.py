"""Reads of the stores app: who may act on which store, shelves, consignments, the audit trail,
and the public views of stores for buyers."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language

from comptoir.catalog.models import ProductText
from comptoir.inventory.models import LocationStatus, StockLevel
from comptoir.ledger.payouts import PartnerPayee
from comptoir.sellers.models import Seller, SellerStatus

from .errors import ConsignmentNotFound, StoreForbidden, StoreNotFound
from .services.returns import RETURN_DAYS
from .models import (
    Consignment,
    ConsignmentState,
    Partner,
    PartnerMember,
    PosSale,
    SaleKind,
    StaffRole,
    StockCorrection,
    Store,
    StoreStaff,
)

# --- who may act on which store ------------------------------------------------------------


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def store_role(*, user, store: Store) -> str | None:
    """The user's role at the store: operators and the members of the store's partner act as
    managers; staff have their own role; anyone else has none."""
    if not _signed_in(user):
        return None
    if user.is_staff:
        return StaffRole.MANAGER
    if store.partner_id and PartnerMember.objects.filter(user=user, partner_id=store.partner_id).exists():
        return StaffRole.MANAGER
    return StoreStaff.objects.filter(user=user, store=store).values_list("role", flat=True).first()


def store_role_require(*, user, store: Store, manager: bool = False) -> str:
    """The user's role at the store, or ``StoreForbidden`` (no role; a clerk where a manager is needed)."""
    role = store_role(user=user, store=store)
    if role is None:
        raise StoreForbidden("You do not work at this store.", field="store")
    if manager and role != StaffRole.MANAGER:
        raise StoreForbidden("Only a manager of this store may do this.", field="store")
    return role


def stores_for_user(*, user) -> QuerySet[Store]:
    """Stores the user may act on: those they work at, those of their partners, all for operators."""
    stores = Store.objects.select_related("location", "location__city", "market", "partner").order_by("location__name", "pk")
    if not _signed_in(user):
        return stores.none()
    if user.is_staff:
        return stores
    mine = Store.objects.filter(Q(staff__user=user) | Q(partner__members__user=user)).values("pk")
    return stores.filter(pk__in=mine)


def store_for_user(*, user, slug: str) -> Store:
    """The store with this slug if the user may act on it; else ``StoreNotFound`` (another
    store's existence is not revealed)."""
    store = stores_for_user(user=user).filter(slug=slug).first()
    if store is None:
        raise StoreNotFound("No such store.", field="store")
    return store


def partners_for_user(*, user) -> QuerySet[Partner]:
    if not _signed_in(user):
        return Partner.objects.none()
    partners = Partner.objects.order_by("legal_name")
    return partners if user.is_staff else partners.filter(members__user=user)


def sellers_for_user(*, user) -> QuerySet[Seller]:
    if not _signed_in(user):
        return Seller.objects.none()
    return Seller.objects.filter(members__user=user).order_by("display_name")


def store_staff(*, store: Store) -> QuerySet[StoreStaff]:
    return StoreStaff.objects.filter(store=store).select_related("user").order_by("role", "user__email", "pk")


# --- product titles ---------------------------------------------------------------------------


def product_titles(product_ids: Iterable[int], language: str | None = None) -> dict[int, str]:
    """{product id: title} in the language, else English, else any language."""
    language = (language or get_language() or "en")[:2]
    ranked: dict[int, tuple[int, str]] = {}
    for pid, lang, title in ProductText.objects.filter(product_id__in=set(product_ids)).values_list("product_id", "language", "title"):
        rank = 0 if lang == language else 1 if lang == "en" else 2
        if pid not in ranked or rank < ranked[pid][0]:
            ranked[pid] = (rank, title)
    return {pid: title for pid, (_rank, title) in ranked.items()}


# --- shelves ---------------------------------------------------------------------------------


def shelf_levels(*, store: Store, query: str = "", seller_id: int | None = None) -> QuerySet[StockLevel]:
    """The store's shelf: stock levels at its location with units on hand, whoever's units they
    are, by seller then product; `query` matches a product title, GTIN or brand, or a seller."""
    levels = (
        StockLevel.objects.filter(location_id=store.location_id, on_hand__gt=0)
        .select_related("offer", "offer__seller", "offer__product")
        .order_by("offer__seller__display_name", "offer__product_id", "pk")
    )
    if seller_id is not None:
        levels = levels.filter(offer__seller_id=seller_id)
    query = (query or "").strip()[:100]
    if query:
        levels = levels.filter(
            Q(offer__product__texts__title__icontains=query)
            | Q(offer__product__gtin__startswith=query)
            | Q(offer__product__brand__icontains=query)
            | Q(offer__seller__display_name__icontains=query)
        ).distinct()
    return levels


@dataclass(frozen=True, slots=True)
class ShelfSeller:
    seller_id: int
    name: str
    country: str
    offers: int
    on_hand: int
    held: int


def shelf_by_seller(*, store: Store) -> list[ShelfSeller]:
    """Whose units are on the shelf: per seller, the offers and units (on hand, held)."""
    rows = (
        StockLevel.objects.filter(location_id=store.location_id, on_hand__gt=0)
        .values("offer__seller_id", "offer__seller__display_name", "offer__seller__country")
        .annotate(offers=Count("pk"), on_hand=Sum("on_hand"), held=Sum("held"))
        .order_by("offer__seller__display_name")
    )
    return [
        ShelfSeller(r["offer__seller_id"], r["offer__seller__display_name"], r["offer__seller__country"], r["offers"], r["on_hand"], r["held"])
        for r in rows
    ]


def shelf_level_for_store(*, store: Store, level_id: int) -> StockLevel:
    level = (
        StockLevel.objects.filter(pk=level_id, location_id=store.location_id)
        .select_related("offer", "offer__seller", "offer__product")
        .first()
    )
    if level is None:
        raise StoreNotFound("No such shelf line in this store.", field="stock_level")
    return level


def seller_stock_by_store(*, seller: Seller) -> QuerySet[StockLevel]:
    """The seller's units in stores (its consigned stock), by store then product."""
    return (
        StockLevel.objects.filter(offer__seller=seller, location__store__isnull=False)
        .filter(Q(on_hand__gt=0) | Q(held__gt=0))
        .select_related("offer", "offer__product", "location", "location__store")
        .order_by("location__name", "offer__product_id", "pk")
    )


# --- consignments ----------------------------------------------------------------------------


def _consignments() -> QuerySet[Consignment]:
    return (
        Consignment.objects.select_related("seller", "store", "store__location", "warehouse")
        .annotate(units=Sum("lines__quantity"), units_counted=Sum("lines__quantity_received"), line_count=Count("lines"))
        .order_by("-created_at", "-id")
    )


def consignments_for_store(*, store: Store, states: Iterable[str] = ()) -> QuerySet[Consignment]:
    qs = _consignments().filter(store=store)
    states = list(states)
    return qs.filter(state__in=states) if states else qs


def consignments_for_seller(*, seller_ids: Iterable[int], states: Iterable[str] = ()) -> QuerySet[Consignment]:
    qs = _consignments().filter(seller_id__in=list(seller_ids))
    states = list(states)
    return qs.filter(state__in=states) if states else qs


def consignment_for_store(*, store: Store, reference: str) -> Consignment:
    """One consignment of this store, else ``ConsignmentNotFound`` (another store's is not shown)."""
    found = Consignment.objects.select_related("seller", "store", "store__location", "warehouse").filter(store=store, reference=reference).first()
    if found is None:
        raise ConsignmentNotFound("No such consignment at this store.", field="consignment")
    return found


def consignment_for_user_as_seller(*, user, reference: str) -> Consignment:
    """One consignment of a seller the user is a member of, else ``ConsignmentNotFound``."""
    found = (
        Consignment.objects.select_related("seller", "store", "store__location", "warehouse")
        .filter(reference=reference, seller__in=sellers_for_user(user=user))
        .first()
    )
    if found is None:
        raise ConsignmentNotFound("No such consignment.", field="consignment")
    return found


def consignment_lines(consignment: Consignment) -> list:
    lines = list(consignment.lines.select_related("offer", "offer__product"))
    titles = product_titles(line.offer.product_id for line in lines)
    for line in lines:
        line.title = titles.get(line.offer.product_id, line.offer.product.gtin)
    return lines


def store_pending_counts(*, store: Store) -> dict[str, int]:
    rows = Consignment.objects.filter(store=store, state__in=[ConsignmentState.PROPOSED, ConsignmentState.ACCEPTED, ConsignmentState.IN_TRANSIT])
    counts = dict(rows.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in (ConsignmentState.PROPOSED, ConsignmentState.ACCEPTED, ConsignmentState.IN_TRANSIT)}


def corrections_for_store(*, store: Store) -> QuerySet[StockCorrection]:
    return (
        StockCorrection.objects.filter(store=store)
        .select_related("stock_level__offer__seller", "stock_level__offer__product", "user", "consignment_line__consignment")
        .order_by("-created_at", "-id")
    )


# --- for buyers ------------------------------------------------------------------------------


def stores_public(*, market_code: str | None = None) -> QuerySet[Store]:
    """Open and planned stores (of a market): those that take consignments and that buyers
    may look up. The directory with distances and hours is ``directory.stores_for_market``."""
    stores = (
        Store.objects.filter(location__status__in=[LocationStatus.OPEN, LocationStatus.PLANNED])
        .select_related("location", "location__city", "market")
        .prefetch_related("location__opening_hours", "location__closed_days")
        .order_by("location__name", "pk")
    )
    return stores.filter(market__code=market_code.upper()) if market_code else stores


def store_public(*, slug: str) -> Store:
    store = stores_public().filter(slug=slug).first()
    if store is None:
        raise StoreNotFound("No such store.", field="slug")
    return store


def store_public_stock(*, store: Store) -> QuerySet[StockLevel]:
    """What buyers can find on the store's shelf: listable offers (active offer and product,
    approved seller) with available units, by product; nothing while the store is planned."""
    return (
        StockLevel.objects.filter(
            location_id=store.location_id,
            location__status=LocationStatus.OPEN,
            on_hand__gt=F("held"),
            offer__is_active=True,
            offer__product__is_active=True,
            offer__seller__status=SellerStatus.APPROVED,
        )
        .select_related("offer", "offer__seller", "offer__product")
        .order_by("offer__product_id", "offer__net_price", "pk")
    )


def partner_payees() -> dict[int, PartnerPayee]:
    """Every store partner as the payout run pays it: {partner id: name, IBAN}."""
    return {
        p.pk: PartnerPayee(partner_id=p.pk, name=p.beneficiary, iban=p.iban)
        for p in Partner.objects.only("legal_name", "iban", "iban_holder").order_by("pk")
    }


def till_refs_in_return_window(*, now=None) -> list[str]:
    """The ledger references of the in-store sales that may still come back (a till return
    within RETURN_DAYS debits the seller's and the partner's shares back), and of their returns
    so far: what the payout run keeps in reserve for sellers and store partners."""
    since = (now or timezone.now()) - timedelta(days=RETURN_DAYS)
    sales = PosSale.objects.filter(kind=SaleKind.SALE, created_at__gte=since)
    refs = [f"pos_sale:{number}" for number in sales.values_list("number", flat=True)]
    returns = PosSale.objects.filter(kind=SaleKind.RETURN, returned_sale__in=sales).values_list("number", flat=True)
    return refs + [f"pos_return:{number}" for number in returns]


def shelf_pickups_ready_due(*, store: Store, pickups: Iterable) -> dict[int, dt.datetime]:
    """{pickup id: the moment it was promised ready} for the shelf pickups among `pickups`
    (orders.Pickup): the one promise's opening time (2 opening hours) after the order, on the
    store's calendar. Two queries (the calendar), none per pickup."""
    from comptoir.inventory.hours import NeverOpen, OpeningCalendar
    from comptoir.inventory.promise import DEFAULT_POLICY, DeliveryMethod

    shelf = [p for p in pickups if p.seller_order.delivery_method == DeliveryMethod.PICKUP_SHELF]
    if not shelf:
        return {}
    calendar = OpeningCalendar.from_location(store.location)
    due = {}
    for pickup in shelf:
        try:
            due[pickup.pk] = calendar.ready_at(pickup.seller_order.order.created_at, DEFAULT_POLICY.shelf_ready_minutes)
        except NeverOpen:
            continue
    return due
