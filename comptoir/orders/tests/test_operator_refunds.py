"""Operator refunds and cancellations through the orders services (the desk's pages call these)."""
import pytest
from django.core import mail

from comptoir.audit.models import AuditEntry
from comptoir.catalog.models import Category
from comptoir.ledger.models import AccountKind, JournalEntry, JournalLine
from comptoir.ledger.selectors import seller_balance
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.orders.errors import InvalidTransition, ReasonRequired, RefundInvalid
from comptoir.orders.address import Address
from comptoir.orders.models import LiableParty, Order, OrderLine, Refund, SellerOrderState as S, SentEmail
from comptoir.orders.services import order_refund, seller_order_accept, seller_order_cancel, seller_order_ship
from comptoir.orders.services.instore import seller_order_refund_in_store

from . import factories as f
from .helpers import place, shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted():
    buyer, s1, s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)])
    p1, p2 = order.parts.order_by("pk")
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    return order, p1, p2, s1, f.user("lead@comptoir.example", is_staff=True)


def test_units_refunded_in_steps_give_back_the_line_exactly(accepted, django_capture_on_commit_callbacks):
    order, p1, p2, s1, lead = accepted
    seller_order_ship(seller_order_id=p1.pk, seller=s1, carrier="DHL", tracking_number="1")
    line = p1.lines.get()
    first = order_refund(order_id=order.pk, operator=lead, reason="one broken", quantities={line.pk: 1})
    second = order_refund(order_id=order.pk, operator=lead, reason="the other too", quantities={line.pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        third = order_refund(order_id=order.pk, operator=lead, reason="late", quantities={}, delivery_for=[p1.pk])
    assert [r[0].amount for r in (first, second, third)] == [1200, 1200, 588]
    p1.refresh_from_db()
    assert (p1.state, p1.refunded_amount) == (S.REFUNDED, 2988)
    assert seller_balance(seller_id=s1.pk, currency="EUR") == 0
    assert_ledger_balanced()
    assert [e.reason for e in AuditEntry.objects.order_by("pk")] == ["one broken", "the other too", "late"]
    assert mail.outbox[-1].subject == f"Refund for your order {order.reference}"
    assert SentEmail.objects.filter(order=order, seller_order=p1, subject=f"Refund for your order {order.reference}").count() == 1


def test_each_refund_email_states_that_refunds_amount_and_the_total_so_far_in_the_buyers_language(django_capture_on_commit_callbacks):
    buyer, s1, _s2, lamp, _chair = shop()
    order = place(buyer, [(lamp, 2)], language="fr")
    part = order.parts.get()
    seller_order_accept(seller_order_id=part.pk, seller=s1)
    seller_order_ship(seller_order_id=part.pk, seller=s1, carrier="DHL", tracking_number="1")
    lead, line = f.user("lead@comptoir.example", is_staff=True), part.lines.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, operator=lead, reason="one broken", quantities={line.pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, operator=lead, reason="late", quantities={}, delivery_for=[part.pk])
    assert [m.subject for m in mail.outbox] == [f"Remboursement de votre commande {order.reference}"] * 2
    assert [m.body for m in mail.outbox] == [
        f"Bonjour Ana Ruiz,\n\nNous vous avons remboursé 12,00\xa0€ sur la partie {part.number} de votre commande.\n\n",
        f"Bonjour Ana Ruiz,\n\nNous vous avons remboursé 5,88\xa0€ sur la partie {part.number} de votre commande.\n"
        "Total remboursé sur cette partie à ce jour : 17,88\xa0€.\n\n",
    ]


def test_cancelling_a_partly_refunded_part_emails_what_was_left(accepted, django_capture_on_commit_callbacks):
    order, p1, _p2, _s1, lead = accepted
    Order.objects.filter(pk=order.pk).update(language="de")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, operator=lead, reason="one broken", quantities={p1.lines.get().pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason="seller out of stock, buyer agreed")
    assert [m.body.split("\n\n", 1)[1] for m in mail.outbox] == [
        f"Wir haben Ihnen 12,00\xa0€ für Ihren Bestellteil {p1.number} erstattet.\n\n",
        f"Wir haben Ihnen 17,88\xa0€ für Ihren Bestellteil {p1.number} erstattet.\n"
        "Für diesen Bestellteil bisher insgesamt erstattet: 29,88\xa0€.\n\n",
    ]


def test_refusals_write_nothing(accepted):
    order, p1, p2, s1, lead = accepted
    line, chair = p1.lines.get(), p2.lines.get()
    with pytest.raises(ReasonRequired):
        order_refund(order_id=order.pk, operator=lead, reason="", quantities={line.pk: 1})
    with pytest.raises(RefundInvalid) as not_paid:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={chair.pk: 1})
    assert not_paid.value.code == "refund_not_captured"
    with pytest.raises(RefundInvalid) as too_many:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={line.pk: 3})
    assert (too_many.value.code, too_many.value.field) == ("refund_quantity_exceeded", f"qty_{line.pk}")
    with pytest.raises(RefundInvalid) as everything_before_shipping:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={line.pk: 2}, delivery_for=[p1.pk])
    assert everything_before_shipping.value.code == "refund_cancel_instead"
    with pytest.raises(RefundInvalid) as foreign:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={10**9: 1})
    assert foreign.value.code == "refund_unknown_line"
    assert (Refund.objects.count(), AuditEntry.objects.count()) == (0, 0)
    p1.refresh_from_db()
    assert p1.refunded_amount == 0


def test_operator_cancel_of_an_accepted_part_refunds_it_and_is_audited(accepted, django_capture_on_commit_callbacks):
    order, p1, p2, s1, lead = accepted
    with pytest.raises(ReasonRequired):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason="seller out of stock, buyer agreed")
    p1.refresh_from_db()
    assert (p1.state, p1.cancelled_by, p1.refunded_amount) == (S.CANCELLED, "operator", 2988)
    entry = AuditEntry.objects.get()
    assert (entry.before, entry.after) == ({"state": "accepted", "refunded_amount": 0}, {"state": "cancelled", "refunded_amount": 2988})
    with pytest.raises(InvalidTransition):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason="again")
    assert AuditEntry.objects.count() == 1


# --- what a refund reverses: the units' own VAT and commission, not the order's blend ----------

SEVILLA = Address(full_name="Ana Ruiz", line1="Calle Sierpes 1", postcode="41001", city="Sevilla", country="ES", phone="+34954590900")


def _mixed_es_order(seller, *, lamp_qty: int = 1, book_net: int = 2500, book_qty: int = 1):
    """A shipped ES order from ``seller``: a lamp (21 % VAT, category commission 12 %) and a book
    (4 % VAT, its category at 8 %). Returns (order, part, lamp line, book line)."""
    f.market("FR")
    f.market("ES")
    lamp = f.offer(seller, net_price=4000, stock=5, title="Lamp")
    book = f.offer(seller, net_price=book_net, stock=5, title="Book", tax_class="books")
    Category.objects.filter(pk=book.product.category_id).update(commission_bp=800)
    order = place(f.user(), [(lamp, lamp_qty), (book, book_qty)], address=SEVILLA)
    part = order.parts.get()
    seller_order_accept(seller_order_id=part.pk, seller=seller)
    seller_order_ship(seller_order_id=part.pk, seller=seller, carrier="SEUR", tracking_number="1")
    lamp_line, book_line = part.lines.get(offer=lamp), part.lines.get(offer=book)
    return order, part, lamp_line, book_line


def _entry_of(refund: Refund) -> dict[tuple[str, str], int]:
    """The refund's journal entry as {(account kind, owner id): amount}."""
    entry = JournalEntry.objects.get(unique_key=f"seller_order:{refund.seller_order_id}:refund:{refund.pk}")
    return {(ln.account.kind, ln.account.owner_id): ln.amount for ln in entry.lines.select_related("account")}


def _left_of(part) -> dict[tuple[str, str], int]:
    """What remains, per account, of everything posted for the part (capture and reversals)."""
    left: dict[tuple[str, str], int] = {}
    for ln in JournalLine.objects.filter(entry__reference__startswith=f"seller_order:{part.pk}:").select_related("account"):
        key = (ln.account.kind, ln.account.owner_id)
        left[key] = left.get(key, 0) + ln.amount
    return left


BUYER, COMMISSION, VAT_ES = (AccountKind.BUYER_CLEARING, ""), (AccountKind.COMMISSION_REVENUE, ""), (AccountKind.VAT_PAYABLE, "ES")


def test_a_book_refunded_alone_reverses_its_own_4_percent_vat_and_8_percent_commission_where_the_marketplace_is_liable():
    cn = f.seller("Shenzhen Gadgets", country="CN", city_name="Shenzhen")
    order, part, lamp, book = _mixed_es_order(cn)
    assert (part.liable_party, lamp.vat_rate_bp, lamp.line_vat, book.vat_rate_bp, book.line_vat) == (LiableParty.MARKETPLACE, 2100, 840, 400, 100)
    assert (lamp.commission_bp, book.commission_bp) == (1200, 800)  # kept at capture
    seller = (AccountKind.SELLER_PAYABLE, str(cn.pk))
    lead = f.user("lead@comptoir.example", is_staff=True)

    [first] = order_refund(order_id=order.pk, operator=lead, reason="book damaged", quantities={book.pk: 1})
    # 25.00 net + 1.00 VAT (4 %); commission 2.00 (8 % of 25.00); the seller 23.00.
    assert _entry_of(first) == {BUYER: -2600, VAT_ES: 100, COMMISSION: 200, seller: 2300}
    assert [(rl.amount, rl.vat, rl.commission) for rl in first.lines.all()] == [(2600, 100, 200)]

    [second] = order_refund(order_id=order.pk, operator=lead, reason="lamp too", quantities={lamp.pk: 1})
    # 40.00 net + 8.40 VAT (21 %); commission 4.80 (12 %); the seller 35.20.
    assert _entry_of(second) == {BUYER: -4840, VAT_ES: 840, COMMISSION: 480, seller: 3520}

    [third] = order_refund(order_id=order.pk, operator=lead, reason="and the delivery", quantities={}, delivery_for=[part.pk])
    assert part.delivery_vat > 0
    # The delivery: its VAT, no commission, the seller its net.
    assert _entry_of(third) == {BUYER: -(part.delivery_net + part.delivery_vat), VAT_ES: part.delivery_vat, seller: part.delivery_net}
    # Everything captured is reversed exactly.
    assert _left_of(part) == {BUYER: 0, VAT_ES: 0, COMMISSION: 0, seller: 0}
    part.refresh_from_db()
    assert (part.state, part.refunded_amount) == (S.REFUNDED, part.captured_amount)
    assert seller_balance(seller_id=cn.pk, currency="EUR") == 0
    assert_ledger_balanced()


def test_where_the_eu_seller_is_liable_a_book_refund_reverses_its_commission_and_gives_the_seller_the_rest():
    es = f.seller("Librería Sevilla", country="ES", city_name="Sevilla")
    order, part, lamp, book = _mixed_es_order(es)
    assert part.liable_party == LiableParty.SELLER
    seller = (AccountKind.SELLER_PAYABLE, str(es.pk))
    lead = f.user("lead@comptoir.example", is_staff=True)

    [first] = order_refund(order_id=order.pk, operator=lead, reason="book damaged", quantities={book.pk: 1})
    # 26.00 paid for the book (its VAT is the seller's to remit): 2.00 commission (8 %), 24.00 the seller.
    assert _entry_of(first) == {BUYER: -2600, COMMISSION: 200, seller: 2400}
    [second] = order_refund(order_id=order.pk, operator=lead, reason="lamp too", quantities={lamp.pk: 1})
    assert _entry_of(second) == {BUYER: -4840, COMMISSION: 480, seller: 4360}
    order_refund(order_id=order.pk, operator=lead, reason="and the delivery", quantities={}, delivery_for=[part.pk])
    assert _left_of(part) == {BUYER: 0, COMMISSION: 0, seller: 0}
    assert seller_balance(seller_id=es.pk, currency="EUR") == 0
    assert_ledger_balanced()


def test_a_3_unit_line_refunded_in_two_steps_gives_back_exactly_its_vat_and_commission():
    cn = f.seller("Shenzhen Gadgets", country="CN", city_name="Shenzhen")
    order, part, lamp, book = _mixed_es_order(cn, book_net=1234, book_qty=3)
    # 37.02 net, VAT 4 % = 1.48 (1.4808), commission 8 % = 2.96 (2.9616): none divides by 3.
    assert (book.line_net, book.line_vat, book.line_gross) == (3702, 148, 3850)
    seller = (AccountKind.SELLER_PAYABLE, str(cn.pk))
    lead = f.user("lead@comptoir.example", is_staff=True)
    [one] = order_refund(order_id=order.pk, operator=lead, reason="one", quantities={book.pk: 1})
    assert _entry_of(one) == {BUYER: -1283, VAT_ES: 49, COMMISSION: 99, seller: 1135}
    [two] = order_refund(order_id=order.pk, operator=lead, reason="the other two", quantities={book.pk: 2})
    assert _entry_of(two) == {BUYER: -2567, VAT_ES: 99, COMMISSION: 197, seller: 2271}
    # Together: the book's gross 38.50, VAT 1.48, commission 2.96, the seller 34.06, exactly.
    assert (1283 + 2567, 49 + 99, 99 + 197, 1135 + 2271) == (3850, 148, 296, 3850 - 148 - 296)
    # What remains is exactly the lamp and the delivery as captured.
    assert _left_of(part) == {
        BUYER: part.total_gross - 3850, VAT_ES: -(840 + part.delivery_vat), COMMISSION: -480,
        seller: -(4000 - 480 + part.delivery_net),
    }
    assert_ledger_balanced()


def test_after_a_refund_split_in_proportion_a_refund_that_no_longer_fits_is_split_in_proportion_too():
    """An in-store return refunds an amount (split in proportion to what remains); an operator
    refund after it reverses the units' own parts while they fit, and what remains once not."""
    cn = f.seller("Shenzhen Gadgets", country="CN", city_name="Shenzhen")
    order, part, lamp, book = _mixed_es_order(cn)
    seller = (AccountKind.SELLER_PAYABLE, str(cn.pk))
    lead = f.user("lead@comptoir.example", is_staff=True)
    seller_order_refund_in_store(number=part.number, amount=part.total_gross - 2600, reference="till-return-1")
    [last] = order_refund(order_id=order.pk, operator=lead, reason="the book", quantities={book.pk: 1})
    # The book's own parts (VAT 1.00, commission 2.00, seller 23.00) no longer fit what remains:
    # the seller's share left is less than 23.00. The refund reverses what remains instead.
    assert _entry_of(last)[BUYER] == -2600 and _entry_of(last)[seller] < 2300
    assert _left_of(part) == {BUYER: 0, VAT_ES: 0, COMMISSION: 0, seller: 0}
    assert_ledger_balanced()


def test_the_migration_backfills_a_captured_lines_rate_only_where_its_capture_entry_confirms_it():
    from importlib import import_module

    from django.apps import apps

    backfill = import_module("comptoir.orders.migrations.0005_line_commission_and_refund_split").backfill_commission_bp
    cn = f.seller("Shenzhen Gadgets", country="CN", city_name="Shenzhen")
    _order, part, lamp, book = _mixed_es_order(cn)
    buyer, s1, _s2, a, _b = shop()
    other = place(buyer, [(a, 1)]).parts.get()
    seller_order_accept(seller_order_id=other.pk, seller=s1)
    OrderLine.objects.update(commission_bp=None)  # as before the migration
    Category.objects.filter(pk=a.product.category_id).update(commission_bp=1500)  # the rate changed since
    backfill(apps, None)
    assert dict(OrderLine.objects.values_list("pk", "commission_bp")) == {lamp.pk: 1200, book.pk: 800, other.lines.get().pk: None}
