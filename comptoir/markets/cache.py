"""Per-process memo of the reference data every checkout reads: the active market by code, the
VAT rates in force on a day, and a destination's coordinates.

Why: they change a few times a year but were three queries of every placement (a third of its
reads). What it costs in freshness: an edit made in another process (the admin, a command) is
seen here within ``settings.COMPTOIR_REFERENCE_MAX_AGE`` seconds (default 1; 0 turns the memo
off). Saving or deleting a Market, VatRate or City through the ORM in this process clears the
memo at once (signals connected in MarketsConfig.ready); bulk loads run as commands, in their own
process. Tests clear it before each test (``memo_clear``).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.conf import settings
from django.db import connection

from .models import Market
from .selectors import cities_for_addresses, vat_rates_on

T = TypeVar("T")
_MAX_ENTRIES = 10_000  # distinct destinations; the memo starts over past it
_memo: dict[tuple, tuple[float, object]] = {}


def memo_clear(*_args, **_kwargs) -> None:
    """Forget everything (signal receiver for Market, VatRate and City writes; tests)."""
    _memo.clear()


def _memoised(key: tuple, load: Callable[[], T]) -> T:
    max_age = float(getattr(settings, "COMPTOIR_REFERENCE_MAX_AGE", 1.0))
    now = time.monotonic()
    key = (connection.alias, *key)
    hit = _memo.get(key)
    if hit is not None and now - hit[0] < max_age:
        return hit[1]  # type: ignore[return-value]
    value = load()
    if max_age > 0:
        if len(_memo) >= _MAX_ENTRIES:
            _memo.clear()
        _memo[key] = (now, value)
    return value


def active_market(code: str) -> Market | None:
    """The active market with this code (upper case), or None."""
    code = (code or "").strip().upper()
    return _memoised(("market", code), lambda: Market.objects.filter(code=code, is_active=True).first())


def vat_rates(market_code: str, on: date) -> dict[str, int]:
    """{tax class: rate bp} in force in the market on that day (see selectors.vat_rates_on).
    The caller must not modify the returned dict."""
    return _memoised(("vat", market_code, on), lambda: vat_rates_on(market=market_code, on=on))


def city_point(*, country: str, postcode: str = "", city: str = "") -> tuple[float, float] | None:
    """(latitude, longitude) of the place with this postcode in the country, else of the city
    typed — by any of its names ("München", "Munich", "munchen"; selectors.cities_for_addresses),
    else None."""
    postcode, city = (postcode or "").strip(), (city or "").strip()
    return _memoised(("point", country, postcode, city.casefold()), lambda: _city_point(country, postcode, city))


def _city_point(country: str, postcode: str, city: str) -> tuple[float, float] | None:
    address = (country, postcode, city)
    found = cities_for_addresses([address]).get(address)
    return (found.latitude, found.longitude) if found else None
