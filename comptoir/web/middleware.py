"""The buyer's context: which market they buy in and which city they are in.

The choice is remembered in the session and, for anonymous return visits, in a long-lived
cookie (``comptoir_buyer`` = ``"ES:2510911"``: market code and City primary key). When nothing
was chosen, or what was remembered no longer exists, the market the browser's Accept-Language
points to applies (``markets.languages.market_for_accept_language``: es-ES → Spain, de → Germany),
else the default market (``settings.COMPTOIR_DEFAULT_MARKET``); the city is then the market's
most populous one (Madrid, Berlin). The UI language follows the same header through Django's
LocaleMiddleware until the buyer picks one (the language cookie), so a first visit from es-ES
is Spain, Madrid, in Spanish; whatever the buyer chooses afterwards sticks.

``request.market`` and ``request.buyer_city`` are lazy objects: a page that never looks at them
runs no query for them. Markets and cities are read through Django's cache
(``BUYER_CACHE_SECONDS``, 60 s): a storefront page costs no query for them once warm; an edited
or deactivated market applies within that time (cities only change with ``load_cities``).
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from comptoir.markets.selectors import city_default

SESSION_MARKET = "buyer_market"
SESSION_CITY = "buyer_city"
COOKIE_NAME = "comptoir_buyer"
COOKIE_MAX_AGE = 365 * 24 * 3600
BUYER_CACHE_SECONDS = 60
_MISSING = "-"  # cached "no such market / city"


_memo: dict[str, tuple[float, object]] = {}


def buyer_memo_clear() -> None:
    """Forget the markets and cities this process remembers (tests)."""
    _memo.clear()


def _cached(key: str, load):
    """Per-process memo (no unpickling, no cache round trip on a warm page), backed by Django's
    cache so that other processes warm up cheaply; both expire after BUYER_CACHE_SECONDS."""
    now = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and now - hit[0] < BUYER_CACHE_SECONDS:
        value = hit[1]
    else:
        value = cache.get(key)
        if value is None:
            value = load()
            value = _MISSING if value is None else value
            cache.set(key, value, BUYER_CACHE_SECONDS)
        if len(_memo) > 10_000:
            _memo.clear()
        _memo[key] = (now, value)
    return None if value == _MISSING else value


def _remembered(request) -> tuple[str | None, int | None]:
    """(market code, city id) from the session, else from the cookie; either may be None."""
    code = city_id = None
    session = getattr(request, "session", None)
    if session is not None:  # no query when the request carries no session cookie
        code = session.get(SESSION_MARKET)
        city_id = session.get(SESSION_CITY)
    if code is None:
        raw = request.COOKIES.get(COOKIE_NAME, "")
        head, _, tail = raw.partition(":")
        if len(head) == 2 and head.isalpha():
            code = head.upper()
            city_id = int(tail) if tail.isdigit() and len(tail) < 12 else None
    if city_id is not None and not isinstance(city_id, int):
        city_id = None
    return code, city_id


def _active_market_languages() -> dict[str, str]:
    """{code: default UI language} of the active markets (cached like the markets)."""
    from comptoir.markets.selectors import markets_active

    return _cached("buyer:market-languages", lambda: {m.code: m.default_language for m in markets_active()})


def _browser_market_code(request) -> str | None:
    """The market the request's Accept-Language points to, if any (a first visit)."""
    from comptoir.markets.languages import market_for_accept_language

    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    return market_for_accept_language(header, _active_market_languages()) if header else None


def _load_market(code: str | None, browser_code=lambda: None):
    from comptoir.common.errors import NotFound
    from comptoir.markets.selectors import market_get

    def load(candidate):
        try:
            return market_get(candidate)
        except NotFound:
            return None

    def candidates():  # the browser's market is worked out only when nothing chosen applies
        yield code
        yield browser_code()
        yield settings.COMPTOIR_DEFAULT_MARKET

    for candidate in candidates():
        if not candidate:
            continue
        market = _cached(f"buyer:market:{candidate.upper()}", lambda: load(candidate))
        if market is not None and market.is_active:
            return market
    return None


def _load_city(market, city_id: int | None):
    from comptoir.common.errors import NotFound
    from comptoir.markets import selectors

    if market is None:
        return None
    if city_id is not None:
        def load():
            try:
                return selectors.city_get(country=market.code, city_id=city_id)
            except NotFound:
                return None

        city = _cached(f"buyer:city:{market.code}:{city_id}", load)
        if city is not None:
            return city
    return _cached(f"buyer:default-city:{market.code}", lambda: market_default_city(market))


def market_default_city(market):
    """The market's most populous city (the buyer's city until they choose one)."""
    return city_default(country=market.code)


class BuyerContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state: dict = {}

        def remembered():
            if "remembered" not in state:
                state["remembered"] = _remembered(request)
            return state["remembered"]

        def market():
            if "market" not in state:
                state["market"] = _load_market(remembered()[0], lambda: _browser_market_code(request))
            return state["market"]

        request.market = SimpleLazyObject(market)
        request.buyer_city = SimpleLazyObject(lambda: _load_city(market(), remembered()[1]))
        return self.get_response(request)


def buyer_location_remember(request, response, *, market, city) -> None:
    """Remember the buyer's market and city in the session and in the return-visit cookie."""
    request.session[SESSION_MARKET] = market.code
    request.session[SESSION_CITY] = city.pk
    response.set_cookie(
        COOKIE_NAME,
        f"{market.code}:{city.pk}",
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
