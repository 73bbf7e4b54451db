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

from comptoir.catalog.models import ProductText
from comptoir.common.geo import haversine_km
from comptoir.inventory.models import Offer, StockLevel
from comptoir.markets.models import City, Market, TaxClass
from comptoir.markets.selectors import vat_rates_on
from comptoir.sellers.models import SellerStatus

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
    qs = City.objects.filter(country=country)
    found = None
    if postcode:
        found = qs.filter(postcode=postcode).order_by("-population").first()
    if found is None and city:
        found = qs.filter(name__iexact=city.strip()).order_by("-population").first()
    return (found.latitude, found.longitude) if found else None


def _offers_with_levels(
    offer_ids: list[int], language: str
) -> tuple[dict[int, Offer], dict[int, list[StockLevel]], dict[int, str]]:
    """The offers (seller, product, category) with their stock levels (location; pk order) in one
    query, their titles in `language` (else English, else any, else the GTIN) in a second one;
    offers without any stock level (rare) in a third. (Measured: cheaper in CPU than one query
    with title subqueries, whose compilation costs more than a round trip.)"""
    rows = (
        StockLevel.objects.filter(offer_id__in=offer_ids)
        .select_related("location", "offer__seller", "offer__product__category")
        .order_by("pk")
    )
    offers: dict[int, Offer] = {}
    levels: dict[int, list[StockLevel]] = {}
    for lv in rows:
        offers.setdefault(lv.offer_id, lv.offer)
        levels.setdefault(lv.offer_id, []).append(lv)
    missing = [pk for pk in offer_ids if pk not in offers]
    if missing:
        offers.update((o.pk, o) for o in Offer.objects.filter(pk__in=missing).select_related("seller", "product__category"))
    texts: dict[int, dict[str, str]] = {}
    for product_id, lang, title in (
        ProductText.objects.filter(product_id__in={o.product_id for o in offers.values()}).order_by("pk").values_list("product_id", "language", "title")
    ):
        texts.setdefault(product_id, {})[lang] = title
    titles = {}
    for pk, o in offers.items():
        t = texts.get(o.product_id, {})
        titles[pk] = t.get(language[:2]) or t.get("en") or next(iter(t.values()), o.product.gtin)
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
    planned: dict[tuple[int, int], list[tuple[Offer, int, int]]] = {}
    for line in lines:
        o = offers.get(line.offer_id)
        if (
            o is None
            or not o.is_active
            or not o.product.is_active
            or o.seller.status != SellerStatus.APPROVED
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

        def rank(lv: StockLevel):
            d = haversine_km(destination[0], destination[1], lv.location.latitude, lv.location.longitude) if destination else 0.0
            return (round(d, 3), -(lv.on_hand - lv.held), lv.pk)

        best = min(fit, key=rank)
        planned.setdefault((o.seller_id, best.location_id), []).append((o, line.quantity, available))

    rates = vat_rates_on(market=market, on=on) if planned else {}
    location_by_id = {lv.location_id: lv.location for lvls in levels.values() for lv in lvls}
    groups: list[QuoteGroup] = []
    all_prices: list[pricing.LinePrice] = []
    deliveries: list[pricing.LinePrice] = []
    goods: list[pricing.LinePrice] = []
    for (seller_id, location_id), items in planned.items():
        loc = location_by_id[location_id]
        seller = items[0][0].seller
        consignment = sum(o.net_price * q for o, q, _a in items)
        qlines = []
        party = LiableParty.SELLER
        for o, q, available in items:
            rate, party = tax.line_tax(
                market=market, tax_class=o.product.category.tax_class, seller_country=seller.country,
                ship_from_country=loc.country, consignment_value_minor=consignment, on=on, rates=rates,
            )
            price = pricing.price_line(unit_net=o.net_price, quantity=q, rate_bp=rate)
            qlines.append(QuoteLine(o.pk, o.product_id, titles[o.pk], q, available, price, party))
            goods.append(price)
        options = delivery_options(
            ship_from=(loc.latitude, loc.longitude, loc.country),
            destination=destination,
            destination_country=market.code,
            handling_days=max(o.handling_days for o, _q, _a in items),
            today=on,
        )
        key = f"{seller_id}-{location_id}"
        chosen_code = delivery_choices.get(key, options[0].code)
        chosen = next((opt for opt in options if opt.code == chosen_code), None)
        if chosen is None:
            from .errors import InvalidDeliveryChoice

            raise InvalidDeliveryChoice(_("Choose one of the delivery options offered."), field=f"delivery_{key}")
        delivery_rate = tax.line_tax(
            market=market, tax_class=TaxClass.STANDARD, seller_country=seller.country,
            ship_from_country=loc.country, consignment_value_minor=consignment, on=on, rates=rates,
        )[0]
        dprice = pricing.price_line(unit_net=chosen.net, quantity=1, rate_bp=delivery_rate)
        deliveries.append(dprice)
        groups.append(
            QuoteGroup(
                key=key, seller_id=seller_id, seller_name=seller.display_name, location_id=location_id,
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
