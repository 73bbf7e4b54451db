"""Orders API: quote, place (Idempotency-Key), read own orders, cancel a part; seller orders."""
from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema

from comptoir.common.errors import DomainError, NotFound
from comptoir.markets.models import Market
from comptoir.orders import selectors, services
from comptoir.orders.address import Address
from comptoir.orders.errors import MarketNotServed
from comptoir.orders.models import MAX_LINE_QUANTITY, Order, SellerOrder
from comptoir.orders.quote import LineRequest, destination_point, quote_build

from .auth import BuyerToken, SellerApiKey

router = Router(tags=["orders"])
seller_router = Router(tags=["seller orders"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class LineIn(Schema):
    offer_id: int = Field(ge=1, le=2**62)
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)


class AddressIn(Schema):
    full_name: str = Field(min_length=1, max_length=120)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field("", max_length=200)
    postcode: str = Field(min_length=1, max_length=12)
    city: str = Field(min_length=1, max_length=120)
    country: str = Field(min_length=2, max_length=2)
    phone: str = Field(min_length=1, max_length=30)


class CardIn(Schema):
    number: str = Field(min_length=12, max_length=23)
    expiry: str = Field(min_length=4, max_length=7, description="MM/YY")
    cvc: str = Field(min_length=3, max_length=4)


class QuoteIn(Schema):
    lines: list[LineIn] = Field(min_length=1, max_length=100)
    address: AddressIn
    delivery: dict[str, str] = Field(default_factory=dict, description="group key → delivery method")


class OrderIn(QuoteIn):
    card: CardIn
    expected_total: int | None = Field(None, ge=0, le=2**62, description="the total the buyer confirmed, minor units")


class LineOut(Schema):
    offer_id: int
    title: str
    quantity: int
    unit_net: int
    vat_rate_bp: int
    line_net: int
    line_vat: int
    line_gross: int
    liable_party: str


class PartOut(Schema):
    number: str
    seller_id: int
    seller_name: str
    state: str
    delivery_method: str
    delivery_net: int
    delivery_vat: int
    promised_from: date
    promised_to: date
    goods_net: int
    vat_total: int
    total_gross: int
    carrier: str
    tracking_number: str
    lines: list[LineOut]


class VatOut(Schema):
    rate_bp: int
    net: int
    vat: int


class OrderOut(Schema):
    reference: str
    currency: str
    payment_status: str
    goods_net: int
    delivery_net: int
    vat_total: int
    total_gross: int
    vat_breakdown: list[VatOut]
    parts: list[PartOut]


class OptionOut(Schema):
    code: str  # standard, express, or pickup_shelf@<store location id>, pickup_shipped@<store location id>
    label: str
    net: int
    earliest: date
    latest: date
    store_location_id: int | None = None  # click & collect: the store
    store_name: str = ""
    store_km: float | None = None


class GroupOut(Schema):
    key: str
    seller_id: int
    seller_name: str
    chosen: str
    options: list[OptionOut]
    lines: list[LineOut]


class NoticeOut(Schema):
    code: str
    message: str
    offer_id: int | None


class QuoteOut(Schema):
    currency: str
    goods_net: int
    delivery_net: int
    vat_total: int
    total_gross: int
    vat_breakdown: list[VatOut]
    groups: list[GroupOut]
    notices: list[NoticeOut]


class ShipIn(Schema):
    carrier: str = Field(min_length=1, max_length=60)
    tracking_number: str = Field(min_length=1, max_length=60)


class CancelIn(Schema):
    reason: str = Field("", max_length=200)


class SellerOrderOut(PartOut):
    order_reference: str
    ship_to_name: str
    ship_to_postcode: str
    ship_to_city: str
    ship_to_country: str


def _line_out(line) -> dict:
    return {
        "offer_id": line.offer_id, "title": line.title, "quantity": line.quantity, "unit_net": line.unit_net,
        "vat_rate_bp": line.vat_rate_bp, "line_net": line.line_net, "line_vat": line.line_vat,
        "line_gross": line.line_gross, "liable_party": line.liable_party,
    }


def _part_out(part: selectors.PartRead) -> dict:
    return {
        "number": part.number, "seller_id": part.seller_id, "seller_name": part.seller_name, "state": part.state,
        "delivery_method": part.delivery_method, "delivery_net": part.delivery_net, "delivery_vat": part.delivery_vat,
        "promised_from": part.promised_from, "promised_to": part.promised_to, "goods_net": part.goods_net,
        "vat_total": part.vat_total, "total_gross": part.total_gross, "carrier": part.carrier,
        "tracking_number": part.tracking_number, "lines": [_line_out(line) for line in part.lines],
    }


def _orders_out(orders) -> list[dict]:
    """Orders with their parts and lines, all read in one query (selectors.order_parts_read)."""
    orders = list(orders)
    parts = selectors.order_parts_read(o.pk for o in orders)
    return [
        {
            "reference": order.reference, "currency": order.currency, "payment_status": order.payment_status,
            "goods_net": order.goods_net, "delivery_net": order.delivery_net, "vat_total": order.vat_total,
            "total_gross": order.total_gross,
            "vat_breakdown": [{"rate_bp": b.rate_bp, "net": b.net, "vat": b.vat} for b in selectors.parts_vat_breakdown(parts[order.pk])],
            "parts": [_part_out(p) for p in parts[order.pk]],
        }
        for order in orders
    ]


def _order_out(order: Order) -> dict:
    return _orders_out([order])[0]


def _address(data: AddressIn) -> Address:
    return Address(full_name=data.full_name, line1=data.line1, line2=data.line2, postcode=data.postcode,
                   city=data.city, country=data.country, phone=data.phone)


def _language(request) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or "en")[:2]


ERRORS = {400: ErrorOut, 401: ErrorOut, 402: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.post("/quote", response={200: QuoteOut, **ERRORS})
def quote(request, payload: QuoteIn):
    """Price lines for delivery to an address: groups per seller with delivery options."""
    country = payload.address.country.upper()
    market = Market.objects.filter(code=country, is_active=True).first()
    if market is None:
        raise MarketNotServed(_("We do not deliver to this country yet."), field="country")
    q = quote_build(
        lines=[LineRequest(line.offer_id, line.quantity) for line in payload.lines], market=market,
        destination=destination_point(country=country, postcode=payload.address.postcode, city=payload.address.city),
        delivery_choices=payload.delivery, language=_language(request), pickup=True,
    )
    return 200, {
        "currency": q.currency, "goods_net": q.totals.goods_net, "delivery_net": q.totals.delivery_net,
        "vat_total": q.totals.vat, "total_gross": q.totals.gross,
        "vat_breakdown": [{"rate_bp": b.rate_bp, "net": b.net, "vat": b.vat} for b in q.breakdown],
        "groups": [
            {
                "key": g.key, "seller_id": g.seller_id, "seller_name": g.seller_name, "chosen": g.chosen.code,
                "options": [
                    {"code": o.code, "label": o.label, "net": o.net, "earliest": o.earliest, "latest": o.latest,
                     "store_location_id": o.store_location_id, "store_name": o.store_name, "store_km": o.store_km}
                    for o in g.options
                ],
                "lines": [
                    {"offer_id": ql.offer_id, "title": ql.title, "quantity": ql.quantity, "unit_net": ql.price.unit_net,
                     "vat_rate_bp": ql.price.rate_bp, "line_net": ql.price.net, "line_vat": ql.price.vat,
                     "line_gross": ql.price.gross, "liable_party": ql.liable_party}
                    for ql in g.lines
                ],
            }
            for g in q.groups
        ],
        "notices": [{"code": n.code, "message": n.message, "offer_id": n.offer_id} for n in q.notices],
    }


@router.post("", response={201: OrderOut, **ERRORS})
def order_create(request: HttpRequest, payload: OrderIn, idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=80)):
    """Place an order. The same Idempotency-Key with the same body returns the same order."""
    order = services.order_place(
        buyer=request.user,
        lines=[LineRequest(line.offer_id, line.quantity) for line in payload.lines],
        address=_address(payload.address),
        delivery_choices=payload.delivery,
        card=services.CardDetails(payload.card.number, payload.card.expiry, payload.card.cvc),
        idempotency_key=idempotency_key,
        expected_total=payload.expected_total,
        language=_language(request),
    )
    return 201, _order_out(order)


@router.get("", response=list[OrderOut])
def order_list(request):
    """The caller's orders, newest first (at most 50)."""
    return _orders_out(selectors.buyer_orders_plain(request.user)[:50])


@router.get("/{reference}", response={200: OrderOut, 404: ErrorOut})
def order_get(request, reference: str):
    """One of the caller's orders. Another buyer's order is 404."""
    return 200, _order_out(selectors.order_for_buyer(buyer=request.user, reference=reference, with_parts=False))


@router.post("/{reference}/parts/{number}/cancel", response={200: PartOut, **ERRORS})
def order_part_cancel(request, reference: str, number: str, payload: CancelIn):
    """The buyer cancels one part before it ships (stock released, money refunded)."""
    order = selectors.order_for_buyer(buyer=request.user, reference=reference)
    part = order.parts.filter(number=number).first()
    if part is None:
        raise NotFound(_("No such order."))
    part = services.seller_order_cancel(seller_order_id=part.pk, buyer=request.user, reason=payload.reason)
    return 200, _part_out(selectors.seller_order_parts_read([part.pk])[part.pk])


# --- seller orders --------------------------------------------------------------------------

def _seller_scope(request) -> list[int]:
    ids = getattr(request, "api_seller_ids", None)
    if ids is None:
        ids = [s.pk for s in selectors.sellers_of_user(request.user)]
    return ids


def _seller_orders_out(parts: list[SellerOrder]) -> list[dict]:
    """Seller orders (their order read with them), each with its lines: one more query for all."""
    reads = selectors.seller_order_parts_read(part.pk for part in parts)
    return [
        _part_out(reads[part.pk]) | {
            "order_reference": part.order.reference, "ship_to_name": part.order.full_name,
            "ship_to_postcode": part.order.postcode, "ship_to_city": part.order.city_name, "ship_to_country": part.order.country,
        }
        for part in parts
    ]


def _seller_part(request, number: str) -> SellerOrder:
    part = (
        SellerOrder.objects.filter(number=number, seller_id__in=_seller_scope(request))
        .select_related("order", "seller").first()
    )
    if part is None:
        raise NotFound(_("No such order."))
    return part


@seller_router.get("", response=list[SellerOrderOut])
def seller_order_list(request, state: str | None = None):
    """Seller orders of the caller's sellers (seller API key, or a member's token), newest first."""
    qs = SellerOrder.objects.filter(seller_id__in=_seller_scope(request)).select_related("order")
    if state:
        qs = qs.filter(state=state)
    return _seller_orders_out(list(qs.order_by("-pk")[:100]))


@seller_router.get("/{number}", response={200: SellerOrderOut, 404: ErrorOut})
def seller_order_get(request, number: str):
    """One seller order; another seller's is 404."""
    return 200, _seller_orders_out([_seller_part(request, number)])[0]


def _act(request, number: str, action):
    part = _seller_part(request, number)
    action(part)  # each service is its own transaction(s); money moves at the provider outside them
    return 200, _seller_orders_out([_seller_part(request, number)])[0]


@seller_router.post("/{number}/accept", response={200: SellerOrderOut, **ERRORS})
def seller_order_accept(request, number: str):
    return _act(request, number, lambda p: services.seller_order_accept(seller_order_id=p.pk, seller=p.seller))


@seller_router.post("/{number}/ship", response={200: SellerOrderOut, **ERRORS})
def seller_order_ship(request, number: str, payload: ShipIn):
    return _act(request, number, lambda p: services.seller_order_ship(
        seller_order_id=p.pk, seller=p.seller, carrier=payload.carrier, tracking_number=payload.tracking_number))


@seller_router.post("/{number}/deliver", response={200: SellerOrderOut, **ERRORS})
def seller_order_deliver(request, number: str):
    return _act(request, number, lambda p: services.seller_order_deliver(seller_order_id=p.pk, seller=p.seller))


@seller_router.post("/{number}/cancel", response={200: SellerOrderOut, **ERRORS})
def seller_order_cancel(request, number: str, payload: CancelIn):
    return _act(request, number, lambda p: services.seller_order_cancel(seller_order_id=p.pk, seller=p.seller, reason=payload.reason))


def install(api) -> None:
    api.add_router("/orders", router, auth=BuyerToken())
    api.add_router("/seller-orders", seller_router, auth=[SellerApiKey(), BuyerToken()])
