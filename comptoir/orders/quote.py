"""A quote: the cart (or API lines) priced for a destination, grouped into shipments.

Read-only. It is what the cart and checkout pages show, and what order_place re-computes and
compares against before it takes stock. Each group is one (seller, ship-from location): the
location planned here is the one stock is then taken from (holds are pinned to it).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from django.db import connection

from comptoir.catalog.models import PRODUCT_VAT_KIND_SQL, Category, Product, ProductText
from comptoir.common.geo import haversine_km
from comptoir.inventory.models import Offer, StockLevel, StockLocation
from comptoir.markets.models import Market, TaxClass
from comptoir.markets import cache as reference
from comptoir.sellers.models import Seller, SellerStatus

from . import pricing, tax
from .delivery import DeliveryOption, delivery_options
from .errors import InvalidQuantity
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


@dataclass(frozen=True, slots=True)
class _Location:
    name: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class _Level:
    pk: int
    location_id: int
    on_hand: int
    held: int
    location: _Location


@dataclass(frozen=True, slots=True)
class _Offer:
    """What the quote needs of an offer, its seller, product and category (read in one query)."""

    pk: int
    seller_id: int
    product_id: int
    net_price: int
    currency: str
    handling_days: int
    is_active: bool
    product_active: bool
    seller_status: str
    seller_country: str
    seller_name: str
    tax_class: str


def _offers_sql(offer_count: int) -> str:
    ids = ", ".join(["%s"] * offer_count)
    o, s, p = Offer._meta.db_table, Seller._meta.db_table, Product._meta.db_table
    c, lv, loc, t = Category._meta.db_table, StockLevel._meta.db_table, StockLocation._meta.db_table, ProductText._meta.db_table
    return (
        "SELECT o.id, o.seller_id, o.product_id, o.net_price, o.currency, o.handling_days, o.is_active,"
        f" p.is_active, s.status, s.country, s.display_name, {PRODUCT_VAT_KIND_SQL},"
        " COALESCE(NULLIF(tl.title, ''), NULLIF(te.title, ''),"
        f"  (SELECT ta.title FROM {t} ta WHERE ta.product_id = p.id AND ta.title <> '' ORDER BY ta.id LIMIT 1), p.gtin),"
        " lv.id, lv.location_id, lv.on_hand, lv.held, loc.name, loc.country, loc.latitude, loc.longitude"
        f" FROM {o} o JOIN {s} s ON s.id = o.seller_id JOIN {p} p ON p.id = o.product_id"
        f" JOIN {c} c ON c.id = p.category_id"
        f" LEFT JOIN {t} tl ON tl.product_id = p.id AND tl.language = %s"
        f" LEFT JOIN {t} te ON te.product_id = p.id AND te.language = 'en'"
        f" LEFT JOIN {lv} lv ON lv.offer_id = o.id LEFT JOIN {loc} loc ON loc.id = lv.location_id"
        f" WHERE o.id IN ({ids}) ORDER BY o.id, lv.id"
    )


def _offers_with_levels(offer_ids: list[int], language: str) -> tuple[dict[int, _Offer], dict[int, list[_Level]], dict[int, str]]:
    """The offers with seller, product, category, title in `language` (else English, else any,
    else the GTIN) and their stock levels with location (pk order): one query, in SQL written
    here because this read runs on every cart view and placement and the ORM's compilation of
    the five-table join cost more CPU than the database's work (measured, bench/checkout.py)."""
    offers: dict[int, _Offer] = {}
    levels: dict[int, list[_Level]] = {}
    titles: dict[int, str] = {}
    ids = sorted(set(offer_ids))
    if not ids:
        return offers, levels, titles
    with connection.cursor() as cursor:
        cursor.execute(_offers_sql(len(ids)), [language[:2], *ids])
        rows = cursor.fetchall()
    for row in rows:
        pk = row[0]
        if pk not in offers:
            offers[pk] = _Offer(
                pk=pk, seller_id=row[1], product_id=row[2], net_price=row[3], currency=row[4], handling_days=row[5],
                is_active=bool(row[6]), product_active=bool(row[7]), seller_status=row[8], seller_country=row[9],
                seller_name=row[10], tax_class=row[11],
            )
            titles[pk] = row[12]
            levels[pk] = []
        if row[13] is not None:
            levels[pk].append(_Level(row[13], row[14], row[15], row[16], _Location(row[17], row[18], row[19], row[20])))
    return offers, levels, titles


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
    on = on or dt.date.today()
    delivery_choices = delivery_choices or {}
    lines = normalise_lines(lines)
    offers, levels, titles = _offers_with_levels([line.offer_id for line in lines], language)

    notices: list[Notice] = []
    planned: dict[tuple[int, int], list[tuple[_Offer, int, int, int]]] = {}
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
        lvls = levels.get(o.pk, [])
        available = sum(max(0, lv.on_hand - lv.held) for lv in lvls)
        fit = [lv for lv in lvls if lv.on_hand - lv.held >= line.quantity]
        if not fit:
            notices.append(
                Notice(
                    "out_of_stock",
                    _("Only %(n)d left of “%(title)s”.") % {"n": available, "title": titles[o.pk]},
                    o.pk,
                )
            )
            continue

        def rank(lv: _Level):
            d = haversine_km(destination[0], destination[1], lv.location.latitude, lv.location.longitude) if destination else 0.0
            return (round(d, 3), -(lv.on_hand - lv.held), lv.pk)

        best = min(fit, key=rank)
        planned.setdefault((o.seller_id, best.location_id), []).append((o, line.quantity, available, best.pk))

    rates = reference.vat_rates(market.code, on) if planned else {}
    location_by_id = {lv.location_id: lv.location for lvls in levels.values() for lv in lvls}
    groups: list[QuoteGroup] = []
    all_prices: list[pricing.LinePrice] = []
    deliveries: list[pricing.LinePrice] = []
    goods: list[pricing.LinePrice] = []
    for (seller_id, location_id), items in planned.items():
        loc = location_by_id[location_id]
        first = items[0][0]
        consignment = sum(o.net_price * q for o, q, _a, _l in items)
        qlines = []
        party = LiableParty.SELLER
        for o, q, available, level_id in items:
            rate, party = tax.line_tax(
                market=market, tax_class=o.tax_class, seller_country=first.seller_country,
                ship_from_country=loc.country, consignment_value_minor=consignment, on=on, rates=rates,
            )
            price = pricing.price_line(unit_net=o.net_price, quantity=q, rate_bp=rate)
            qlines.append(QuoteLine(o.pk, o.product_id, titles[o.pk], q, available, price, party, level_id))
            goods.append(price)
        options = delivery_options(
            ship_from=(loc.latitude, loc.longitude, loc.country),
            destination=destination,
            destination_country=market.code,
            handling_days=max(o.handling_days for o, _q, _a, _l in items),
            today=on,
        )
        key = f"{seller_id}-{location_id}"
        chosen_code = delivery_choices.get(key, options[0].code)
        chosen = next((opt for opt in options if opt.code == chosen_code), None)
        if chosen is None:
            from .errors import InvalidDeliveryChoice

            raise InvalidDeliveryChoice(_("Choose one of the delivery options offered."), field=f"delivery_{key}")
        delivery_rate = tax.line_tax(
            market=market, tax_class=TaxClass.STANDARD, seller_country=first.seller_country,
            ship_from_country=loc.country, consignment_value_minor=consignment, on=on, rates=rates,
        )[0]
        dprice = pricing.price_line(unit_net=chosen.net, quantity=1, rate_bp=delivery_rate)
        deliveries.append(dprice)
        groups.append(
            QuoteGroup(
                key=key, seller_id=seller_id, seller_name=first.seller_name, location_id=location_id,
                location_name=loc.name, lines=tuple(qlines), options=tuple(options), chosen=chosen,
                delivery=dprice, liable_party=party,
            )
        )
    all_prices = goods + deliveries
    return Quote(
        market=market,
        currency=market.currency,
        groups=tuple(groups),
        totals=pricing.totals(goods=goods, deliveries=deliveries),
        breakdown=tuple(pricing.vat_breakdown(all_prices)),
        notices=tuple(notices),
    )
