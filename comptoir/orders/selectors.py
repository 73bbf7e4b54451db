"""Order reads: carts priced for display, a buyer's orders, a seller's seller orders, VAT breakdowns."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from comptoir.inventory.promise import PICKUP_METHODS
from comptoir.markets.models import Market
from comptoir.sellers.models import Seller

from . import pricing
from .errors import NotFound
from .models import Cart, CartLine, Order, OrderLine, Pickup, Refund, RefundLine, RefundState, SellerOrder, SellerOrderState
from .quote import LineRequest, Notice, Quote, quote_build


@dataclass(frozen=True)
class CartView:
    cart: Cart | None
    quote: Quote | None
    notices: tuple[Notice, ...]
    count: int


def cart_view(
    *, cart: Cart | None, market: Market, destination=None, delivery_choices=None, language: str = "en", pickup: bool = False
) -> CartView:
    """The cart priced now, with notices for lines that changed (price), cannot be bought
    (withdrawn, out of stock). Call cart_acknowledge() after showing it."""
    if cart is None:
        return CartView(None, None, (), 0)
    lines = list(CartLine.objects.filter(cart=cart).select_related("offer"))
    if not lines:
        return CartView(cart, None, (), 0)
    quote = quote_build(
        lines=[LineRequest(cl.offer_id, cl.quantity) for cl in lines], market=market, destination=destination,
        delivery_choices=delivery_choices, language=language, pickup=pickup,
    )
    notices = list(quote.notices)
    for cl in lines:
        if cl.offer.net_price != cl.seen_unit_net and cl.offer.is_active:
            notices.append(Notice("price_changed", _("The price of an item changed since you added it."), cl.offer_id))
    return CartView(cart, quote, tuple(notices), sum(cl.quantity for cl in lines))


def cart_acknowledge(cart: Cart) -> None:
    """The buyer has seen the current prices: later changes will be flagged again."""
    for cl in CartLine.objects.filter(cart=cart).select_related("offer"):
        if cl.seen_unit_net != cl.offer.net_price:
            CartLine.objects.filter(pk=cl.pk).update(seen_unit_net=cl.offer.net_price)


def cart_count(cart: Cart | None) -> int:
    if cart is None:
        return 0
    return sum(CartLine.objects.filter(cart=cart).values_list("quantity", flat=True))


def part_vat_breakdown(part: SellerOrder) -> list[pricing.VatBucket]:
    items = [pricing.LinePrice(l.unit_net, l.quantity, l.vat_rate_bp, l.line_net, l.line_vat) for l in part.lines.all()]
    items.append(pricing.LinePrice(part.delivery_net, 1, part.delivery_vat_rate_bp, part.delivery_net, part.delivery_vat))
    return pricing.vat_breakdown(items)


def order_vat_breakdown(order: Order) -> list[pricing.VatBucket]:
    """The order's VAT by rate, goods and delivery."""
    return _vat_breakdown((part, part.lines.all()) for part in order.parts.prefetch_related("lines"))


def _vat_breakdown(parts_with_lines) -> list[pricing.VatBucket]:
    items = []
    for part, lines in parts_with_lines:
        items += [pricing.LinePrice(l.unit_net, l.quantity, l.vat_rate_bp, l.line_net, l.line_vat) for l in lines]
        items.append(pricing.LinePrice(part.delivery_net, 1, part.delivery_vat_rate_bp, part.delivery_net, part.delivery_vat))
    return pricing.vat_breakdown(items)


def _parts_prefetch():
    return (Prefetch("parts", queryset=SellerOrder.objects.select_related("seller")), "parts__lines")


@dataclass(frozen=True, slots=True)
class LineRead:
    offer_id: int
    title: str
    quantity: int
    unit_net: int
    vat_rate_bp: int
    line_net: int
    line_vat: int
    line_gross: int
    liable_party: str


@dataclass(frozen=True, slots=True)
class PartRead:
    """A seller order as the API shows it, read with its seller's name and its lines."""

    number: str
    seller_id: int
    seller_name: str
    state: str
    delivery_method: str
    delivery_net: int
    delivery_vat: int
    delivery_vat_rate_bp: int
    promised_from: object
    promised_to: object
    goods_net: int
    vat_total: int
    total_gross: int
    carrier: str
    tracking_number: str
    lines: tuple[LineRead, ...]


def order_parts_read(order_ids: Iterable[int]) -> dict[int, list[PartRead]]:
    """{order id: its parts in number order, each with its lines}, in one query. Written out in
    SQL: the API answers every placement with it, and the ORM's prefetch of parts, sellers and
    lines cost a third of that request's CPU (bench/checkout.py --via http)."""
    ids = sorted({int(i) for i in order_ids})
    if not ids:
        return {}
    parts: dict[int, list[PartRead]] = {pk: [] for pk in ids}
    for order_id, _part_id, part in _parts_read("p.order_id", ids):
        parts[order_id].append(part)
    return parts


def seller_order_parts_read(seller_order_ids: Iterable[int]) -> dict[int, PartRead]:
    """{seller order id: the part as order_parts_read reads it}, in one query."""
    ids = sorted({int(i) for i in seller_order_ids})
    return {part_id: part for _order_id, part_id, part in _parts_read("p.id", ids)} if ids else {}


def _parts_read(key: str, ids: list[int]) -> list[tuple[int, int, PartRead]]:
    """(order id, seller order id, part) of the seller orders whose ``key`` column is in ``ids``."""
    so, seller, line = SellerOrder._meta.db_table, Seller._meta.db_table, OrderLine._meta.db_table
    sql = (
        "SELECT p.order_id, p.id, p.number, p.seller_id, s.display_name, p.state, p.delivery_method, p.delivery_net,"
        " p.delivery_vat, p.delivery_vat_rate_bp, p.promised_from, p.promised_to, p.goods_net, p.vat_total,"
        " p.total_gross, p.carrier, p.tracking_number,"
        " l.offer_id, l.title, l.quantity, l.unit_net, l.vat_rate_bp, l.line_net, l.line_vat, l.line_gross, l.liable_party"
        f" FROM {so} p JOIN {seller} s ON s.id = p.seller_id LEFT JOIN {line} l ON l.seller_order_id = p.id"
        f" WHERE {key} IN ({', '.join(['%s'] * len(ids))}) ORDER BY p.order_id, p.id, l.id"
    )
    date_field = SellerOrder._meta.get_field("promised_from")
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    lines: dict[int, list[LineRead]] = {}
    order_of: dict[int, tuple[int, tuple]] = {}
    for row in rows:
        part_id = row[1]
        if part_id not in order_of:
            order_of[part_id] = (row[0], row[2:17])
            lines[part_id] = []
        if row[17] is not None:
            lines[part_id].append(LineRead(*row[17:26]))
    out = []
    for part_id, (order_id, f) in order_of.items():
        promised_from, promised_to = (date_field.to_python(v) for v in (f[8], f[9]))  # SQLite gives text
        out.append((order_id, part_id, PartRead(*f[:8], promised_from, promised_to, *f[10:15], tuple(lines[part_id]))))
    return out


def parts_vat_breakdown(parts: Iterable[PartRead]) -> list[pricing.VatBucket]:
    """order_vat_breakdown from parts already read (order_parts_read): no query."""
    return _vat_breakdown((part, part.lines) for part in parts)


def orders_for_buyer(buyer) -> QuerySet[Order]:
    """The buyer's orders with their parts (and sellers) and lines: two queries for all of them."""
    return Order.objects.filter(buyer=buyer).prefetch_related(*_parts_prefetch())


def buyer_orders_plain(buyer) -> QuerySet[Order]:
    """The buyer's orders, newest first, without their parts (see order_parts_read)."""
    return Order.objects.filter(buyer=buyer)


def order_for_buyer(*, buyer, reference: str, with_parts: bool = True) -> Order:
    """The buyer's own order; another buyer's order is NotFound (never revealed)."""
    order = (orders_for_buyer(buyer) if with_parts else buyer_orders_plain(buyer)).filter(reference=reference).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def order_for_idempotency_key(*, buyer, key: str) -> Order | None:
    """The order a checkout form (its hidden key) already placed, if any: a resubmitted form shows it."""
    return Order.objects.filter(buyer=buyer, idempotency_key=(key or "")[:80]).first()


def sellers_of_user(user) -> list[Seller]:
    if not user.is_authenticated:
        return []
    return list(Seller.objects.filter(members__user=user).order_by("pk"))


def seller_orders_for_seller(seller: Seller) -> QuerySet[SellerOrder]:
    return SellerOrder.objects.filter(seller=seller).select_related("order").prefetch_related("lines").order_by("-pk")


def seller_order_for_seller(*, seller: Seller, number: str) -> SellerOrder:
    part = seller_orders_for_seller(seller).filter(number=number).first()
    if part is None:
        raise NotFound(_("No such order."))
    return part


def seller_order_for_user(*, user, number: str) -> SellerOrder:
    """A seller order of one of the user's sellers (seller members only)."""
    part = SellerOrder.objects.filter(number=number, seller__members__user=user).select_related("order", "seller").first()
    if part is None:
        raise NotFound(_("No such order."))
    return part


# --- seller centre --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DaySales:
    day: dt.date
    currency: str
    gross: int
    parts: int


def seller_sales_by_day(*, seller_id: int, since: dt.date) -> list[DaySales]:
    """Gross of the seller's seller orders per day the order was placed (local time), from
    ``since``; cancelled parts do not count. Days without sales are absent. One query."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    rows = (
        SellerOrder.objects.filter(seller_id=seller_id, order__created_at__date__gte=since)
        .exclude(state=SellerOrderState.CANCELLED)
        .annotate(day=TruncDate("order__created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "order__currency").annotate(gross=Sum("total_gross"), parts=Count("pk")).order_by("day")
    )
    return [DaySales(r["day"], r["order__currency"], r["gross"], r["parts"]) for r in rows]


def seller_orders_waiting(*, seller_id: int) -> dict[str, int]:
    """How many of the seller's orders wait for it: {"placed": to accept, "accepted": to ship,
    "return_requested": returns to receive, "return_received": to refund}."""
    from django.db.models import Count

    waiting = ("placed", "accepted", "return_requested", "return_received")
    counts = dict(SellerOrder.objects.filter(seller_id=seller_id, state__in=waiting).values_list("state").annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state in waiting}


def seller_order_refs_in_return_window(*, now: dt.datetime | None = None) -> list[str]:
    """Ledger references (``seller_order:<id>``) of the seller orders whose money may still go
    back to the buyer: accepted or shipped (not delivered yet), delivered within the return
    window, or with a return under way. Payouts keep the seller's share of these in reserve."""
    from django.db.models import Q
    from django.utils import timezone

    from .services.lifecycle import RETURN_WINDOW

    now = now or timezone.now()
    S = SellerOrderState
    ids = SellerOrder.objects.filter(
        Q(state__in=[S.ACCEPTED, S.SHIPPED, S.RETURN_REQUESTED, S.RETURN_RECEIVED])
        | Q(state=S.DELIVERED, delivered_at__gt=now - RETURN_WINDOW)
    ).values_list("pk", flat=True)
    return [f"seller_order:{pk}" for pk in ids]


# --- click & collect: what a store's console reads (stores checks who may) --------------------

def pickups_for_location(*, location_id: int, states=()) -> QuerySet[Pickup]:
    """The pickups of the store at `location_id` (optionally in `states`), oldest first, with
    their seller order, order and seller."""
    qs = Pickup.objects.filter(location_id=location_id).select_related("seller_order__order", "seller_order__seller")
    if states:
        qs = qs.filter(state__in=list(states))
    return qs.order_by("created_at", "pk")


def pickup_for_location(*, location_id: int, number: str) -> Pickup:
    """One pickup of the store by its seller order number; NotFound for another store's."""
    pickup = pickups_for_location(location_id=location_id).filter(seller_order__number=number).first()
    if pickup is None:
        raise NotFound(_("No such pickup in this store."))
    return pickup


def pickup_counts(*, location_id: int) -> dict[str, int]:
    rows = Pickup.objects.filter(location_id=location_id).values_list("state").annotate(n=Count("pk"))
    return dict(rows)


def pickups_of_order(order: Order) -> QuerySet[Pickup]:
    return Pickup.objects.filter(seller_order__order=order)


# --- market analytics: what planning reads ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class SellerOrderSale:
    """One seller order not cancelled, as the market figures see it: its goods incl. VAT
    (delivery excluded), the buyer's typed place and the ship-from location's coordinates."""

    delivery_method: str
    created_at: dt.datetime
    market: str
    currency: str
    buyer_country: str
    buyer_postcode: str
    buyer_city: str
    seller_country: str
    ship_from_latitude: float | None
    ship_from_longitude: float | None
    gmv: int


def _sales(*, since: dt.datetime | None, market_code: str | None) -> QuerySet[SellerOrder]:
    qs = SellerOrder.objects.exclude(state=SellerOrderState.CANCELLED)
    if since is not None:
        qs = qs.filter(order__created_at__gte=since)
    if market_code:
        qs = qs.filter(order__market__code=market_code)
    return qs


def seller_order_sales(*, since: dt.datetime | None = None, market_code: str | None = None) -> list[SellerOrderSale]:
    """The seller orders not cancelled of orders placed from ``since`` (in one market). One query."""
    rows = _sales(since=since, market_code=market_code).values_list(
        "pk", "delivery_method", "order__created_at", "order__market__code", "order__currency", "order__country",
        "order__postcode", "order__city_name", "seller__country", "location__latitude", "location__longitude",
    ).annotate(gmv=Sum("lines__line_gross"))
    return [
        SellerOrderSale(method or "", at, market, currency, country, postcode or "", city or "", seller_country, lat, lon, int(gmv or 0))
        for _pk, method, at, market, currency, country, postcode, city, seller_country, lat, lon, gmv in rows
    ]


@dataclass(frozen=True, slots=True)
class CollectSale:
    """One click & collect seller order not cancelled: where it is collected and its goods incl. VAT."""

    delivery_method: str
    created_at: dt.datetime
    market: str
    currency: str
    pickup_location_id: int
    pickup_location_name: str
    gmv: int


def collect_sales(*, since: dt.datetime | None = None, market_code: str | None = None) -> list[CollectSale]:
    """The click & collect seller orders not cancelled (a pickup method and a pickup location) of
    orders placed from ``since`` (in one market). One query."""
    rows = _sales(since=since, market_code=market_code).filter(
        delivery_method__in=[str(m) for m in PICKUP_METHODS], pickup_location__isnull=False,
    ).values_list(
        "pk", "delivery_method", "order__created_at", "order__market__code", "order__currency", "pickup_location_id",
        "pickup_location__name",
    ).annotate(gmv=Sum("lines__line_gross"))
    return [CollectSale(method, at, market, currency, loc, name, int(gmv or 0)) for _pk, method, at, market, currency, loc, name, gmv in rows]


def order_addresses(*, market_code: str) -> list[tuple[str, str, str]]:
    """(country, postcode, typed city name) of every order placed in a market. One query."""
    rows = Order.objects.filter(market__code=market_code).values_list("country", "postcode", "city_name")
    return [(country, postcode or "", city or "") for country, postcode, city in rows]


# --- the operator's order desk --------------------------------------------------------------

S = SellerOrderState
# A part can be refunded once it was paid (captured) and until it is cancelled or fully refunded.
REFUNDABLE_STATES = (S.ACCEPTED, S.SHIPPED, S.DELIVERED, S.RETURN_REQUESTED, S.RETURN_RECEIVED)


def orders_search(
    *, reference: str = "", email: str = "", seller: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None,
) -> QuerySet[Order]:
    """Orders for the desk, newest first: reference (its start, any case), buyer e-mail (exact,
    any case), seller (its name contains the text, or its id), placed between two dates
    (inclusive, in the site's time zone). Each order carries ``part_count``; parts and their
    sellers are prefetched."""
    qs = Order.objects.all()
    if reference:
        qs = qs.filter(reference__startswith=reference.strip().upper())
    if email:
        qs = qs.filter(email__iexact=email.strip())
    if seller:
        seller = seller.strip()
        sellers = Seller.objects.filter(pk=int(seller)) if seller.isdigit() else Seller.objects.filter(display_name__icontains=seller)
        qs = qs.filter(Exists(SellerOrder.objects.filter(order=OuterRef("pk"), seller__in=sellers)))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    parts = SellerOrder.objects.select_related("seller").only("pk", "order_id", "number", "state", "seller__display_name")
    return qs.select_related("market").prefetch_related(Prefetch("parts", queryset=parts)).order_by("-created_at", "-id")


def order_for_desk(reference: str) -> Order:
    """One order with everything the desk shows of its parts: seller, ship-from, pickup store,
    lines with what was refunded of them, refunds and their lines."""
    order = (
        Order.objects.select_related("buyer", "market")
        .prefetch_related(
            Prefetch(
                "parts",
                queryset=SellerOrder.objects.select_related("seller", "location__city", "pickup_location__city", "pickup")
                .prefetch_related("lines", Prefetch("refunds", queryset=Refund.objects.select_related("created_by").prefetch_related("lines__order_line"))),
            ),
            "emails",
        )
        .filter(reference=reference)
        .first()
    )
    if order is None:
        raise NotFound(_("No such order."))
    return order


@dataclass(frozen=True, slots=True)
class LineRefunded:
    """What was already given back of a line (refunds pending or done)."""

    quantity: int
    amount: int


def refunded_by_line(seller_order_ids: Iterable[int]) -> dict[int, LineRefunded]:
    rows = (
        RefundLine.objects.filter(refund__seller_order_id__in=list(seller_order_ids))
        .exclude(refund__state=RefundState.FAILED)
        .values("order_line_id").annotate(q=Sum("quantity"), a=Sum("amount")).order_by()
    )
    return {r["order_line_id"]: LineRefunded(r["q"], r["a"]) for r in rows}


def delivery_refunded(seller_order_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Refund.objects.filter(seller_order_id__in=list(seller_order_ids)).exclude(state=RefundState.FAILED)
        .values("seller_order_id").annotate(d=Sum("delivery_amount")).order_by()
    )
    return {r["seller_order_id"]: r["d"] for r in rows}


def refund_left(parts: Iterable[SellerOrder]) -> tuple[dict[int, int], list[int]]:
    """(order line id → units left to refund, ids of parts whose delivery is left to refund) of
    the refundable ones among ``parts`` (lines prefetched): what "refund everything" chooses."""
    parts = [p for p in parts if p.state in REFUNDABLE_STATES]
    ids = [p.pk for p in parts]
    done, delivery_done = refunded_by_line(ids), delivery_refunded(ids)
    quantities: dict[int, int] = {}
    deliveries = []
    for part in parts:
        for line in part.lines.all():
            left = line.quantity - done.get(line.pk, LineRefunded(0, 0)).quantity
            if left:
                quantities[line.pk] = left
        if part.delivery_net + part.delivery_vat and not delivery_done.get(part.pk):
            deliveries.append(part.pk)
    return quantities, deliveries
