"""The columns of an offers file and the checks of one row, before any database write.

Columns (case-insensitive, any order): ``gtin``, ``price``, ``currency`` (required);
``condition``, ``handling_days`` (optional); ``title`` (ignored, for the seller's own
reference); one ``stock:<location>`` column per stock location, ``<location>`` being the
location's number or its name. An empty cell leaves the current value (or takes the default
for a new offer); an empty stock cell leaves that location's units as they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from comptoir.catalog.errors import InvalidGtin
from comptoir.catalog.services import gtin_normalise
from comptoir.common.money import minor_digits

from ..models import Condition
from ..services.status import MAX_ON_HAND
from .reading import Cell, FileProblem

REQUIRED = ("gtin", "price", "currency")
OPTIONAL = ("condition", "handling_days")
IGNORED = ("title",)
STOCK_PREFIX = "stock:"
MAX_HANDLING_DAYS = 60
MAX_PRICE_MINOR = 10**11


@dataclass(frozen=True, slots=True)
class StockColumn:
    index: int
    header: str
    location_id: int


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each known column is in the file's rows."""

    columns: dict[str, int]
    stock: tuple[StockColumn, ...]


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class OfferRow:
    """A row that passed the checks that need no database: values ready to write."""

    line: int
    gtin: str
    net_price: int
    currency: str
    condition: str
    handling_days: int | None  # None: keep the current value (1 for a new offer)
    stock: tuple[tuple[int, int, str], ...]  # (location id, units on hand, column header)

    @property
    def key(self) -> tuple[str, str]:
        return self.gtin, self.condition


def layout_read(header: list[str], locations: dict[int, str]) -> Layout:
    """Map the header to columns; `locations` is the seller's {location id: name}.
    FileProblem for a missing or unknown column or a location that is not the seller's."""
    names = [str(h or "").strip() for h in header]
    columns: dict[str, int] = {}
    stock: list[StockColumn] = []
    by_name: dict[str, list[int]] = {}
    for pk, name in locations.items():
        by_name.setdefault(name.strip().casefold(), []).append(pk)
    for index, name in enumerate(names):
        key = name.casefold()
        if not key:
            continue
        if key.startswith(STOCK_PREFIX):
            stock.append(StockColumn(index, name, _location_of(name, name[len(STOCK_PREFIX):].strip(), locations, by_name)))
        elif key in REQUIRED + OPTIONAL:
            if key in columns:
                raise FileProblem(_("The column “%(column)s” appears twice.") % {"column": name}, line=1, column=name)
            columns[key] = index
        elif key not in IGNORED:
            raise FileProblem(
                _("Unknown column “%(column)s”. The columns are: %(known)s, and stock:<location> per location.")
                % {"column": name, "known": ", ".join(REQUIRED + OPTIONAL + IGNORED)},
                line=1, column=name,
            )
    for required in REQUIRED:
        if required not in columns:
            raise FileProblem(_("The column “%(column)s” is missing.") % {"column": required}, line=1, column=required)
    if len({s.location_id for s in stock}) != len(stock):
        raise FileProblem(_("Two stock columns name the same location."), line=1)
    return Layout(columns=columns, stock=tuple(stock))


def _location_of(header: str, ref: str, locations: dict[int, str], by_name: dict[str, list[int]]) -> int:
    if ref.isdigit() and int(ref) in locations:
        return int(ref)
    found = by_name.get(ref.casefold(), [])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise FileProblem(
            _("Several of your locations are named “%(name)s”: name the column by the location's number.") % {"name": ref},
            line=1, column=header,
        )
    raise FileProblem(
        _("“%(location)s” is not one of your stock locations (column “%(column)s”).") % {"location": ref, "column": header},
        line=1, column=header,
    )


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _whole(text: str) -> int | None:
    """'12', '12.0' → 12; anything else None."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return int(value) if value.is_finite() and value == value.to_integral_value() else None


def _price(text: str, currency: str | None) -> tuple[int | None, str]:
    if not text:
        return None, _("The price is required.")
    try:
        value = Decimal(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except InvalidOperation:
        return None, _("The price must be a number such as 12.50.")
    if not value.is_finite():
        return None, _("The price must be a number such as 12.50.")
    if value < 0:
        return None, _("The price cannot be negative.")
    if value == 0:
        return None, _("The price must be above zero.")
    if currency is None:
        return None, ""  # the currency's own error is reported
    digits = minor_digits(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        return None, _("%(currency)s prices have at most %(digits)d decimals.") % {"currency": currency, "digits": digits}
    if scaled > MAX_PRICE_MINOR:
        return None, _("The price is too high.")
    return int(scaled), ""


def row_read(line: int, cells: list[Cell], layout: Layout, currencies: frozenset[str]) -> OfferRow | list[RowError]:
    """One data row checked against the columns' rules; the row, or every error it has."""
    errors: list[RowError] = []

    def cell(name: str) -> str:
        index = layout.columns.get(name)
        return _text(cells[index]) if index is not None and index < len(cells) else ""

    def fail(column: str, value: str, reason: str) -> None:
        errors.append(RowError(line, column, value, reason))

    gtin = cell("gtin")
    try:
        gtin = gtin_normalise(gtin) if gtin else fail("gtin", gtin, _("The GTIN is required."))
    except InvalidGtin:
        fail("gtin", gtin, _("A GTIN has 8, 12, 13 or 14 digits with a correct check digit."))
    currency = cell("currency").upper()
    if currency not in currencies:
        fail("currency", currency, _("The currency must be one the marketplace sells in: %(list)s.")
             % {"list": ", ".join(sorted(currencies))})
        currency = None
    price_text = cell("price")
    price, reason = _price(price_text, currency)
    if reason:
        fail("price", price_text, reason)
    condition = cell("condition").lower() or Condition.NEW
    if condition not in Condition.values:
        fail("condition", condition, _("The condition must be one of: %(list)s.") % {"list": ", ".join(Condition.values)})
    days_text = cell("handling_days")
    days = _whole(days_text) if days_text else None
    if days_text and (days is None or not 0 <= days <= MAX_HANDLING_DAYS):
        fail("handling_days", days_text, _("Handling days must be a whole number from 0 to %(max)d.") % {"max": MAX_HANDLING_DAYS})
    stock = []
    for column in layout.stock:
        text = _text(cells[column.index]) if column.index < len(cells) else ""
        if not text:
            continue
        units = _whole(text)
        if units is None or units < 0 or units > MAX_ON_HAND:
            reason = _("The quantity cannot be negative.") if units is not None and units < 0 else (
                _("The quantity must be a whole number from 0 to %(max)d.") % {"max": MAX_ON_HAND})
            fail(column.header, text, reason)
        else:
            stock.append((column.location_id, units, column.header))
    if errors:
        return errors
    return OfferRow(line, gtin, price, currency, condition, days, tuple(stock))
