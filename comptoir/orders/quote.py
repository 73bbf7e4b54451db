"""A quote: the cart (or API lines) priced for a destination, grouped into shipments.

Read-only. It is what the cart and checkout pages show, and what order_place re-computes and
compares against before it takes stock. Each group is one (seller, ship-from location): the
location planned here is the one stock is then taken from (holds are pinned to it).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.common.geo import haversine_km
from comptoir.inventory.promise import DeliveryMethod
from comptoir.inventory.selectors import OfferForSale, StockPoint, offers_for_sale, pickup_stores
from comptoir.markets import cache as reference
from comptoir.markets.models import Market, TaxClass
from comptoir.sellers.models import SellerStatus

from . import pricing, tax
from .errors import InvalidDeliveryChoice, InvalidQuantity
from .pricing import DeliveryOption
from .models import MAX_LINE_QUANTITY, LiableParty


@dataclass(frozen=True, slots=True)
class LineRequest:
    offer_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Notice:
    code: str  # offer_unavailable, out_of_stock, price_changed
    message: str
    offer_id: int | None = None


@dataclass(frozen=True)
class QuoteLine:
    offer_id: int
    product_id: int
    title: str
    quantity: int
    available: int
    price: pricing.LinePrice
    liable_party: str
    stock_level_id: int | None = None  # the stock level planned for it (holds are pinned to it)


@dataclass(frozen=True)
class QuoteGroup:
    key: str  # "<seller id>-<location id>"
    seller_id: int
    seller_name: str
    location_id: int
    location_name: str
    lines: tuple[QuoteLine, ...]
    options: tuple[DeliveryOption, ...]
    chosen: DeliveryOption
    delivery: pricing.LinePrice
    liable_party: str

    @property
    def goods_net(self) -> int:
        return sum(line.price.net for line in self.lines)

    @property
    def total_gross(self) -> int:
        return sum(line.price.gross for line in self.lines) + self.delivery.gross


@dataclass(frozen=True)
class Quote:
    market: Market
    currency: str
    groups: tuple[QuoteGroup, ...]
    totals: pricing.Totals
    breakdown: tuple[pricing.VatBucket, ...]
    notices: tuple[Notice, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.notices


def normalise_lines(lines: Sequence[LineRequest]) -> list[LineRequest]:
    """Merge duplicate offers, keep first-seen order, check quantity bounds."""
    merged: dict[int, int] = {}
    for line in lines:
        if not isinstance(line.quantity, int) or line.quantity < 1 or line.quantity > MAX_LINE_QUANTITY:
            raise InvalidQuantity(
                _("Quantity must be between 1 and %(max)d.") % {"max": MAX_LINE_QUANTITY}, field="quantity"
            )
        merged[line.offer_id] = merged.get(line.offer_id, 0) + line.quantity
        if merged[line.offer_id] > MAX_LINE_QUANTITY:
            raise InvalidQuantity(_("Quantity must be between 1 and %(max)d.") % {"max": MAX_LINE_QUANTITY}, field="quantity")
    return [LineRequest(o, q) for o, q in merged.items()]


def destination_point(*, country: str, postcode: str = "", city: str = "") -> tuple[float, float] | None:
    """Where a delivery goes: the place with this postcode, else this name (memoised reference data)."""
    return reference.city_point(country=country, postcode=postcode, city=city)


_Planned = tuple[OfferForSale, int, int]  # offer, quantity, stock level id planned


def _plan(
    lines: Sequence[LineRequest], offers: Mapping[int, OfferForSale], market: Market, destination: tuple[float, float] | None
) -> tuple[dict[tuple[int, int], list[_Planned]], list[Notice]]:
    """Lines grouped by (seller, ship-from location): the nearest level holding the whole
    quantity (then the fullest, then the lowest id); lines that cannot be bought become notices."""
    notices: list[Notice] = []
    planned: dict[tuple[int, int], list[_Planned]] = {}
    for line in lines:
        o = offers.get(line.offer_id)
        if (
            o is None
            or not o.is_active
            or not o.product_active
            or o.seller_status != SellerStatus.APPROVED
            or o.currency != market.currency
        ):
            notices.append(Notice("offer_unavailable", _("An item is no longer offered by this seller."), line.offer_id))
            continue
        fit = [lv for lv in o.levels if lv.on_hand - lv.held >= line.quantity]
        # A seller who opted out of ship-from-store ships to homes from its warehouses only; its
        # shelf units are planned only when nothing else fits (then collected in that store).
        fit = [lv for lv in fit if o.ships_from_stores or not lv.is_store] or fit
        if not fit:
            available = sum(lv.available for lv in o.levels)
            notices.append(
                Notice("out_of_stock", _("Only %(n)d left of “%(title)s”.") % {"n": available, "title": o.title}, o.offer_id)
            )
            continue

        def rank(lv: StockPoint):
            d = haversine_km(destination[0], destination[1], lv.latitude, lv.longitude) if destination else 0.0
            return (round(d, 3), -(lv.on_hand - lv.held), lv.level_id)

        best = min(fit, key=rank)
        planned.setdefault((o.seller_id, best.location_id), []).append((o, line.quantity, best.level_id))
    return planned, notices


def _shelf_stores(items: list[_Planned]) -> frozenset[int]:
    """The stores whose shelf holds every line's whole quantity."""
    per_line = [
        {lv.location_id for lv in o.levels if lv.is_store and lv.available >= q} for o, q, _level in items
    ]
    return frozenset(set.intersection(*per_line)) if per_line else frozenset()


def _options(*, loc: StockPoint, items: list[_Planned], market: Market, destination, stores, on, now) -> list[DeliveryOption]:
    """Home delivery (unless the shipment leaves the shelf of a seller who opted out of
    ship-from-store), then click & collect at the nearest stores when `stores` are given."""
    first = items[0][0]
    handling = max(o.handling_days for o, _q, _l in items)
    options = []
    if not loc.is_store or first.ships_from_stores:
        options += pricing.delivery_options(
            ship_from=(loc.latitude, loc.longitude, loc.country), destination=destination,
            destination_country=market.code, handling_days=handling, today=on,
        )
    if stores:
        options += pricing.pickup_options(
            ship_from=(loc.latitude, loc.longitude, loc.country), from_shelf_of=_shelf_stores(items),
            ships_from_warehouse=not loc.is_store, stores=stores, destination=destination, handling_days=handling,
            today=on, now=now,
        )
    return options


def _chosen(key: str, options: list[DeliveryOption], items: list[_Planned], choice: str | None, stores) -> DeliveryOption:
    chosen = next((opt for opt in options if opt.code == (choice or options[0].code)), None)
    if chosen is not None:
        return chosen
    method, _sep, store_id = (choice or "").partition("@")
    store = next((st for st in stores or () if str(st.location_id) == store_id), None)
    if method == DeliveryMethod.PICKUP_SHELF and store is not None:
        short = [
            (o.title, sum(lv.available for lv in o.levels if lv.location_id == store.location_id))
            for o, q, _l in items
            if sum(lv.available for lv in o.levels if lv.location_id == store.location_id) < q
        ]
        title, left = short[0] if short else ("", 0)
        raise InvalidDeliveryChoice(
            _("Only %(n)d of “%(title)s” on the shelf of %(store)s: choose another store or delivery.")
            % {"n": left, "title": title, "store": store.name},
            code="pickup_shelf_short", field=f"delivery_{key}",
        )
    raise InvalidDeliveryChoice(_("Choose one of the delivery options offered."), field=f"delivery_{key}")


def _group(
    *, seller_id: int, loc: StockPoint, items: list[_Planned], market: Market, destination, delivery_choices, on, rates,
    stores=None, now=None,
) -> QuoteGroup | None:
    """One shipment priced: its lines' VAT, its delivery options (dates from the one promise).
    Collected from a store's shelf, its lines are taken from that shelf (the ship-from location
    becomes the store). None when nothing can bring it to the buyer."""
    key = f"{seller_id}-{loc.location_id}"
    options = _options(loc=loc, items=items, market=market, destination=destination, stores=stores, on=on, now=now)
    if not options:
        return None
    chosen = _chosen(key, options, items, delivery_choices.get(key), stores)
    if chosen.method == DeliveryMethod.PICKUP_SHELF:
        shelf = {o.offer_id: next(lv for lv in o.levels if lv.location_id == chosen.store_location_id) for o, _q, _l in items}
        items = [(o, q, shelf[o.offer_id].level_id) for o, q, _l in items]
        loc = next(iter(shelf.values()))
    first = items[0][0]
    consignment = sum(o.net_price * q for o, q, _l in items)
    qlines = []
    party = LiableParty.SELLER
    for o, q, level_id in items:
        rate, party = tax.line_tax(
            market=market, tax_class=o.tax_class, seller_country=first.seller_country,
            ship_from_country=loc.country, consignment_value_minor=consignment, on=on, rates=rates,
        )
        price = pricing.price_line(unit_net=o.net_price, quantity=q, rate_bp=rate)
        qlines.append(QuoteLine(o.offer_id, o.product_id, o.title, q, sum(lv.available for lv in o.levels), price, party, level_id))
    delivery_rate = tax.line_tax(
        market=market, tax_class=TaxClass.STANDARD, seller_country=first.seller_country,
        ship_from_country=loc.country, consignment_value_minor=consignment, on=on, rates=rates,
    )[0]
    return QuoteGroup(
        key=key, seller_id=seller_id, seller_name=first.seller_name, location_id=loc.location_id,
        location_name=loc.location_name, lines=tuple(qlines), options=tuple(options), chosen=chosen,
        delivery=pricing.price_line(unit_net=chosen.net, quantity=1, rate_bp=delivery_rate), liable_party=party,
    )


def quote_build(
    *,
    lines: Sequence[LineRequest],
    market: Market,
    destination: tuple[float, float] | None = None,
    delivery_choices: Mapping[str, str] | None = None,
    language: str = "en",
    on: dt.date | None = None,
    pickup: bool = False,
    now: dt.datetime | None = None,
) -> Quote:
    """Price `lines` for delivery in `market`. Lines that cannot be bought become notices and are
    left out. With `pickup` (or a click & collect choice) each shipment also offers collection at
    the market's open stores (three more queries: the stores and their calendars)."""
    on = on or timezone.localdate()  # the product page's day too (inventory.selectors.offers_for_product)
    delivery_choices = delivery_choices or {}
    lines = normalise_lines(lines)
    offers = offers_for_sale([line.offer_id for line in lines], language=language)
    planned, notices = _plan(lines, offers, market, destination)
    rates = reference.vat_rates(market.code, on) if planned else {}
    location_by_id = {lv.location_id: lv for o in offers.values() for lv in o.levels}
    wants_pickup = pickup or any("@" in choice for choice in delivery_choices.values())
    stores = pickup_stores(country=market.code) if planned and wants_pickup else None
    groups = []
    for (seller_id, location_id), items in planned.items():
        group = _group(
            seller_id=seller_id, loc=location_by_id[location_id], items=items, market=market, destination=destination,
            delivery_choices=delivery_choices, on=on, rates=rates, stores=stores, now=now or timezone.now(),
        )
        if group is None:  # shelf units of a seller who does not ship from stores, no store of this market
            notices += [
                Notice("out_of_stock", _("“%(title)s” is only in a store and cannot be delivered here.") % {"title": o.title}, o.offer_id)
                for o, _q, _l in items
            ]
            continue
        groups.append(group)
    goods = [line.price for g in groups for line in g.lines]
    deliveries = [g.delivery for g in groups]
    return Quote(
        market=market,
        currency=market.currency,
        groups=tuple(groups),
        totals=pricing.totals(goods=goods, deliveries=deliveries),
        breakdown=tuple(pricing.vat_breakdown(goods + deliveries)),
        notices=tuple(notices),
    )
