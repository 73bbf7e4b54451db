"""VAT by destination (EU e-commerce rules) for one line: the rate and who is liable for it.

The rate is the destination market's rate for the product's tax class on the day
(markets.selectors.vat_rate_bp). The liable party comes from markets.selectors.vat_liable_party:
goods shipped from stock inside the EU count as "already in the EU" (any value); goods shipped
from outside the EU count as an imported consignment of the group's goods value (IOSS ≤ €150).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from comptoir.markets.selectors import is_eu, vat_liable_party, vat_rate_bp


def liable_party(*, seller_country: str, ship_from_country: str, buyer_country: str, consignment_value_minor: int) -> str:
    return vat_liable_party(
        seller_country=seller_country,
        buyer_country=buyer_country,
        consignment_value_minor=None if is_eu(ship_from_country) else consignment_value_minor,
    )


def line_tax(
    *, market, tax_class: str, seller_country: str, ship_from_country: str, consignment_value_minor: int, on: dt.date,
    rates: Mapping[str, int] | None = None,
) -> tuple[int, str]:
    """(rate in basis points charged on the line, liable party "seller" or "marketplace").

    `rates`: the market's {tax class: rate} on `on` (markets.selectors.vat_rates_on), read once
    per quote; a class missing from it is looked up (and raises VatRateMissing)."""
    party = liable_party(
        seller_country=seller_country,
        ship_from_country=ship_from_country,
        buyer_country=market.code,
        consignment_value_minor=consignment_value_minor,
    )
    if rates is not None and tax_class in rates:
        return rates[tax_class], party
    return vat_rate_bp(market=market, tax_class=tax_class, on=on), party
