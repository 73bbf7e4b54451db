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
from comptoir.inventory.selectors import OfferForSale, StockPoint, offers_for_sale
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


def _group(
    *, seller_id: int, loc: StockPoint, items: list[_Planned], market: Market, destination, delivery_choices, on, rates
) -> QuoteGroup:
    """One shipment priced: its lines' VAT, its delivery options (dates from the one promise)."""
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
    options = pricing.delivery_options(
        ship_from=(loc.latitude, loc.longitude, loc.country), destination=destination,
        destination_country=market.code, handling_days=max(o.handling_days for o, _q, _l in items), today=on,
    )
    key = f"{seller_id}-{loc.location_id}"
    chosen_code = delivery_choices.get(key, options[0].code)
    chosen = next((opt for opt in options if opt.code == chosen_code), None)
    if chosen is None:
        raise InvalidDeliveryChoice(_("Choose one of the delivery options offered."), field=f"delivery_{key}")
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
) -> Quote:
    """Price `lines` for delivery in `market`. Lines that cannot be bought become notices and are left out."""
    on = on or timezone.localdate()  # the product page's day too (inventory.selectors.offers_for_product)
    lines = normalise_lines(lines)
    offers = offers_for_sale([line.offer_id for line in lines], language=language)
    planned, notices = _plan(lines, offers, market, destination)
    rates = reference.vat_rates(market.code, on) if planned else {}
    location_by_id = {lv.location_id: lv for o in offers.values() for lv in o.levels}
    groups = [
        _group(
            seller_id=seller_id, loc=location_by_id[location_id], items=items, market=market, destination=destination,
            delivery_choices=delivery_choices or {}, on=on, rates=rates,
        )
        for (seller_id, location_id), items in planned.items()
    ]
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
