"""State changes that decide what buyers see, each keeping every read model true.

A seller's status, a product's or an offer's active flag and the stock on hand decide whether
an offer is listable. Each change below is one service that makes the change and refreshes the
listing summary (and, for products, the search index) in the same transaction, whichever page,
API handler, admin action or command calls it. ``sellers`` and ``catalog`` keep only the bare
state rules (``seller_status_change``, ``product_active_set``); nothing else should call them.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from comptoir.catalog.models import Product
from comptoir.catalog.services import product_active_set
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.services import seller_status_change

from ..errors import InvalidQuantity, StockBelowHeld
from ..listing.refresh import listing_refresh, listing_refresh_seller
from ..models import LocationKind, Offer, StockLevel, StockLocation

MAX_ON_HAND = 1_000_000


def _seller_move(seller: Seller, *, source: str, target: str) -> Seller:
    with transaction.atomic():
        # approve and reinstate both lead to APPROVED: each has its own start
        seller_status_change(seller=seller, target=target, source=source)
        listing_refresh_seller(seller.pk)
    return seller


def seller_approve(*, seller: Seller) -> Seller:
    """pending → approved: its offers with stock appear on category pages and in search. A
    seller without a stock location gets its first warehouse at its registered address."""
    with transaction.atomic():
        _seller_move(seller, source=SellerStatus.PENDING, target=SellerStatus.APPROVED)
        if seller.city_id is not None and not StockLocation.objects.filter(seller=seller).exists():
            warehouse_create(seller=seller, name=seller.display_name, address=seller.address, city=seller.city)
    return seller


def warehouse_create(*, seller: Seller, name: str, address: str, city, postcode: str = "") -> StockLocation:
    """A warehouse of the seller's at `city` (its coordinates); an empty warehouse lists nothing."""
    name = (name or "").strip()[:120] or city.display_name
    return StockLocation.objects.create(
        kind=LocationKind.WAREHOUSE, seller=seller, name=name, address=(address or "").strip()[:200],
        postcode=(postcode or "").strip()[:16], city=city, country=city.country,
        latitude=city.latitude, longitude=city.longitude,
    )


def seller_suspend(*, seller: Seller) -> Seller:
    """approved → suspended: its products leave category pages and search at once."""
    return _seller_move(seller, source=SellerStatus.APPROVED, target=SellerStatus.SUSPENDED)


def seller_reinstate(*, seller: Seller) -> Seller:
    """suspended → approved: its offers with stock are listed again."""
    return _seller_move(seller, source=SellerStatus.SUSPENDED, target=SellerStatus.APPROVED)


def product_activate(*, product: Product) -> Product:
    """The product is searchable and listed again (where it has listable offers)."""
    with transaction.atomic():
        product_active_set(product=product, active=True)
        listing_refresh([product.pk])
    return product


def product_deactivate(*, product: Product) -> Product:
    """The product leaves search, category pages and the product page's offers."""
    with transaction.atomic():
        product_active_set(product=product, active=False)
        listing_refresh([product.pk])
    return product


def offers_active_set(*, offer_ids: Sequence[int], active: bool, seller: Seller | None = None) -> int:
    """Pause (active=False) or resume offers, in bulk; with `seller`, only that seller's offers
    are touched. Refreshes the listing of their products once. Returns the offers changed."""
    offers = Offer.objects.filter(pk__in=list(offer_ids)).exclude(is_active=active)
    if seller is not None:
        offers = offers.filter(seller=seller)
    with transaction.atomic():
        product_ids = sorted(set(offers.values_list("product_id", flat=True)))
        changed = offers.update(is_active=active)
        listing_refresh(product_ids)
    return changed


def offer_pause(*, offer: Offer) -> Offer:
    """The offer stops selling: gone from the listing and the product page; its stock stays."""
    offers_active_set(offer_ids=[offer.pk], active=False)
    offer.is_active = False
    return offer


def offer_resume(*, offer: Offer) -> Offer:
    """The offer sells again (where it has stock)."""
    offers_active_set(offer_ids=[offer.pk], active=True)
    offer.is_active = True
    return offer


def stock_set(*, offer: Offer, location: StockLocation, on_hand: int) -> StockLevel:
    """Set the units on hand of an offer at a location (a seller's count), under the stock row
    lock; never below the units held for orders and reservations (``StockBelowHeld``). The
    listing is refreshed in the same transaction."""
    if not isinstance(on_hand, int) or not 0 <= on_hand <= MAX_ON_HAND:
        raise InvalidQuantity(f"Units on hand must be a whole number from 0 to {MAX_ON_HAND}.", field="on_hand")
    with transaction.atomic():
        level, _created = StockLevel.objects.get_or_create(offer=offer, location=location)
        level = StockLevel.objects.select_for_update().get(pk=level.pk)
        if on_hand < level.held:
            raise StockBelowHeld(
                f"{level.held} units are held for orders or reservations: on hand cannot go below that.",
                field="on_hand",
            )
        StockLevel.objects.filter(pk=level.pk).update(on_hand=on_hand)
        listing_refresh([offer.product_id])
        level.on_hand = on_hand
    return level


def stock_adjust(*, offer: Offer, location: StockLocation, delta: int) -> StockLevel:
    """Add (or remove, negative) units on hand, under the row lock; see ``stock_set``."""
    with transaction.atomic():
        level, _created = StockLevel.objects.get_or_create(offer=offer, location=location)
        current = StockLevel.objects.select_for_update().values_list("on_hand", flat=True).get(pk=level.pk)
        return stock_set(offer=offer, location=location, on_hand=current + delta)

