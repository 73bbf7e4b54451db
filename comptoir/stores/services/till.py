"""The till: sessions (a cash float in, a counted cash-up out, a Z report), a basket built from
the store's shelf, payment by cash or card terminal, the receipt. A basket line is a hold of
kind "pos" on the unit's stock level (taken under the row lock like every order, expiring after
two hours); paying consumes the holds, so the units leave the shelf under the same locks as
online orders. Each receipt is posted in the ledger and appended to the store's sales journal.
Returns are in returns.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductText
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import Hold, HoldKind, HoldState, LocationStatus, StockLevel
from comptoir.inventory.services import HoldRequest, holds_consume, holds_release, holds_take
from comptoir.ledger.services import commission_amount, commission_bp_for
from comptoir.markets.selectors import vat_liable_party, vat_rates_on
from comptoir.common.money import apply_rate_bp
from comptoir.common.rows import rows_insert
from comptoir.payments.terminals import CardTerminal, get_terminal

from ..errors import (
    AmountInvalid,
    BasketChanged,
    BasketEmpty,
    CardDeclined,
    CashShort,
    NotOnThisShelf,
    ReservationStateInvalid,
    ShelfOutOfStock,
    StoreClosed,
    TillAlreadyClosed,
    TillAlreadyOpen,
    TillNotOpen,
    UnknownGtin,
)
from ..models import (
    JournalKind,
    PaymentMethod,
    PosSale,
    PosSaleLine,
    ReservationState,
    SaleKind,
    Store,
    TillSession,
    TryReservation,
)
from . import till_ledger
from .journal import journal_append

BASKET_HOURS = 2
MAX_AMOUNT = 10**9


def _amount(value, name: str, *, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum or value > MAX_AMOUNT:
        raise AmountInvalid(_("Enter an amount of at least %(min)s in cents.") % {"min": minimum}, field=name)
    return value


def basket_reference(session: TillSession) -> str:
    return f"till:{session.pk}"


# --- sessions ------------------------------------------------------------------------------

def till_open(*, store: Store, user, opening_float: int, till: int = 1, at=None) -> TillSession:
    """Open a till with its cash float (minor units). One open session per till of a store."""
    _amount(opening_float, "opening_float")
    if store.location.status != LocationStatus.OPEN:
        raise StoreClosed(_("This store is not open."), field="store")
    if not isinstance(till, int) or not 1 <= till <= 99:
        raise AmountInvalid(_("A till is numbered 1 to 99."), field="till")
    at = at or timezone.now()
    try:
        with transaction.atomic():
            Store.objects.select_for_update().filter(pk=store.pk).values_list("pk", flat=True).first()
            if TillSession.objects.filter(store=store, till=till, closed_at__isnull=True).exists():
                raise TillAlreadyOpen(_("Till %(n)d is already open.") % {"n": till}, field="till")
            number = (TillSession.objects.filter(store=store).order_by("-number").values_list("number", flat=True).first() or 0) + 1
            return TillSession.objects.create(
                store=store, till=till, number=number, currency=store.market.currency, opening_float=opening_float,
                opened_by=user, opened_at=at,
            )
    except IntegrityError:
        raise TillAlreadyOpen(_("Till %(n)d is already open.") % {"n": till}, field="till") from None


def _lock_session(session: TillSession, *, count_receipts: bool = False) -> int:
    """Lock the session's row for this transaction, refuse a closed session, and (when asked)
    count its receipts under the lock. Every till action holds this lock: it orders the till's
    receipts and its journal chain, and no other till waits for it. The SQL is written here:
    it runs on every scan and payment, where compiling the ORM's locking query cost more CPU
    than the database's work (bench/store.py)."""
    connection = transaction.get_connection()
    count = f", (SELECT COUNT(*) FROM {PosSale._meta.db_table} p WHERE p.session_id = s.id)" if count_receipts else ""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.closed_at{count} FROM {TillSession._meta.db_table} s WHERE s.id = %s{lock}", [session.pk])
        row = cursor.fetchone()
    if row is None or row[0] is not None:
        raise TillNotOpen(_("This till session is closed: open the till first."), field="session")
    return row[1] if count_receipts else 0


@dataclass(frozen=True, slots=True)
class SessionTotals:
    sales: int
    sales_gross: int
    returns: int
    returns_gross: int
    cash_in: int
    cash_out: int
    card_in: int
    card_out: int
    vat_by_rate: dict[int, tuple[int, int]]  # rate_bp → (net, vat), sales minus returns


def session_totals(session: TillSession) -> SessionTotals:
    sales = PosSale.objects.filter(session=session)
    agg = {}
    for kind in SaleKind.values:
        for method in PaymentMethod.values:
            agg[(kind, method)] = sales.filter(kind=kind, method=method).aggregate(n=Sum("total_gross"))["n"] or 0
    vat: dict[int, tuple[int, int]] = {}
    for rate, kind, net, v in PosSaleLine.objects.filter(sale__session=session).values_list("rate_bp", "sale__kind", "net", "vat"):
        sign = -1 if kind == SaleKind.RETURN else 1
        n0, v0 = vat.get(rate, (0, 0))
        vat[rate] = (n0 + sign * net, v0 + sign * v)
    return SessionTotals(
        sales=sales.filter(kind=SaleKind.SALE).count(),
        sales_gross=agg[(SaleKind.SALE, PaymentMethod.CASH)] + agg[(SaleKind.SALE, PaymentMethod.CARD)],
        returns=sales.filter(kind=SaleKind.RETURN).count(),
        returns_gross=agg[(SaleKind.RETURN, PaymentMethod.CASH)] + agg[(SaleKind.RETURN, PaymentMethod.CARD)],
        cash_in=agg[(SaleKind.SALE, PaymentMethod.CASH)], cash_out=agg[(SaleKind.RETURN, PaymentMethod.CASH)],
        card_in=agg[(SaleKind.SALE, PaymentMethod.CARD)], card_out=agg[(SaleKind.RETURN, PaymentMethod.CARD)],
        vat_by_rate=dict(sorted(vat.items(), reverse=True)),
    )


def till_close(*, session: TillSession, user, counted_cash: int, at=None) -> TillSession:
    """Close the till with the cash counted in the drawer: expected = float + cash taken − cash
    given back; the difference is posted in the ledger and the Z report appended to the journal.
    The basket's remaining holds are released. Closing twice raises ``TillAlreadyClosed``."""
    _amount(counted_cash, "counted_cash")
    at = at or timezone.now()
    with transaction.atomic():
        locked = TillSession.objects.select_for_update().filter(pk=session.pk).first()
        if locked.closed_at is not None:
            raise TillAlreadyClosed(_("This till session was already closed on %(at)s.") % {
                "at": timezone.localtime(locked.closed_at).strftime("%Y-%m-%d %H:%M")}, field="session")
        basket = list(Hold.objects.filter(reference=basket_reference(locked), kind=HoldKind.POS, state=HoldState.ACTIVE).values_list("pk", flat=True))
        if basket:
            holds_release(hold_ids=basket)
        totals = session_totals(locked)
        expected = locked.opening_float + totals.cash_in - totals.cash_out
        locked.expected_cash, locked.counted_cash, locked.difference = expected, counted_cash, counted_cash - expected
        locked.closed_at, locked.closed_by = at, user
        locked.save(update_fields=["expected_cash", "counted_cash", "difference", "closed_at", "closed_by"])
        if locked.difference:
            till_ledger.post_cash_difference(session=locked)
        journal_append(session=locked, kind=JournalKind.Z_REPORT, reference=f"Z{locked.number}", at=at, payload={
            "till": locked.till, "opened_at": locked.opened_at.isoformat(), "float": locked.opening_float,
            "sales": totals.sales, "sales_gross": totals.sales_gross, "returns": totals.returns,
            "returns_gross": totals.returns_gross, "cash_in": totals.cash_in, "cash_out": totals.cash_out,
            "card_in": totals.card_in, "card_out": totals.card_out, "expected_cash": expected,
            "counted_cash": counted_cash, "difference": locked.difference, "currency": locked.currency,
            "vat": {str(rate): list(nv) for rate, nv in totals.vat_by_rate.items()},
        })
        return locked


# --- the basket ----------------------------------------------------------------------------

def normalise_gtin(raw: str) -> str:
    digits = "".join(ch for ch in (raw or "") if ch.isdigit())
    if not 8 <= len(digits) <= 14 or len(digits) != len((raw or "").strip()):
        raise UnknownGtin(_("“%(code)s” is not a GTIN (8 to 14 digits).") % {"code": (raw or "")[:20]}, field="gtin")
    return digits.zfill(14)


def _take_for_basket(session: TillSession, level: StockLevel, quantity: int) -> Hold:
    """Called inside the caller's transaction, which a shortage rolls back whole (no savepoint)."""
    try:
        return holds_take(
            requests=[HoldRequest(offer_id=level.offer_id, quantity=quantity, location_id=level.location_id, stock_level_id=level.pk)],
            reference=basket_reference(session), kind=HoldKind.POS,
            expires_at=timezone.now() + timedelta(hours=BASKET_HOURS),
        )[0]
    except OutOfStock:
        raise ShelfOutOfStock(_("No free unit of this item on the shelf: every one is held or sold."), field="gtin") from None


def basket_add_gtin(*, session: TillSession, gtin: str, quantity: int = 1) -> Hold:
    """The clerk scans a GTIN: one unit of it from this store's shelf (the seller's level with the
    most free units) goes into the basket."""
    code = normalise_gtin(gtin)
    with transaction.atomic():
        _lock_session(session)
        levels = list(StockLevel.objects.filter(location_id=session.store.location_id, offer__product__gtin=code, on_hand__gt=0)
                      .order_by("pk"))
        if not levels:
            if not Product.objects.filter(gtin=code).exists():
                raise UnknownGtin(_("No product has the GTIN %(code)s.") % {"code": code.lstrip("0") or code}, field="gtin")
            raise NotOnThisShelf(_("This product is not on this store's shelf."), field="gtin")
        level = max(levels, key=lambda lv: (lv.on_hand - lv.held, -lv.pk))
        return _take_for_basket(session, level, quantity)


def basket_add_level(*, session: TillSession, stock_level_id: int, quantity: int = 1) -> Hold:
    """A unit chosen from a search of the shelf; a unit of another store is refused."""
    with transaction.atomic():
        _lock_session(session)
        level = StockLevel.objects.filter(pk=stock_level_id).first()
        if level is None or level.location_id != session.store.location_id:
            raise NotOnThisShelf(_("This unit is not on this store's shelf."), field="stock_level")
        return _take_for_basket(session, level, quantity)


def basket_add_reservation(*, session: TillSession, reservation_id: int, now=None) -> Hold:
    """A buyer came for their reservation: its unit moves into the basket (the try hold is
    released and a basket hold taken in one transaction, under the level's lock)."""
    with transaction.atomic():
        _lock_session(session)
        reservation = TryReservation.objects.select_for_update().filter(pk=reservation_id, store=session.store).first()
        now = now or timezone.now()
        if reservation is None or not reservation.is_live(now):
            raise ReservationStateInvalid(_("This reservation is no longer active."), field="reservation")
        holds_release(hold_ids=[reservation.hold_id])
        hold = _take_for_basket(session, reservation.stock_level, 1)
        reservation.state, reservation.closed_at = ReservationState.CONVERTED, now
        reservation.save(update_fields=["state", "closed_at"])
        # The sale line is linked at payment through the basket hold.
        Hold.objects.filter(pk=hold.pk).update(reference=f"{basket_reference(session)}:r{reservation.pk}")
        hold.reference = f"{basket_reference(session)}:r{reservation.pk}"
        return hold


def basket_holds(session: TillSession) -> list[Hold]:
    ref = basket_reference(session)
    return list(
        Hold.objects.filter(Q(reference=ref) | Q(reference__startswith=f"{ref}:r"), kind=HoldKind.POS, state=HoldState.ACTIVE)
        .select_related("stock_level__offer__product__category", "stock_level__offer__seller").order_by("pk")
    )


def basket_remove(*, session: TillSession, hold_id: int) -> None:
    ref = basket_reference(session)
    ids = [h.pk for h in basket_holds(session) if h.pk == hold_id]
    if not ids:
        raise BasketChanged(_("This line is no longer in the basket."), field="line")
    holds_release(hold_ids=ids)
    del ref


# --- pricing and payment -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PricedLine:
    hold: Hold
    title: str
    gtin: str
    unit_net: int
    quantity: int
    rate_bp: int
    liable_party: str
    net: int
    vat: int
    commission: int
    partner_share: int

    @property
    def gross(self) -> int:
        return self.net + self.vat


def _titles(product_ids, language: str) -> dict[int, str]:
    titles: dict[int, str] = {}
    for pid, lang, title in ProductText.objects.filter(product_id__in=product_ids).values_list("product_id", "language", "title"):
        if lang == language or pid not in titles:
            titles[pid] = title
    return titles


def basket_priced(session: TillSession, holds: list[Hold] | None = None) -> list[PricedLine]:
    """The basket's lines priced for the store's market: VAT of the market's rate for the
    product's class, the liable party by the EU rule (the goods are in the store, so in the EU:
    the marketplace is deemed supplier for a non-EU seller), commission and the partner's part."""
    holds = basket_holds(session) if holds is None else holds
    store = session.store
    rates = vat_rates_on(market=store.market, on=timezone.localdate())
    language = store.market.ui_languages[0]
    products = {h.stock_level.offer.product_id for h in holds}
    titles = _titles(products, language)
    categories = {h.stock_level.offer.product_id: h.stock_level.offer.product.category for h in holds}
    share_bp = store.partner.share_bp if store.partner_id else 0
    lines = []
    for h in holds:
        offer = h.stock_level.offer
        category = categories[offer.product_id]
        rate = rates[offer.product.vat_kind]  # the product's own kind, else its category's
        party = vat_liable_party(seller_country=offer.seller.country, buyer_country=store.market.code)
        net = offer.net_price * h.quantity
        commission = commission_amount(net, commission_bp_for(category=category, seller=offer.seller))
        lines.append(PricedLine(
            hold=h, title=titles.get(offer.product_id, offer.product.gtin), gtin=offer.product.gtin, unit_net=offer.net_price,
            quantity=h.quantity, rate_bp=rate, liable_party=party, net=net, vat=apply_rate_bp(net, rate),
            commission=commission, partner_share=apply_rate_bp(commission, share_bp),
        ))
    return lines


def receipt_number(session: TillSession, receipts: int) -> str:
    """The next receipt number of a session (store-session-count), from the number of receipts
    the session has, counted under its row lock (``_lock_session``): per till, never a
    store-wide lock."""
    return f"{session.store_id}-{session.number}-{receipts + 1:04d}"


def sale_pay(
    *, session: TillSession, user, method: str, cash_given: int | None = None, terminal: CardTerminal | None = None,
    at=None,
) -> PosSale:
    """Take payment for the basket and write the receipt: cash (with change) or card on the
    terminal (called outside any transaction; refunded if the basket lapsed meanwhile)."""
    if method not in PaymentMethod.values:
        raise AmountInvalid(_("Choose cash or card."), field="method")
    holds = basket_holds(session)
    if not holds:
        raise BasketEmpty(_("The basket is empty: scan an item first."), field="gtin")
    if session.closed_at is not None:
        raise TillNotOpen(_("This till session is closed: open the till first."), field="session")
    priced = basket_priced(session, holds)
    total = sum(p.gross for p in priced)
    change = None
    reference = ""
    terminal = terminal or (get_terminal() if method == PaymentMethod.CARD else None)
    if method == PaymentMethod.CASH:
        _amount(cash_given, "cash_given")
        if cash_given < total:
            raise CashShort(_("%(given)s given is less than the total %(total)s.") % {
                "given": f"{cash_given / 100:.2f}", "total": f"{total / 100:.2f}"}, field="cash_given")
        change = cash_given - total
    else:
        key = f"till:{session.pk}:" + ",".join(str(h.pk) for h in holds)
        answer = terminal.charge(amount=total, currency=session.currency, idempotency_key=key)
        if not answer.approved:
            raise CardDeclined(_("The card was declined (%(code)s).") % {"code": answer.decline_code}, field="method")
        reference = answer.reference
    try:
        return _record_sale(session, user, priced, method, cash_given, change, reference, at or timezone.now())
    except BasketChanged:
        if reference:
            terminal.refund(reference=reference, amount=total, idempotency_key=f"{reference}:void")
        raise


def _record_sale(session, user, priced: list[PricedLine], method, cash_given, change, terminal_reference, at) -> PosSale:
    """Receipt, ledger entry and journal entry under the till session's lock; the basket's holds
    are consumed last, so the shelf's stock rows stay locked only for that and the commit (the
    whole transaction is rolled back when a line lapsed meanwhile)."""
    with transaction.atomic():
        receipts = _lock_session(session, count_receipts=True)
        sale = PosSale(
            store=session.store, session=session, number=receipt_number(session, receipts), kind=SaleKind.SALE, clerk=user,
            created_at=at, currency=session.currency, total_net=sum(p.net for p in priced), total_vat=sum(p.vat for p in priced),
            total_gross=sum(p.gross for p in priced), method=method, cash_given=cash_given, change=change,
            terminal_reference=terminal_reference,
        )
        rows_insert([sale])  # rows_insert: the INSERTs of every sale compiled once (comptoir.common.rows)
        lines = [PosSaleLine(
            sale=sale, offer_id=p.hold.stock_level.offer_id, stock_level_id=p.hold.stock_level_id,
            seller_id=p.hold.stock_level.offer.seller_id, title=p.title[:300], gtin=p.gtin, quantity=p.quantity,
            unit_net=p.unit_net, rate_bp=p.rate_bp, liable_party=p.liable_party, net=p.net, vat=p.vat, gross=p.gross,
            commission=p.commission, partner_share=p.partner_share,
        ) for p in priced]
        rows_insert(lines)
        for p, line in zip(priced, lines, strict=True):
            if ":r" in p.hold.reference:
                TryReservation.objects.filter(pk=int(p.hold.reference.rsplit(":r", 1)[1])).update(sale_line=line)
        till_ledger.post_sale(sale=sale, lines=lines)
        journal_append(session=session, kind=JournalKind.RECEIPT, reference=sale.number, at=at, payload=receipt_payload(sale, lines))
        hold_ids = [p.hold.pk for p in priced]
        if len(holds_consume(hold_ids=hold_ids)) != len(hold_ids):
            transaction.set_rollback(True)
            raise BasketChanged(_("The basket changed before payment (a line expired): check it and pay again."), field="gtin")
        return sale


def receipt_payload(sale: PosSale, lines) -> dict:
    return {
        "type": sale.kind, "currency": sale.currency, "net": sale.total_net, "vat": sale.total_vat, "gross": sale.total_gross,
        "method": sale.method, "returned": sale.returned_sale.number if sale.returned_sale_id else sale.returned_order_ref,
        "lines": [[ln.gtin, ln.title, ln.quantity, ln.unit_net, ln.rate_bp, ln.net, ln.vat] for ln in lines],
    }
