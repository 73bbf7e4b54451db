"""order_place: one atomic, idempotent use case from checked lines to an authorized order.

Flow (each step calls downwards only):
1. validate the lines, the address and the idempotency key; same key + same content → the
   existing order, same key + other content → IdempotencyKeyReused (looked up only when the
   placement fails: a used key fails on the unique keys of the payment and the order);
2. price a fresh quote (orders.quote) and compare it with the total the buyer confirmed;
3. build the Order, SellerOrder and OrderLine rows in Python from the quote (no lock held);
4. in ONE transaction: authorize the payment first (payments.services.payment_authorize inside
   our transaction: a declined card never touches stock, and the provider's time holds no stock
   lock); insert the Order (the unique (buyer, key) constraint, and the payment's unique key
   before it, make a concurrent duplicate wait, then fail and return the first order) and the
   SellerOrders (one INSERT), the notification task; then inventory.services.holds_take on the
   quoted stock levels writes the holds, lets us write the lines (one INSERT each), and only then
   locks the levels (pk order, one SELECT … FOR UPDATE that also reads the offers), checks and
   updates them; we re-verify each offer's price and status from that read and commit. The stock
   lock covers two statements and the COMMIT. Any error rolls all of it back and releases the
   authorization at the provider. Listing refresh runs on commit.
5. a declined payment or missing stock leaves only a PlacementAttempt row, for support.
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
from ..errors import EmptyCart, IdempotencyKeyReused, MarketNotServed, OfferUnavailable, PaymentDeclined, PriceChanged
from ..models import CartLine, Order, OrderLine, PaymentStatus, PlacementAttempt, SellerOrder
from ..quote import LineRequest, Quote, destination_point, normalise_lines, quote_build


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


def _authorize(order: Order, card: CardDetails):
    """Ask payments to authorize the order total. Returns the payment or raises PaymentDeclined."""
    from comptoir.payments import services as payments

    try:
        payment = payments.payment_authorize_in_transaction(
            order_ref=order.reference,
            amount=order.total_gross,
            currency=order.currency,
            card_number=card.number,
            card_expiry=card.expiry,
            card_cvc=card.cvc,
            idempotency_key=f"order:{order.buyer_id}:{order.idempotency_key}",
        )
    except DomainError as exc:
        # invalid_card, expired_card, provider_unavailable…: nothing was authorized.
        raise PaymentDeclined(str(exc.message), code=exc.code if exc.code != "payment_error" else "payment_declined", field="card") from exc
    status = str(getattr(payment, "status", ""))
    if status in {"declined", "failed", "cancelled"}:
        reason = getattr(payment, "decline_code", "") or ""
        messages = {
            "insufficient_funds": _("Your card was declined for insufficient funds. No money was taken."),
            "expired_card": _("Your card has expired. No money was taken."),
            "incorrect_cvc": _("The security code of your card is wrong. No money was taken."),
        }
        err = PaymentDeclined(messages.get(reason, _("Your payment was declined. No money was taken.")), field="card")
        err.reason = reason
        raise err
    return payment


def _payment_status(payment) -> str:
    status = str(getattr(payment, "status", ""))
    if status in {"authorized", "requires_capture"}:
        return PaymentStatus.AUTHORIZED
    if status in {"captured", "succeeded"}:
        return PaymentStatus.CAPTURED
    return PaymentStatus.PENDING


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
    IdempotencyKeyReused, PaymentDeclined. On any error nothing is written but a PlacementAttempt.
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


def _place(*, buyer, key, fingerprint, quote: Quote, address: Address, card: CardDetails, language: str, cart) -> Order:
    # Everything that does not need the stock is built before the transaction: the rows to write
    # come from the quote (prices, VAT and totals computed in Python, no lock held).
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

    payment = None
    try:
        with transaction.atomic():
            # The payment first, before any stock lock: a declined card never queues behind other
            # buyers, and the provider's time (a network call with a real one) holds no stock row.
            payment = _authorize(order, card)
            order.payment_id = getattr(payment, "pk", None)
            order.payment_status = _payment_status(payment)
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
        # Rolled back after the provider authorized (no stock, a price changed, a duplicate): our
        # Payment row is gone, the provider's authorization is not — release it.
        if payment is not None and getattr(payment, "provider_reference", ""):
            _release_abandoned(payment)
        raise
    return order


def _release_abandoned(payment) -> None:
    from comptoir.payments import services as payments

    payments.payment_release_abandoned(provider=payment.provider, reference=payment.provider_reference)


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
