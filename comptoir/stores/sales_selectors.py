"""Reads of the till, in-store sales and reservations: open sessions, today's reservations, a
receipt's VAT, the manager's figures and the in-store GMV the market analytics count."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from comptoir.inventory.models import StockLevel

from .models import PosSale, PosSaleLine, ReservationState, SaleKind, Store, TillSession, TryReservation


def open_till_session(*, store: Store, user) -> TillSession | None:
    """The till session the user opened at the store and has not closed (each clerk has a till)."""
    return (TillSession.objects.filter(store=store, opened_by=user, closed_at__isnull=True)
            .select_related("store__market", "store__location", "store__partner").first())


def till_number_for(*, store: Store, user) -> int:
    """The lowest till number not open at the store."""
    busy = set(TillSession.objects.filter(store=store, closed_at__isnull=True).values_list("till", flat=True))
    return next(n for n in range(1, 100) if n not in busy)


def till_sessions(*, store: Store) -> QuerySet[TillSession]:
    return TillSession.objects.filter(store=store).select_related("opened_by", "closed_by").order_by("-number")


def shelf_search(*, store: Store, q: str) -> list[StockLevel]:
    """Shelf lines with free units matching a title, brand, GTIN or seller, titled."""
    from .selectors import product_titles, shelf_levels

    levels = list(shelf_levels(store=store, query=q).filter(units_free__gt=0)[:40])
    titles = product_titles(lv.offer.product_id for lv in levels)
    for lv in levels:
        lv.title = titles.get(lv.offer.product_id, lv.offer.product.gtin)
    return levels


def reservations_today(*, store: Store, now=None) -> list[TryReservation]:
    """Reservations the counter must know about today: every live one (soonest expiry first),
    then those made today that already ended."""
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = list(
        TryReservation.objects.filter(store=store)
        .filter(Q(state=ReservationState.ACTIVE, expires_at__gt=now) | Q(created_at__gte=start))
        .select_related("buyer", "offer__product", "offer__seller").order_by("expires_at", "pk")[:200]
    )
    _title(rows)
    for r in rows:
        r.live = r.is_live(now)
    return sorted(rows, key=lambda r: (not r.live, r.expires_at))


def reservations_for_store(*, store: Store, state: str = "") -> QuerySet[TryReservation]:
    rows = TryReservation.objects.filter(store=store).select_related("buyer", "offer__product", "offer__seller")
    if state in ReservationState.values:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-pk")


def reservations_for_buyer(*, buyer) -> QuerySet[TryReservation]:
    return (TryReservation.objects.filter(buyer=buyer)
            .select_related("store__location__city", "offer__product", "offer__seller").order_by("-created_at", "-pk"))


def _title(rows) -> None:
    from .selectors import product_titles

    titles = product_titles(r.offer.product_id for r in rows)
    for r in rows:
        r.title = titles.get(r.offer.product_id, r.offer.product.gtin)


def titled(rows):
    rows = list(rows)
    _title(rows)
    return rows


@dataclass(frozen=True, slots=True)
class VatLine:
    rate_bp: int
    net: int
    vat: int

    @property
    def gross(self) -> int:
        return self.net + self.vat


def receipt_vat(sale: PosSale) -> list[VatLine]:
    rows = sale.lines.values("rate_bp").annotate(net=Sum("net"), vat=Sum("vat")).order_by("-rate_bp")
    return [VatLine(r["rate_bp"], r["net"], r["vat"]) for r in rows]


# --- the manager's figures ------------------------------------------------------------------

REPORT_DAYS = (7, 30, 90)


def report_days(raw) -> int:
    return int(raw) if str(raw) in {str(d) for d in REPORT_DAYS} else 30


@dataclass(frozen=True, slots=True)
class StoreReport:
    currency: str
    gross: int
    sales: int
    returns_gross: int
    by_day: list[tuple[dt.date, int, int]]  # day, receipts, gross
    by_seller: list[tuple[str, str, int, int]]  # seller, country, units, gross
    by_category: list[tuple[str, int, int]]  # category, units, gross
    reservations: int
    converted: int
    expired: int
    cash_differences: list[TillSession]

    @property
    def conversion(self) -> float | None:
        return self.converted / self.reservations if self.reservations else None


def store_report(*, store: Store, days: int = 30, now=None) -> StoreReport:
    """Sales of the last ``days`` days by day, by seller and by category; reservations converted;
    cash differences of the till sessions closed in the period."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    sales = PosSale.objects.filter(store=store, created_at__gte=since)
    by_day = [
        (r["day"], r["n"], r["gross"])
        for r in sales.filter(kind=SaleKind.SALE).annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day").annotate(n=Count("pk"), gross=Sum("total_gross")).order_by("-day")
    ]
    lines = PosSaleLine.objects.filter(sale__store=store, sale__created_at__gte=since, sale__kind=SaleKind.SALE)
    by_seller = [
        (r["seller__display_name"], r["seller__country"], r["units"], r["gross"])
        for r in lines.values("seller__display_name", "seller__country").annotate(units=Sum("quantity"), gross=Sum("gross")).order_by("-gross")
    ]
    language = "en"
    cats: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for names, units, gross in lines.values_list("offer__product__category__names").annotate(units=Sum("quantity"), gross=Sum("gross")):
        label = _category_name(names, language)
        cats[label][0] += units
        cats[label][1] += gross
    reservations = TryReservation.objects.filter(store=store, created_at__gte=since)
    counts = dict(reservations.values_list("state").annotate(n=Count("pk")))
    return StoreReport(
        currency=store.market.currency,
        gross=sum(g for _d, _n, g in by_day), sales=sum(n for _d, n, _g in by_day),
        returns_gross=sales.filter(kind=SaleKind.RETURN).aggregate(s=Sum("total_gross"))["s"] or 0,
        by_day=by_day, by_seller=by_seller,
        by_category=sorted(((k, u, g) for k, (u, g) in cats.items()), key=lambda row: -row[2]),
        reservations=sum(counts.values()), converted=counts.get(ReservationState.CONVERTED, 0),
        expired=counts.get(ReservationState.EXPIRED, 0),
        cash_differences=list(TillSession.objects.filter(store=store, closed_at__gte=since).exclude(difference=0)
                              .select_related("closed_by").order_by("-closed_at")[:50]),
    )


def _category_name(names, language: str) -> str:
    from django.utils.translation import get_language

    if not isinstance(names, dict):
        return str(names or "")
    lang = (get_language() or language)[:2]
    return names.get(lang) or names.get("en") or next(iter(names.values()), "")


# --- in-store GMV for the market analytics ----------------------------------------------------

def instore_gmv_rows(*, since: dt.datetime | None = None, market_code: str | None = None) -> list[tuple[str, str, str, dt.datetime, int]]:
    """(market code, currency, store slug, sale time, gross: sales positive, returns negative) of
    every in-store receipt; the analytics group them by week."""
    rows = PosSale.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if market_code:
        rows = rows.filter(store__market__code=market_code)
    out = []
    for market, currency, slug, at, kind, gross in rows.values_list(
        "store__market__code", "currency", "store__slug", "created_at", "kind", "total_gross"
    ).iterator(chunk_size=5000):
        out.append((market, currency, slug, at, -gross if kind == SaleKind.RETURN else gross))
    return out
