"""Stores API for buyers: open and planned stores (address, coordinates, hours today) and what
is on a store's shelf (products, offers, units). Public, paginated."""
from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from comptoir.common.errors import NotFound
from comptoir.markets.models import Market
from comptoir.stores import directory, selectors

from .orders import ErrorOut

router = Router(tags=["stores"])


class PageIn(Schema):
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class StoresIn(PageIn):
    market: str = Field(min_length=2, max_length=2, description="market code, e.g. ES")


class IntervalOut(Schema):
    opens: str = Field(description="local time HH:MM")
    closes: str


class StoreOut(Schema):
    slug: str
    name: str
    status: str = Field(description="open or planned")
    market: str
    address: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    partner: str = Field(description="the partner running the store, empty when the operator does")
    open_now: bool
    hours_today: list[IntervalOut]


class StoresPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[StoreOut]


class ShelfOfferOut(Schema):
    offer_id: int
    seller_id: int
    seller_name: str
    seller_country: str
    condition: str
    net_price: int = Field(description="excl. VAT, minor units")
    currency: str
    units: int = Field(description="units available on the shelf")


class ShelfProductOut(Schema):
    product_id: int
    gtin: str
    brand: str
    title: str
    offers: list[ShelfOfferOut]


class ShelfPage(Schema):
    store: str
    count: int
    page: int
    page_size: int
    items: list[ShelfProductOut]


def _store_out(card: directory.StoreCard, market: Market) -> dict:
    return {
        "slug": card.slug, "name": card.name, "status": card.status, "market": market.code, "address": card.address,
        "postcode": card.postcode, "city": card.city_name, "latitude": card.latitude, "longitude": card.longitude,
        "partner": card.partner_name, "open_now": card.open_now,
        "hours_today": [{"opens": o.strftime("%H:%M"), "closes": c.strftime("%H:%M")} for o, c in card.hours_today],
    }


@router.get("", response={200: StoresPage, 404: ErrorOut})
def stores_list(request, params: Query[StoresIn]):
    """The market's open and planned stores (open ones first, then by name), with today's
    opening hours in the store's local time (none for a planned store)."""
    market = Market.objects.filter(code=params.market.upper()).first()
    if market is None:
        raise NotFound(_("Unknown market %(code)s.") % {"code": params.market}, code="market_not_found", field="market")
    cards = directory.stores_for_market(market=market)
    start = (params.page - 1) * params.page_size
    items = [_store_out(card, market) for card in cards[start : start + params.page_size]]
    return {"count": len(cards), "page": params.page, "page_size": params.page_size, "items": items}


@router.get("/{slug}/stock", response={200: ShelfPage, 404: ErrorOut})
def store_stock(request, slug: str, params: Query[PageIn]):
    """What buyers can find on the store's shelf: each product with its sellers' offers and the
    units available (listable offers of an open store only), by product."""
    store = selectors.store_public(slug=slug[:60])
    levels = selectors.store_public_stock(store=store)
    product_ids = list(levels.values_list("offer__product_id", flat=True).distinct().order_by("offer__product_id"))
    start = (params.page - 1) * params.page_size
    page_ids = product_ids[start : start + params.page_size]
    titles = selectors.product_titles(page_ids)
    items: dict[int, dict] = {}
    for lv in levels.filter(offer__product_id__in=page_ids):
        product = lv.offer.product
        item = items.setdefault(product.pk, {"product_id": product.pk, "gtin": product.gtin, "brand": product.brand,
                                             "title": titles.get(product.pk, product.gtin), "offers": []})
        item["offers"].append({
            "offer_id": lv.offer_id, "seller_id": lv.offer.seller_id, "seller_name": lv.offer.seller.display_name,
            "seller_country": lv.offer.seller.country, "condition": lv.offer.condition, "net_price": lv.offer.net_price,
            "currency": lv.offer.currency, "units": lv.units_free,
        })
    return {"store": store.slug, "count": len(product_ids), "page": params.page, "page_size": params.page_size,
            "items": [items[pid] for pid in page_ids if pid in items]}


def install(api) -> None:
    api.add_router("/stores", router)
