"""Seller API: offers, stock per location and product proposals of the caller's sellers (a
seller API key in X-Api-Key, or a member's bearer token). Another seller's offer or proposal
is a 404, exactly as if it did not exist."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from comptoir.catalog.errors import InvalidGtin
from comptoir.catalog.models import Category, Product, ProductProposal
from comptoir.catalog.proposals import proposal_create
from comptoir.catalog.services import gtin_normalise
from comptoir.common.errors import DomainError, NotFound, PermissionDenied
from comptoir.inventory import selectors
from comptoir.inventory.models import Condition, LocationKind, Offer, StockLevel, StockLocation
from comptoir.inventory.services import OfferTerms, offer_create, offer_terms_check, offer_update, offers_active_set, stock_set
from comptoir.inventory.services.offers import MAX_HANDLING_DAYS, MAX_PRICE_MINOR
from comptoir.inventory.services.status import MAX_ON_HAND
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.sellers.selectors import sellers_of_user

from .orders import ErrorOut

offers_router = Router(tags=["seller offers"])
locations_router = Router(tags=["seller offers"])
proposals_router = Router(tags=["seller product proposals"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PAGE_SIZE = 100


class UnknownGtin(DomainError):
    code = "unknown_gtin"
    status = 404


class StockIn(Schema):
    location_id: int = Field(ge=1, le=2**62)
    on_hand: int = Field(ge=0, le=MAX_ON_HAND)


class StockOut(Schema):
    location_id: int
    on_hand: int
    held: int


class OfferIn(Schema):
    gtin: str = Field(min_length=8, max_length=20)
    net_price: int = Field(ge=1, le=MAX_PRICE_MINOR, description="minor units, excl. VAT")
    currency: str = Field(min_length=3, max_length=3)
    condition: Condition = Condition.NEW
    handling_days: int = Field(1, ge=0, le=MAX_HANDLING_DAYS)
    stock: list[StockIn] = Field(default_factory=list, max_length=100)
    seller_id: int | None = Field(None, ge=1, le=2**62, description="needed when the caller acts for several sellers")


class OfferPatch(Schema):
    net_price: int | None = Field(None, ge=1, le=MAX_PRICE_MINOR)
    handling_days: int | None = Field(None, ge=0, le=MAX_HANDLING_DAYS)
    is_active: bool | None = None


class StockPut(Schema):
    levels: list[StockIn] = Field(min_length=1, max_length=100)


class OfferOut(Schema):
    id: int
    seller_id: int
    gtin: str
    condition: str
    net_price: int
    currency: str
    handling_days: int
    is_active: bool
    stock: list[StockOut]


class LocationOut(Schema):
    id: int
    name: str
    country: str


class TextIn(Schema):
    title: str = Field(min_length=1, max_length=250)
    description: str = Field("", max_length=5000)


class ProposalIn(Schema):
    gtin: str = Field(min_length=8, max_length=20)
    brand: str = Field(min_length=1, max_length=120)
    category: str = Field(min_length=1, max_length=50, description="category slug")
    texts: dict[str, TextIn] = Field(description="language (fr, es, en) → title and description")
    attributes: dict[str, str] = Field(default_factory=dict)
    offer: OfferIn


class ProposalOut(Schema):
    id: int
    seller_id: int
    gtin: str
    brand: str
    category: str
    status: str
    reason: str
    texts: dict
    attributes: dict
    offer: dict
    product_gtin: str | None


def _scope(request) -> list[int]:
    ids = getattr(request, "api_seller_ids", None)
    return ids if ids is not None else [s.pk for s in sellers_of_user(user=request.user)]


def _acting_seller(request, seller_id: int | None) -> Seller:
    """The seller a write is for: the only one in scope, or the one named; suspended → 403."""
    ids = _scope(request)
    if seller_id is None and len(ids) != 1:
        raise DomainError(_("You act for several sellers: say which with seller_id."), code="seller_required", field="seller_id")
    chosen = seller_id if seller_id is not None else ids[0]
    if chosen not in ids:
        raise NotFound(_("No such seller."))
    seller = Seller.objects.get(pk=chosen)
    if seller.status == SellerStatus.SUSPENDED:
        raise PermissionDenied(_("The seller is suspended: its offers cannot be changed."), code="seller_suspended")
    return seller


def _offer(request, offer_id: int) -> Offer:
    offer = Offer.objects.filter(pk=offer_id, seller_id__in=_scope(request)).select_related("product", "seller").first()
    if offer is None:
        raise NotFound(_("No such offer."))
    return offer


def _offers_out(offers: list[Offer]) -> list[dict]:
    levels: dict[int, list[dict]] = {}
    for lvl in StockLevel.objects.filter(offer_id__in=[o.pk for o in offers]).order_by("location_id"):
        levels.setdefault(lvl.offer_id, []).append({"location_id": lvl.location_id, "on_hand": lvl.on_hand, "held": lvl.held})
    return [{"id": o.pk, "seller_id": o.seller_id, "gtin": o.product.gtin, "condition": o.condition, "net_price": o.net_price,
             "currency": o.currency, "handling_days": o.handling_days, "is_active": o.is_active,
             "stock": levels.get(o.pk, [])} for o in offers]


def _gtin(value: str) -> str:
    try:
        return gtin_normalise(value)
    except InvalidGtin as exc:
        raise DomainError(str(exc.message), code="invalid_gtin", field="gtin") from None


def _terms(payload: OfferIn) -> OfferTerms:
    return OfferTerms(net_price=payload.net_price, currency=payload.currency.upper(), condition=payload.condition.value,
                      handling_days=payload.handling_days, stock={s.location_id: s.on_hand for s in payload.stock})


@offers_router.get("", response=list[OfferOut])
def offer_list(request, q: str = Query("", max_length=100), active: bool | None = None, in_stock: bool | None = None,
               page: int = Query(1, ge=1, le=100_000)):
    """The caller's offers, newest first, 100 a page; `q` searches GTIN digits and titles."""
    offers = []
    for seller_id in _scope(request):
        offers.extend(selectors.seller_offers(seller_id=seller_id, query=q, active=active, in_stock=in_stock))
    offers.sort(key=lambda o: (o.updated_at, o.pk), reverse=True)
    return _offers_out(offers[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])


@offers_router.post("", response={201: OfferOut, **ERRORS})
def offer_new(request, payload: OfferIn):
    """An offer on a catalogue product (by GTIN); an unknown GTIN is 404 `unknown_gtin`:
    propose the product with POST /seller-proposals."""
    seller = _acting_seller(request, payload.seller_id)
    product = Product.objects.filter(gtin=_gtin(payload.gtin)).first()
    if product is None:
        raise UnknownGtin(_("No product with this GTIN in the catalogue: propose it with POST /seller-proposals."), field="gtin")
    offer = offer_create(seller=seller, product=product, terms=_terms(payload))
    return 201, _offers_out([Offer.objects.select_related("product").get(pk=offer.pk)])[0]


@offers_router.get("/{offer_id}", response={200: OfferOut, 404: ErrorOut})
def offer_get(request, offer_id: int):
    return 200, _offers_out([_offer(request, offer_id)])[0]


@offers_router.patch("/{offer_id}", response={200: OfferOut, **ERRORS})
def offer_patch(request, offer_id: int, payload: OfferPatch):
    """Change the price, the handling time, or pause (is_active false) and resume."""
    offer = _offer(request, offer_id)
    _acting_seller(request, offer.seller_id)
    with transaction.atomic():
        if payload.net_price is not None or payload.handling_days is not None:
            offer_update(offer=offer, net_price=payload.net_price or offer.net_price,
                         handling_days=offer.handling_days if payload.handling_days is None else payload.handling_days)
        if payload.is_active is not None:
            offers_active_set(offer_ids=[offer.pk], active=payload.is_active, seller=offer.seller)
    return 200, _offers_out([_offer(request, offer_id)])[0]


@offers_router.put("/{offer_id}/stock", response={200: OfferOut, **ERRORS})
def offer_stock(request, offer_id: int, payload: StockPut):
    """Set units on hand per location (all or none: one refused level leaves every level as it was)."""
    offer = _offer(request, offer_id)
    _acting_seller(request, offer.seller_id)
    own = {loc.pk: loc for loc in StockLocation.objects.filter(seller_id=offer.seller_id, kind=LocationKind.WAREHOUSE)}
    with transaction.atomic():
        for level in payload.levels:
            if level.location_id not in own:
                raise NotFound(_("Location %(id)d is not one of your stock locations.") % {"id": level.location_id},
                               field="location_id")
            stock_set(offer=offer, location=own[level.location_id], on_hand=level.on_hand)
    return 200, _offers_out([_offer(request, offer_id)])[0]


@locations_router.get("", response=list[LocationOut])
def location_list(request):
    """The caller's stock locations (the ids that stock levels name)."""
    return list(StockLocation.objects.filter(seller_id__in=_scope(request), kind=LocationKind.WAREHOUSE)
                .order_by("pk").values("id", "name", "country"))


def _proposal_out(p: ProductProposal) -> dict:
    return {"id": p.pk, "seller_id": p.seller_id, "gtin": p.gtin, "brand": p.brand, "category": p.category.slug,
            "status": p.status, "reason": p.reason, "texts": p.texts, "attributes": p.attributes, "offer": p.offer,
            "product_gtin": p.product.gtin if p.product_id else None}


@proposals_router.get("", response=list[ProposalOut])
def proposal_list(request, page: int = Query(1, ge=1, le=100_000)):
    proposals = ProductProposal.objects.filter(seller_id__in=_scope(request)).select_related("category", "product")
    return [_proposal_out(p) for p in proposals[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]


@proposals_router.post("", response={201: ProposalOut, **ERRORS})
def proposal_new(request, payload: ProposalIn):
    """Propose a product the catalogue lacks, with the offer to make on it once approved."""
    seller = _acting_seller(request, payload.offer.seller_id)
    category = Category.objects.filter(slug=payload.category).first()
    if category is None:
        raise DomainError(_("No such category."), code="invalid_category", field="category")
    terms = _terms(payload.offer)
    offer_terms_check(seller, terms)
    proposal = proposal_create(
        seller_id=seller.pk, gtin=_gtin(payload.gtin), brand=payload.brand, category=category,
        texts={lang: (t.title, t.description) for lang, t in payload.texts.items()}, attributes=payload.attributes,
        offer=terms.as_json(), user=request.user if request.user.is_authenticated else None,
    )
    return 201, _proposal_out(proposal)


@proposals_router.get("/{proposal_id}", response={200: ProposalOut, 404: ErrorOut})
def proposal_get(request, proposal_id: int):
    proposal = (ProductProposal.objects.filter(pk=proposal_id, seller_id__in=_scope(request))
                .select_related("category", "product").first())
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return 200, _proposal_out(proposal)


def install(api, auth) -> None:
    api.add_router("/seller-offers", offers_router, auth=auth)
    api.add_router("/seller-locations", locations_router, auth=auth)
    api.add_router("/seller-proposals", proposals_router, auth=auth)
