"""Money as integer minor units with an ISO 4217 currency. No float ever touches an amount."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


def minor_digits(currency: str) -> int:
    """Number of minor-unit digits (EUR 2, JPY 0), from CLDR data via babel."""
    return get_currency_precision(currency)


@dataclass(frozen=True, slots=True, order=True)
class Money:
    amount: int  # minor units (cents)
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError(f"Money amount must be an int of minor units, got {type(self.amount).__name__}")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"Not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _check(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        if not isinstance(quantity, int):
            raise TypeError("Money can only be multiplied by an int quantity")
        return Money(self.amount * quantity, self.currency)

    __rmul__ = __mul__

    def as_decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-minor_digits(self.currency))

    def format(self, locale: str) -> str:
        return format_currency(self.as_decimal(), self.currency, locale=locale)

    def __str__(self) -> str:
        return f"{self.as_decimal()} {self.currency}"


def apply_rate_bp(amount: int, rate_bp: int) -> int:
    """amount × rate (in basis points, 2000 = 20 %), rounded half up to a minor unit.

    Integer arithmetic only: (amount × bp × 2 + 10000) // 20000 rounds half away from zero for
    non-negative amounts; negatives are mirrored so that rounding is symmetric.
    """
    if amount < 0:
        return -apply_rate_bp(-amount, rate_bp)
    return (amount * rate_bp * 2 + 10_000) // 20_000


def gross_from_net(net: int, rate_bp: int) -> int:
    """Gross price including VAT, VAT rounded per unit (half up)."""
    return net + apply_rate_bp(net, rate_bp)


def parse_decimal_to_minor(text: str, currency: str) -> int:
    """'12.5' EUR -> 1250. Raises ValueError on bad input or too many decimals."""
    digits = minor_digits(currency)
    value = Decimal(text.strip().replace(",", "."))
    if not value.is_finite():
        raise ValueError("amount must be a finite number")
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value(rounding=ROUND_HALF_UP):
        raise ValueError(f"{currency} amounts have at most {digits} decimals")
    return int(scaled)


# A UI language's formatting locale where babel's bare language is not ours: our English is the
# UK's, our Portuguese Portugal's (babel's "pt" is Brazil's).
UI_LANGUAGE_LOCALES = {"en": "en_GB", "pt": "pt_PT"}


def money_for_language(amount: int | str | None, currency: str, language: str | None) -> str:
    """Minor units formatted for a UI language ("fr", "pt", "en"…): 202741 EUR in "fr" is
    "2 027,41 €"; no amount is ""."""
    if amount is None or amount == "":
        return ""
    language = (language or "en").replace("-", "_")
    return money_format(int(amount), currency or "EUR", UI_LANGUAGE_LOCALES.get(language, language))


@lru_cache(maxsize=50_000)
def money_format(amount: int, currency: str, locale: str) -> str:
    """Minor units formatted for a babel locale ("fr_FR", "en_FR"); memoised: babel takes
    ≈ 0.1 ms an amount, a listing page shows 30+ and prices repeat."""
    return Money(amount, currency).format(locale)
