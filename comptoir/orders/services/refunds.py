"""Operator refunds: give back chosen units of an order's lines (and the delivery), whole parts or
the whole order, on the buyer's behalf, with a reason that is kept.

Every choice is checked for every part first, under the parts' row locks, and the pending
refunds are recorded in one transaction: bad input writes nothing. Then, per part and outside
any transaction, the provider refunds (keyed by the refund: asking again after a crash refunds
once); then the ledger reverses the amount, the part's refunded amount grows, the refund is
marked done and the action is written to the audit log, together.

The ledger reverses what the refunded units and delivery were captured with, not the part's
blend of rates: the units' VAT where the marketplace is liable for it (the part's liable party,
as at capture), their commission at the rate the capture kept on the line
(``OrderLine.commission_bp``), no commission on the delivery, the seller's share the rest. A
line's units are refunded at their share of the line's gross, VAT and commission, each rounded
so that refunding every unit in any number of steps gives back the line's gross, VAT and
commission exactly; the refund line records its VAT and commission. When those parts no longer
fit what remains (an in-store return refunded an amount earlier, split in proportion) or a
line's rate is unknown (captured before rates were kept), the refund is split in proportion to
what remains (``ledger_post_refund``).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.audit.services import audit_record
from comptoir.common.errors import DomainError
from comptoir.ledger.services import commission_amount, ledger_post_refund
from comptoir.payments.services import payment_refund

from ..errors import InvalidTransition, NotFound, RefundInvalid
from ..models import LiableParty, Order, OrderLine, Refund, RefundLine, RefundState, SellerOrder, SellerOrderState as S
from ..selectors import REFUNDABLE_STATES, LineRefunded, delivery_refunded, refunded_by_line
from ..tasks import notify_refunded
from .lifecycle import _enqueue, _payment, ledger_ref, reason_required

# Every unit and the delivery refunded: the part becomes REFUNDED (once it left the seller).
SHIPPED_STATES = (S.SHIPPED, S.DELIVERED, S.RETURN_REQUESTED, S.RETURN_RECEIVED)


def quantity_field(line_id: int) -> str:
    """The form field that carries a line's quantity (errors name it)."""
    return f"qty_{line_id}"


def delivery_field(seller_order_id: int) -> str:
    return f"delivery_{seller_order_id}"


def _units_share(line_amount: int, quantity: int, units: int) -> int:
    """The first ``units``' share of a line's amount (gross, VAT or commission), rounded half up."""
    return (2 * line_amount * units + quantity) // (2 * quantity)


def _units_slice(line_amount: int, quantity: int, before: int, units: int) -> int:
    """The share of ``units`` more after ``before`` already refunded: the steps of a line sum to
    ``line_amount`` exactly, whatever their sizes."""
    return _units_share(line_amount, quantity, before + units) - _units_share(line_amount, quantity, before)


def _pending_amount(part: SellerOrder) -> int:
    return Refund.objects.filter(seller_order=part, state=RefundState.PENDING).aggregate(s=Sum("amount"))["s"] or 0


@dataclass(frozen=True, slots=True)
class _LinePlan:
    line: OrderLine
    units: int
    gross: int
    vat: int | None  # marketplace-liable VAT (0 where the seller is liable); None: rate unknown
    commission: int | None


@dataclass(frozen=True, slots=True)
class _PartPlan:
    part: SellerOrder
    lines: tuple[_LinePlan, ...]
    delivery_amount: int

    @property
    def amount(self) -> int:
        return sum(lp.gross for lp in self.lines) + self.delivery_amount


def _line_plan(part: SellerOrder, line: OrderLine, before: int, units: int, gross: int) -> _LinePlan:
    """What ``units`` more of a line reverse: the units' VAT where the marketplace was liable for
    it and their commission at the rate the capture used, each its step of the line's amount."""
    if line.commission_bp is None:
        return _LinePlan(line, units, gross, None, None)
    line_vat = line.line_vat if part.liable_party == LiableParty.MARKETPLACE else 0
    line_commission = commission_amount(line.line_net, line.commission_bp)
    return _LinePlan(
        line, units, gross, _units_slice(line_vat, line.quantity, before, units),
        _units_slice(line_commission, line.quantity, before, units),
    )


def _plan_part(part: SellerOrder, quantities: Mapping[int, int], with_delivery: bool) -> _PartPlan | None:
    """What refunding ``quantities`` (order line id → units) and, if asked, the delivery of one
    locked part gives back; None when nothing of this part was chosen. Raises RefundInvalid."""
    lines = list(part.lines.all())
    chosen = {line.pk: quantities.get(line.pk, 0) for line in lines}
    if not any(chosen.values()) and not with_delivery:
        return None
    if part.state == S.PLACED:
        raise RefundInvalid(_("%(number)s is not paid yet: cancel it instead of refunding it.") % {"number": part.number}, code="refund_not_captured")
    if part.state not in REFUNDABLE_STATES:
        raise InvalidTransition(
            _("%(number)s is %(state)s: nothing more can be refunded.") % {"number": part.number, "state": part.get_state_display().lower()},
            code="refund_not_possible",
        )
    done = refunded_by_line([part.pk])
    planned = []
    for line in lines:
        units = chosen[line.pk]
        if not units:
            continue
        before = done.get(line.pk, LineRefunded(0, 0))
        left = line.quantity - before.quantity
        if left == 0:
            raise RefundInvalid(_("“%(title)s” is already refunded.") % {"title": line.title}, code="line_already_refunded", field=quantity_field(line.pk))
        if units > left:
            raise RefundInvalid(
                ngettext("Only %(left)d unit of “%(title)s” is left to refund.", "Only %(left)d units of “%(title)s” are left to refund.", left)
                % {"left": left, "title": line.title},
                code="refund_quantity_exceeded", field=quantity_field(line.pk),
            )
        gross = _units_share(line.line_gross, line.quantity, before.quantity + units) - before.amount
        planned.append(_line_plan(part, line, before.quantity, units, gross))
    delivery = 0
    if with_delivery:
        delivery = part.delivery_net + part.delivery_vat
        if delivery == 0:
            raise RefundInvalid(_("%(number)s had free delivery: there is nothing to refund for it.") % {"number": part.number}, code="delivery_free", field=delivery_field(part.pk))
        if delivery_refunded([part.pk]).get(part.pk, 0):
            raise RefundInvalid(_("The delivery of %(number)s is already refunded.") % {"number": part.number}, code="delivery_already_refunded", field=delivery_field(part.pk))
    plan = _PartPlan(part=part, lines=tuple(planned), delivery_amount=delivery)
    left_paid = part.captured_amount - part.refunded_amount - _pending_amount(part)
    if plan.amount > left_paid:
        raise RefundInvalid(
            _("A refund of %(amount)s on %(number)s is more than what is left of what the buyer paid for it (%(left)s).")
            % {"amount": _money(plan.amount, part), "number": part.number, "left": _money(left_paid, part)},
            code="refund_exceeds_paid",
        )
    if part.state == S.ACCEPTED and plan.amount == left_paid:
        raise RefundInvalid(
            _("%(number)s has not shipped: cancel it rather than refund all of it.") % {"number": part.number}, code="refund_cancel_instead",
        )
    return plan


def _money(amount: int, part: SellerOrder) -> str:
    from ..templatetags.orders_money import money

    return money(amount, part.order.currency)


def order_refund(
    *, order_id: int, operator, reason: str, quantities: Mapping[int, int], delivery_for: Collection[int] = (),
) -> list[Refund]:
    """Refund, on an order, ``quantities`` (order line id → units) and the delivery of the parts
    in ``delivery_for`` (seller order ids). Returns one done Refund per part concerned.

    The whole order: every line's remaining units and every part's delivery; a whole part: its
    lines and its delivery. Raises ReasonRequired, RefundInvalid or InvalidTransition before
    anything is written; a refusal by the provider marks that part's refund FAILED and raises.
    """
    reason = reason_required(reason)
    if any(not isinstance(q, int) or isinstance(q, bool) or q < 0 for q in quantities.values()):
        raise RefundInvalid(_("Quantities are whole numbers, 0 or more."), code="refund_quantity_invalid")
    with transaction.atomic():
        if not Order.objects.filter(pk=order_id).exists():
            raise NotFound(_("No such order."))
        parts = list(SellerOrder.objects.select_for_update(of=("self",)).select_related("order").filter(order_id=order_id).order_by("pk"))
        known_lines = set(OrderLine.objects.filter(seller_order__in=parts).values_list("pk", flat=True))
        unknown = set(quantities) - known_lines
        if unknown:
            raise RefundInvalid(_("That line is not part of this order."), code="refund_unknown_line", field=quantity_field(min(unknown)))
        if set(delivery_for) - {p.pk for p in parts}:
            raise RefundInvalid(_("That part is not part of this order."), code="refund_unknown_part")
        plans = [plan for part in parts if (plan := _plan_part(part, quantities, part.pk in delivery_for)) is not None]
        if not plans:
            raise RefundInvalid(_("Choose at least one unit or a delivery to refund."), code="refund_empty")
        refunds = []
        for plan in plans:
            refund = Refund.objects.create(
                seller_order=plan.part, amount=plan.amount, delivery_amount=plan.delivery_amount, reason=reason, created_by=operator,
            )
            RefundLine.objects.bulk_create(
                RefundLine(refund=refund, order_line=lp.line, quantity=lp.units, amount=lp.gross, vat=lp.vat, commission=lp.commission)
                for lp in plan.lines
            )
            refunds.append(refund)
    for refund in refunds:
        _refund_execute(refund, operator=operator)
    return refunds


def _refund_parts(refund: Refund, part: SellerOrder, lines: list[RefundLine]) -> dict:
    """The ledger parts a refund reverses: its lines' VAT and commission as recorded, the
    delivery's VAT where the marketplace was liable (no commission is taken on delivery), the
    seller's share the rest. Empty (split in proportion) when a line's split is unknown."""
    if any(rl.vat is None or rl.commission is None for rl in lines):
        return {}
    vat = sum(rl.vat for rl in lines)
    if refund.delivery_amount and part.liable_party == LiableParty.MARKETPLACE:
        vat += part.delivery_vat
    commission = sum(rl.commission for rl in lines)
    if refund.amount - vat - commission < 0:  # a commission near 100 % of a unit: rounding could overshoot
        return {}
    return {
        "seller_net_share": refund.amount - vat - commission, "commission": commission,
        "vat_by_market_marketplace_liable": {part.order.market.code: vat} if vat else {},
    }


def _refund_execute(refund: Refund, *, operator) -> None:
    part = refund.seller_order
    key = f"{ledger_ref(part)}:refund:{refund.pk}"
    try:
        payment_refund(payment=_payment(part.order), amount=refund.amount, reason=f"operator refund {part.number}", idempotency_key=key)
    except DomainError:
        Refund.objects.filter(pk=refund.pk, state=RefundState.PENDING).update(state=RefundState.FAILED)
        raise
    with transaction.atomic():
        part = SellerOrder.objects.select_for_update(of=("self",)).select_related("order__market").get(pk=part.pk)
        refund_lines = list(refund.lines.all())
        ledger_post_refund(
            seller_order_ref=ledger_ref(part), currency=part.order.currency, refund_gross=refund.amount, unique_key=key,
            memo=refund.reason[:200], fallback_proportional=True, **_refund_parts(refund, part, refund_lines),
        )
        before = {"state": part.state, "refunded_amount": part.refunded_amount}
        part.refunded_amount += refund.amount
        fields = ["refunded_amount"]
        if part.refunded_amount == part.captured_amount and part.state in SHIPPED_STATES:
            part.state, part.refunded_at = S.REFUNDED, timezone.now()
            fields += ["state", "refunded_at"]
        part.save(update_fields=fields)
        refund.state, refund.done_at = RefundState.DONE, timezone.now()
        refund.save(update_fields=["state", "done_at"])
        lines = {str(rl.order_line_id): rl.quantity for rl in refund_lines}
        audit_record(
            actor=operator, action="seller_order.refund", object_type="orders.sellerorder", object_key=part.number,
            subject_type="orders.order", subject_key=part.order.reference, reason=refund.reason,
            before=before,
            after={"state": part.state, "refunded_amount": part.refunded_amount, "refund": refund.amount,
                   "delivery": refund.delivery_amount, "lines": lines},
        )
        _enqueue(notify_refunded, part.pk, refund.amount)
