"""A seller's offers made one at a time (the seller centre, the API) and product proposals
turned into products with the seller's offer. Bulk loads go through ``inventory.imports``."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductImage, ProductProposal
from comptoir.catalog.proposals import proposal_close
from comptoir.catalog.errors import DuplicateGtin
from comptoir.catalog.services import product_create
from comptoir.markets.models import Market
from comptoir.sellers.models import Seller

from ..errors import InvalidOffer, OfferExists
from ..listing.refresh import listing_refresh
from ..models import Condition, LocationKind, Offer, StockLevel, StockLocation
from .status import MAX_ON_HAND

MAX_HANDLING_DAYS = 60
MAX_PRICE_MINOR = 10**11


@dataclass(frozen=True)
class OfferTerms:
    """What a seller sets on an offer: net price (minor units, excl. VAT), currency, condition,
    handling days, units on hand per location id."""

    net_price: int
    currency: str
    condition: str = Condition.NEW
    handling_days: int = 1
    stock: Mapping[int, int] | None = None

    def as_json(self) -> dict:
        return {"net_price": self.net_price, "currency": self.currency, "condition": self.condition,
                "handling_days": self.handling_days, "stock": {str(k): v for k, v in (self.stock or {}).items()}}

    @classmethod
    def from_json(cls, data: Mapping) -> OfferTerms:
        return cls(net_price=int(data["net_price"]), currency=data["currency"], condition=data.get("condition", "new"),
                   handling_days=int(data.get("handling_days", 1)),
                   stock={int(k): int(v) for k, v in (data.get("stock") or {}).items()})


def seller_location_ids(seller: Seller) -> set[int]:
    return set(StockLocation.objects.filter(seller=seller, kind=LocationKind.WAREHOUSE).values_list("pk", flat=True))


def offer_terms_check(seller: Seller, terms: OfferTerms, *, price_only: bool = False) -> None:
    """InvalidOffer (with the field) for the first rule the terms break."""
    if not isinstance(terms.net_price, int) or not 0 < terms.net_price <= MAX_PRICE_MINOR:
        raise InvalidOffer(_("The price must be above zero."), field="net_price")
    if price_only:
        return
    if not Market.objects.filter(is_active=True, currency=terms.currency).exists():
        raise InvalidOffer(_("No market sells in %(currency)s.") % {"currency": terms.currency}, field="currency")
    if terms.condition not in Condition.values:
        raise InvalidOffer(_("The condition must be one of: %(list)s.") % {"list": ", ".join(Condition.values)}, field="condition")
    if not isinstance(terms.handling_days, int) or not 0 <= terms.handling_days <= MAX_HANDLING_DAYS:
        raise InvalidOffer(_("Handling days must be a whole number from 0 to %(max)d.") % {"max": MAX_HANDLING_DAYS}, field="handling_days")
    own = seller_location_ids(seller)
    for location_id, units in (terms.stock or {}).items():
        if location_id not in own:
            raise InvalidOffer(_("Location %(id)s is not one of your stock locations.") % {"id": location_id}, field="stock")
        if not isinstance(units, int) or not 0 <= units <= MAX_ON_HAND:
            raise InvalidOffer(_("The quantity must be a whole number from 0 to %(max)d.") % {"max": MAX_ON_HAND}, field="stock")


def offer_create(*, seller: Seller, product: Product, terms: OfferTerms) -> Offer:
    """A new offer with its stock per location, listed at once where it has stock."""
    offer_terms_check(seller, terms)
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                seller=seller, product=product, condition=terms.condition, net_price=terms.net_price,
                currency=terms.currency, handling_days=terms.handling_days,
            )
            StockLevel.objects.bulk_create(
                [StockLevel(offer=offer, location_id=loc, on_hand=units) for loc, units in (terms.stock or {}).items()]
            )
            listing_refresh([product.pk])
    except IntegrityError:
        raise OfferExists(_("You already have an offer on this product in this condition."), field="gtin") from None
    return offer


def offer_update(*, offer: Offer, net_price: int, handling_days: int) -> Offer:
    """Change an offer's price and handling time; the listing follows in the same transaction."""
    offer_terms_check(offer.seller, OfferTerms(net_price=net_price, currency=offer.currency,
                                               condition=offer.condition, handling_days=handling_days))
    with transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(net_price=net_price, handling_days=handling_days)
        listing_refresh([offer.product_id])
    offer.net_price, offer.handling_days = net_price, handling_days
    return offer


def proposal_approve(*, proposal: ProductProposal) -> Offer | None:
    """The operator accepts a proposal: the product is created (texts, attributes, pictures) and
    the proposing seller's offer with the terms it gave (its locations that still exist). If the
    GTIN reached the catalogue meanwhile, the offer is made on that product. Returns the offer
    (None when the seller already has one on the product)."""
    seller = Seller.objects.get(pk=proposal.seller_id)
    with transaction.atomic():
        texts = {lang: (t["title"], t.get("description", "")) for lang, t in proposal.texts.items()}
        images = list(proposal.images.all())
        try:
            product = product_create(gtin=proposal.gtin, brand=proposal.brand, category=proposal.category,
                                     attributes=proposal.attributes, texts=texts, image=images[0].image if images else None)
            for position, extra in enumerate(images[1:], start=1):
                ProductImage.objects.create(product=product, image=extra.image.name, position=position)
        except DuplicateGtin:
            product = Product.objects.get(gtin=proposal.gtin)
        proposal_close(proposal=proposal, approved=True, product=product)
        terms = OfferTerms.from_json(proposal.offer)
        own = seller_location_ids(seller)
        terms = OfferTerms(net_price=terms.net_price, currency=terms.currency, condition=terms.condition,
                           handling_days=terms.handling_days, stock={k: v for k, v in terms.stock.items() if k in own})
        if Offer.objects.filter(seller=seller, product=product, condition=terms.condition).exists():
            return None
        return offer_create(seller=seller, product=product, terms=terms)


def proposal_reject(*, proposal: ProductProposal, reason: str) -> ProductProposal:
    return proposal_close(proposal=proposal, approved=False, reason=reason)
