"""order_place: one idempotent use case from checked lines to an authorized order.

Flow (each step calls downwards only):
1. validate the lines, the address and the idempotency key; same key + same content → the
   existing order, same key + other content → IdempotencyKeyReused (looked up only when the
   placement fails or the key's payment attempt exists already);
2. price a fresh quote (orders.quote) and compare it with the total the buyer confirmed;
3. build the Order, SellerOrder and OrderLine rows in Python from the quote (no lock held);
4. record the payment attempt (key, amount: one INSERT committed on its own) and ask the
   provider outside any transaction: a card authorized is never forgotten, whatever happens to
   this process afterwards (a retry with the key resumes the attempt, the provider answers the
   same charge; ``payments_reconcile`` voids what no order claimed). A declined card never
   reaches the stock, and the provider's network time holds no lock;
5. in ONE transaction: the provider's answer on the payment (a conditional UPDATE: a payment
   voided meanwhile fails here), the Order (the unique (buyer, key) constraint makes a
   concurrent duplicate wait, then fail and return the first order), the SellerOrders (one
   INSERT), the notification task; then inventory.services.holds_take on the quoted stock
   levels writes the holds, lets us write the lines, and only then locks the levels (pk order,
   one SELECT … FOR UPDATE that also reads the offers), checks and updates them; we re-verify
   each offer's price and status from that read and commit. Any error rolls all of it back and
   voids the authorization at the provider unless an order holds it (a concurrent duplicate).
6. a declined payment or missing stock leaves only a PlacementAttempt row, for support.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.common.errors import DomainError
from comptoir.common.rows import rows_insert
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.services import HoldRequest, holds_take
from comptoir.markets import cache as reference

from ..address import Address, address_validate
from comptoir.payments import services as payments
from comptoir.payments.models import PaymentStatus as PaymentRecordStatus
from comptoir.payments.providers import ResultStatus

from ..errors import EmptyCart, IdempotencyKeyReused, MarketNotServed, OfferUnavailable, PaymentDeclined, PriceChanged
from ..models import CartLine, Order, OrderLine, PaymentStatus, PlacementAttempt, SellerOrder
from ..quote import LineRequest, Quote, destination_point, normalise_lines, quote_build
from .payment_events import payment_void_unless_ordered


@dataclass(frozen=True, slots=True)
class CardDetails:
    number: str
    expiry: str  # "MM/YY"
    cvc: str

    def __repr__(self) -> str:  # never log a card number
        return f"CardDetails(number=…{self.number[-4:]})"


def _fingerprint(*, lines: Sequence[LineRequest], address: Address, delivery_choices: Mapping[str, str]) -> str:
    payload = {
        "lines": sorted((line.offer_id, line.quantity) for line in lines),
        "address": asdict(address),
        "delivery": sorted(delivery_choices.items()),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _existing(buyer, key: str, fingerprint: str) -> Order | None:
    # Run before every placement and almost always empty: a plain indexed read (unique
    # (buyer, key)), without the ORM's compilation; the order is loaded only when found.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, fingerprint FROM {Order._meta.db_table} WHERE buyer_id = %s AND idempotency_key = %s",
            [buyer.pk, key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    order = Order.objects.get(pk=row[0])
    if order.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("This checkout was already submitted with different contents. Reload the page and try again."),
            field="idempotency_key",
        )
    return order


def _new_reference() -> str:
    return "C" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))


def _payment_card(card: CardDetails):
    try:
        return payments.card_validate(number=card.number, expiry=card.expiry, cvc=card.cvc)
    except DomainError as exc:  # invalid_card, expired_card: nothing was written
        raise PaymentDeclined(str(exc.message), code=exc.code, field="card") from exc


def _declined(decline_code: str) -> PaymentDeclined:
    messages = {
        "insufficient_funds": _("Your card was declined for insufficient funds. No money was taken."),
        "expired_card": _("Your card has expired. No money was taken."),
        "incorrect_cvc": _("The security code of your card is wrong. No money was taken."),
    }
    err = PaymentDeclined(messages.get(decline_code, _("Your payment was declined. No money was taken.")), field="card")
    err.reason = decline_code
    return err


def _resume_checks(order: Order, payment) -> None:
    """A retry whose first attempt got no order: resume it only if it is the same payment."""
    if (payment.amount, payment.currency) != (order.total_gross, order.currency):
        raise PriceChanged(_("Prices or delivery costs changed since you reviewed your order. Please check the new total."))
    if payment.status in (PaymentRecordStatus.DECLINED, PaymentRecordStatus.FAILED):
        raise _declined(payment.decline_code)
    if payment.status in (PaymentRecordStatus.VOIDING, PaymentRecordStatus.CANCELLED):
        raise PaymentDeclined(
            _("This checkout was cancelled before it completed. No money was taken; please check out again."),
            code="payment_abandoned", field="card",
        )
    order.reference = payment.order_ref  # the order the first attempt announced to the provider


def _authorize(order: Order, payment, card):
    """The provider's answer for the recorded attempt (outside any transaction); a decline is
    recorded on its own and raised as PaymentDeclined."""
    try:
        result = payments.payment_provider_authorize(payment, card)
    except DomainError as exc:  # provider_unavailable: the attempt stays "initiated", resumable with the key
        raise PaymentDeclined(str(exc.message), code=exc.code, field="card") from exc
    if result.status in (ResultStatus.DECLINED, ResultStatus.FAILED):
        with transaction.atomic():
            payments.payment_record_answer(payment, result)
        raise _declined(result.decline_code)
    return result


_ORDER_PAYMENT_STATUS = {PaymentRecordStatus.AUTHORIZED: PaymentStatus.AUTHORIZED, PaymentRecordStatus.PENDING: PaymentStatus.PENDING}


def _record_attempt(buyer, key: str, exc: DomainError, amount: int) -> None:
    PlacementAttempt.objects.create(buyer=buyer, idempotency_key=key[:80], code=exc.code[:40], message=str(exc.message)[:250], amount=amount)


def order_place(
    *,
    buyer,
    lines: Sequence[LineRequest] | None = None,
    cart=None,
    address: Address,
    delivery_choices: Mapping[str, str] | None = None,
    card: CardDetails,
    idempotency_key: str,
    expected_total: int | None = None,
    language: str = "en",
) -> Order:
    """Place an order for `lines` (or the lines of `cart`), paid by `card`. Idempotent by key.

    Raises InvalidQuantity, InvalidAddress, MarketNotServed, OfferUnavailable, OutOfStock,
    PriceChanged (expected_total differs from the fresh total), InvalidDeliveryChoice,
    IdempotencyKeyReused, PaymentDeclined. On any error nothing is written but a PlacementAttempt
    and, once the card was checked, the payment attempt (declined, or voided at the provider).
    Call it outside any transaction: the attempt must commit before the provider is asked.
    """
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 80:
        raise DomainError(_("A valid idempotency key (8 to 80 characters) is required."), code="invalid_idempotency_key", field="idempotency_key")
    if lines is None:
        lines = [LineRequest(cl.offer_id, cl.quantity) for cl in CartLine.objects.filter(cart=cart)] if cart is not None else []
    if not lines:
        raise EmptyCart(_("Your cart is empty."))
    lines = normalise_lines(lines)
    address = address_validate(address)
    delivery_choices = dict(delivery_choices or {})
    fingerprint = _fingerprint(lines=lines, address=address, delivery_choices=delivery_choices)
    # The key is looked up only when something fails (no query on the way to a new order): a
    # retry of a placed order fails on the unique keys — the payment's, then the order's — or,
    # if its stock has gone since, on the quote; either way it gets the first order back here.
    quote = None
    try:
        market = reference.active_market(address.country)
        if market is None:
            raise MarketNotServed(_("We do not deliver to this country yet."), field="country")
        quote = quote_build(
            lines=lines, market=market, language=language, delivery_choices=delivery_choices,
            destination=destination_point(country=address.country, postcode=address.postcode, city=address.city),
        )
        _check_quote(quote, expected_total)
        return _place(buyer=buyer, key=key, fingerprint=fingerprint, quote=quote, address=address, card=card,
                      language=language, cart=cart)
    except IntegrityError:
        # A concurrent or earlier request with the same key committed first.
        existing = _existing(buyer, key, fingerprint)
        if existing is None:
            raise
        return existing
    except DomainError as exc:
        existing = _existing(buyer, key, fingerprint)  # raises IdempotencyKeyReused on other contents
        if existing is not None:
            return existing
        _record_attempt(buyer, key, exc, quote.totals.gross if quote is not None else 0)
        raise


def _check_quote(quote: Quote, expected_total: int | None) -> None:
    for notice in quote.notices:
        if notice.code == "out_of_stock":
            raise OutOfStock(notice.message, offer_ids=(notice.offer_id,))
        raise OfferUnavailable(notice.message, field="offer")
    if expected_total is not None and expected_total != quote.totals.gross:
        raise PriceChanged(_("Prices or delivery costs changed since you reviewed your order. Please check the new total."))


def _order_rows(*, buyer, key, fingerprint, quote: Quote, address: Address, language: str) -> tuple[Order, list[SellerOrder]]:
    """The Order and its SellerOrders, built in Python from the quote (prices, VAT and totals
    computed before the transaction, no lock held)."""
    order = Order(
        reference=_new_reference(), buyer=buyer, market=quote.market, currency=quote.currency, language=language[:8],
        email=buyer.email or "", full_name=address.full_name, address_line1=address.line1, address_line2=address.line2,
        postcode=address.postcode, city_name=address.city, country=address.country, phone=address.phone,
        goods_net=quote.totals.goods_net, delivery_net=quote.totals.delivery_net, vat_total=quote.totals.vat,
        total_gross=quote.totals.gross, idempotency_key=key, fingerprint=fingerprint,
    )
    parts = [
        SellerOrder(
            order=order, number=f"{order.reference}-{group_index}", seller_id=g.seller_id, location_id=g.location_id,
            delivery_method=g.chosen.code, delivery_label=g.chosen.label, delivery_net=g.delivery.net,
            delivery_vat_rate_bp=g.delivery.rate_bp, delivery_vat=g.delivery.vat, promised_from=g.chosen.earliest,
            promised_to=g.chosen.latest, liable_party=g.liable_party, goods_net=g.goods_net,
            vat_total=sum(ql.price.vat for ql in g.lines) + g.delivery.vat, total_gross=g.total_gross,
        )
        for group_index, g in enumerate(quote.groups, start=1)
    ]
    return order, parts


def _place(*, buyer, key, fingerprint, quote: Quote, address: Address, card: CardDetails, language: str, cart) -> Order:
    order, parts = _order_rows(buyer=buyer, key=key, fingerprint=fingerprint, quote=quote, address=address, language=language)
    planned = [(part, ql) for part, g in zip(parts, quote.groups, strict=True) for ql in g.lines]
    requests = [
        HoldRequest(ql.offer_id, ql.quantity, location_id=part.location_id, stock_level_id=ql.stock_level_id)
        for part, ql in planned
    ]

    def write_lines(holds) -> None:
        rows_insert(
            [
                OrderLine(
                    seller_order=part, offer_id=ql.offer_id, product_id=ql.product_id, title=ql.title[:250],
                    quantity=ql.quantity, unit_net=ql.price.unit_net, vat_rate_bp=ql.price.rate_bp,
                    line_net=ql.price.net, line_vat=ql.price.vat, line_gross=ql.price.gross,
                    liable_party=ql.liable_party, hold=hold,
                )
                for (part, ql), hold in zip(planned, holds, strict=True)
            ]
        )

    card_details = _payment_card(card)
    payment, created = payments.payment_attempt_record(
        order_ref=order.reference, amount=order.total_gross, currency=order.currency,
        idempotency_key=f"order:{buyer.pk}:{key}", card=card_details, retry_declined=True,
    )
    if not created:  # this key was tried before: its order, or the same payment resumed
        existing = _existing(buyer, key, fingerprint)
        if existing is not None:
            return existing
        _resume_checks(order, payment)
        for part in parts:
            part.number = order.reference + part.number[part.number.rindex("-"):]
    result = _authorize(order, payment, card_details)
    try:
        with transaction.atomic():
            payments.payment_record_answer(payment, result)
            order.payment_id = payment.pk
            order.payment_status = _ORDER_PAYMENT_STATUS[payment.status]
            # Then the Order row (the unique (buyer, key) makes a concurrent duplicate wait here),
            # the seller orders (one INSERT), the cart clean-up and the notification task.
            rows_insert([order])
            for part in parts:
                part.order = order
            rows_insert(parts)
            if cart is not None:
                CartLine.objects.filter(cart=cart, offer_id__in=[r.offer_id for r in requests]).delete()
            if order.payment_status != PaymentStatus.PENDING:  # asynchronous payments notify on confirmation
                _notify_placed_on_commit(order.pk)
            # The holds on the quoted stock levels and the lines are written before the stock rows
            # are locked; the lock (pk order) then covers the check, one UPDATE and the COMMIT.
            holds = holds_take(requests=requests, reference=order.reference, before_lock=write_lines)
            # Under the stock lock: the offers (read by the lock query) must still be active at the quoted prices.
            for (_part, ql), hold in zip(planned, holds, strict=True):
                offer = hold.stock_level.offer
                if not offer.is_active:
                    raise OfferUnavailable(_("An item was withdrawn by its seller while you were checking out."), field="offer")
                if offer.net_price != ql.price.unit_net:
                    raise PriceChanged(_("A price changed while you were checking out. Please check the new total."))
    except BaseException:
        # Rolled back after the provider answered (no stock, a price changed, a duplicate): the
        # authorization is voided at the provider, unless a concurrent duplicate's order holds it.
        payment_void_unless_ordered(payment.pk, reference=result.reference)
        raise
    return order


def _notify_placed_on_commit(order_id: int) -> None:
    """The confirmation emails are sent by a background task that starts only once the order is
    committed. With the database task backend the task row is written in the placement's own
    transaction (committed with the order or not at all: one commit, no second fsync); any other
    backend (immediate, in tests) is called after the commit."""
    from django_tasks_db.backend import DatabaseBackend

    from ..tasks import notify_order_placed

    if isinstance(notify_order_placed.get_backend(), DatabaseBackend):
        notify_order_placed.enqueue(order_id)
    else:
        transaction.on_commit(lambda: notify_order_placed.enqueue(order_id))
