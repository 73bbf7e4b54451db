"""In-store API. Buyers (bearer token): reservations to try — create, list, cancel. Store staff
(a bearer token of a user who works at the store): the till — open and close a session, add to
the basket by GTIN, pay, read a receipt, read the sales journal and check its chain. A store the
token's user may not act on answers 404 ``store_not_found`` (its existence is not revealed)."""
from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from comptoir.stores import sales_selectors, services
from comptoir.stores.errors import SaleNotFound, StoreNotFound, TillAlreadyOpen, TillNotOpen, TillSessionNotFound
from comptoir.stores.models import PosSale, SalesJournalEntry, Store
from comptoir.stores.selectors import store_for_user

from .auth import BuyerToken
from .orders import ERRORS
from .stores import PageIn

reservations_router = Router(tags=["reservations"])
till_router = Router(tags=["till"])


class ReservationIn(Schema):
    store: str = Field(max_length=60, description="the store's slug")
    offer_id: int = Field(ge=1, le=2**62)


class ReservationOut(Schema):
    id: int
    store: str
    offer_id: int
    product_gtin: str
    state: str = Field(description="active, converted, cancelled, expired or released")
    live: bool = Field(description="active and not past its expiry")
    created_at: datetime
    expires_at: datetime


class ReservationsPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReservationOut]


def _reservation_out(r, now) -> dict:
    return {"id": r.pk, "store": r.store.slug, "offer_id": r.offer_id, "product_gtin": r.offer.product.gtin, "state": r.state,
            "live": r.is_live(now), "created_at": r.created_at, "expires_at": r.expires_at}


@reservations_router.post("", response={201: ReservationOut, **ERRORS})
def reservation_create(request, body: ReservationIn):
    """Hold one unit of an offer on a store's shelf for 48 hours (at most 3 active). Errors:
    ``reservation_limit`` (409), ``reservation_unit_held`` (409), ``not_on_this_shelf`` (409)."""
    store = Store.objects.select_related("location", "market").filter(slug=body.store, location__status__in=["open", "planned"]).first()
    if store is None:
        raise StoreNotFound("No such store.", field="store")
    r = services.reservation_create(buyer=request.user, store=store, offer_id=body.offer_id)
    return 201, _reservation_out(r, timezone.now())


@reservations_router.get("", response={200: ReservationsPage, **ERRORS})
def reservation_list(request, params: Query[PageIn]):
    rows = sales_selectors.reservations_for_buyer(buyer=request.user)
    start = (params.page - 1) * params.page_size
    now = timezone.now()
    return {"count": rows.count(), "page": params.page, "page_size": params.page_size,
            "items": [_reservation_out(r, now) for r in rows[start : start + params.page_size]]}


@reservations_router.post("/{reservation_id}/cancel", response={200: ReservationOut, **ERRORS})
def reservation_cancel(request, reservation_id: int):
    r = services.reservation_cancel(buyer=request.user, reservation_id=reservation_id)
    return _reservation_out(r, timezone.now())


# --- the till (staff) ------------------------------------------------------------------------

class OpenIn(Schema):
    opening_float: int = Field(ge=0, le=10**9, description="cash float, minor units")


class CloseIn(Schema):
    counted_cash: int = Field(ge=0, le=10**9, description="cash counted in the drawer, minor units")


class SessionOut(Schema):
    id: int
    z_number: int
    till: int
    currency: str
    opening_float: int
    opened_at: datetime
    closed_at: datetime | None
    expected_cash: int | None
    counted_cash: int | None
    difference: int | None


class ScanIn(Schema):
    gtin: str = Field(max_length=20, description="the digits the scanner typed (8 to 14)")


class BasketLineOut(Schema):
    line_id: int
    gtin: str
    title: str
    seller_id: int
    quantity: int
    unit_net: int
    rate_bp: int
    gross: int


class BasketOut(Schema):
    currency: str
    total: int
    lines: list[BasketLineOut]


class PayIn(Schema):
    method: str = Field(pattern="^(cash|card)$")
    cash_given: int | None = Field(None, ge=0, le=10**9, description="minor units; required for cash")


class ReceiptLineOut(Schema):
    gtin: str
    title: str
    quantity: int
    unit_net: int
    rate_bp: int
    liable_party: str
    net: int
    vat: int
    gross: int


class ReceiptOut(Schema):
    number: str
    kind: str
    store: str
    created_at: datetime
    currency: str
    total_net: int
    total_vat: int
    total_gross: int
    method: str
    cash_given: int | None
    change: int | None
    journal_till: int | None  # the till whose hash chain holds the receipt
    journal_sequence: int | None
    journal_hash: str
    lines: list[ReceiptLineOut]


class JournalEntryOut(Schema):
    till: int  # each till keeps its own chain and sequence
    sequence: int
    kind: str
    reference: str
    created_at: datetime
    previous_hash: str
    hash: str


class JournalOut(Schema):
    intact: bool
    entries: int
    chains: int
    broken_till: int | None
    first_broken: int | None
    reason: str = Field(description='why the chain is broken, a stable code: "missing_entry", "previous_hash_mismatch" '
                                    'or "content_hash_mismatch"; "" when intact')
    reason_message: str = Field(description="the reason in the request's language")
    page: int
    page_size: int
    items: list[JournalEntryOut]


def _store(request, slug: str) -> Store:
    return store_for_user(user=request.user, slug=slug[:60])


def _session(request, store):
    session = sales_selectors.open_till_session(store=store, user=request.user)
    if session is None:
        raise TillNotOpen("You have no open till at this store: open one first.", field="session")
    return session


def _session_out(s) -> dict:
    return {"id": s.pk, "z_number": s.number, "till": s.till, "currency": s.currency, "opening_float": s.opening_float,
            "opened_at": s.opened_at, "closed_at": s.closed_at, "expected_cash": s.expected_cash,
            "counted_cash": s.counted_cash, "difference": s.difference}


def _basket_out(session) -> dict:
    priced = services.basket_priced(session)
    return {"currency": session.currency, "total": sum(p.gross for p in priced), "lines": [
        {"line_id": p.hold.pk, "gtin": p.gtin, "title": p.title, "seller_id": p.hold.stock_level.offer.seller_id,
         "quantity": p.quantity, "unit_net": p.unit_net, "rate_bp": p.rate_bp, "gross": p.gross} for p in priced]}


def _receipt_out(sale: PosSale) -> dict:
    entry = SalesJournalEntry.objects.filter(store_id=sale.store_id, reference=sale.number).first()
    return {
        "number": sale.number, "kind": sale.kind, "store": sale.store.slug, "created_at": sale.created_at, "currency": sale.currency,
        "total_net": sale.total_net, "total_vat": sale.total_vat, "total_gross": sale.total_gross, "method": sale.method,
        "cash_given": sale.cash_given, "change": sale.change, "journal_till": entry.till if entry else None,
        "journal_sequence": entry.sequence if entry else None,
        "journal_hash": entry.hash if entry else "",
        "lines": [{"gtin": ln.gtin, "title": ln.title, "quantity": ln.quantity, "unit_net": ln.unit_net, "rate_bp": ln.rate_bp,
                   "liable_party": ln.liable_party, "net": ln.net, "vat": ln.vat, "gross": ln.gross} for ln in sale.lines.all()],
    }


@till_router.post("/{slug}/till/session", response={201: SessionOut, **ERRORS})
def till_open(request, slug: str, body: OpenIn):
    """Open a till with its cash float (``till_already_open`` if the user's till is open)."""
    store = _store(request, slug)
    if sales_selectors.open_till_session(store=store, user=request.user) is not None:
        raise TillAlreadyOpen("Your till is already open.", field="session")
    session = services.till_open(store=store, user=request.user, opening_float=body.opening_float,
                                 till=sales_selectors.till_number_for(store=store, user=request.user))
    return 201, _session_out(session)


@till_router.post("/{slug}/till/session/{z_number}/close", response={200: SessionOut, **ERRORS})
def till_close(request, slug: str, z_number: int, body: CloseIn):
    """Close the session with the counted cash; the difference is posted and the Z report
    appended to the journal. A session closed already: ``till_already_closed`` (409)."""
    store = _store(request, slug)
    session = sales_selectors.till_sessions(store=store).filter(number=z_number).first()
    if session is None:
        raise TillSessionNotFound("No such till session.", field="session")
    return _session_out(services.till_close(session=session, user=request.user, counted_cash=body.counted_cash))


@till_router.post("/{slug}/till/basket", response={200: BasketOut, **ERRORS})
def basket_scan(request, slug: str, body: ScanIn):
    """Add one unit by GTIN. ``unknown_gtin`` (404), ``not_on_this_shelf`` (409), ``shelf_out_of_stock`` (409)."""
    store = _store(request, slug)
    session = _session(request, store)
    services.basket_add_gtin(session=session, gtin=body.gtin)
    return _basket_out(session)


@till_router.get("/{slug}/till/basket", response={200: BasketOut, **ERRORS})
def basket_read(request, slug: str):
    store = _store(request, slug)
    return _basket_out(_session(request, store))


@till_router.post("/{slug}/till/pay", response={201: ReceiptOut, **ERRORS})
def pay(request, slug: str, body: PayIn):
    """Pay the basket in cash (``cash_given``; ``cash_short`` if less than the total) or on the
    card terminal (``card_declined``, 402). Returns the receipt."""
    store = _store(request, slug)
    sale = services.sale_pay(session=_session(request, store), user=request.user, method=body.method, cash_given=body.cash_given)
    return 201, _receipt_out(sale)


@till_router.get("/{slug}/till/receipts/{number}", response={200: ReceiptOut, **ERRORS})
def receipt(request, slug: str, number: str):
    store = _store(request, slug)
    sale = PosSale.objects.filter(store=store, number=number[:32]).select_related("store").first()
    if sale is None:
        raise SaleNotFound("No such receipt at this store.", field="number")
    return _receipt_out(sale)


@till_router.get("/{slug}/journal", response={200: JournalOut, **ERRORS})
def journal(request, slug: str, params: Query[PageIn]):
    """The store's sales journal (newest first) and the result of the check of every till's
    hash chain (the first broken entry: its till and sequence)."""
    store = _store(request, slug)
    check = services.journal_verify(store=store)
    rows = SalesJournalEntry.objects.filter(store=store).order_by("-created_at", "-pk")
    start = (params.page - 1) * params.page_size
    return {"intact": check.intact, "entries": check.entries, "chains": check.chains, "broken_till": check.broken_till,
            "first_broken": check.first_broken, "reason": check.reason or "",
            "reason_message": check.reason_message, "page": params.page, "page_size": params.page_size,
            "items": [{"till": e.till, "sequence": e.sequence, "kind": e.kind, "reference": e.reference, "created_at": e.created_at,
                       "previous_hash": e.previous_hash, "hash": e.hash} for e in rows[start : start + params.page_size]]}


def install(api) -> None:
    api.add_router("/reservations", reservations_router, auth=BuyerToken())
    api.add_router("/store-console", till_router, auth=BuyerToken())
