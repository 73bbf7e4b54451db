"""The operator's order desk: search, one order's page, refunds and cancellations by staff with
the permission, refused without it."""
import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.audit.models import AuditEntry
from comptoir.catalog.models import Category
from comptoir.ledger.models import AccountKind, EntryKind, JournalLine
from comptoir.ledger.selectors import seller_balance
from comptoir.orders.address import Address
from comptoir.orders.models import Order, Refund, SellerOrderState as S, SentEmail
from comptoir.orders.services import seller_order_accept, seller_order_ship
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import place, shop
from comptoir.payments.models import Payment
from comptoir.sellers.models import SellerMember

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def staff(email: str, group: str | None) -> object:
    user = f.user(email, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def shipped(django_capture_on_commit_callbacks):
    """An order of 2 lamps (Atelier Lyon, accepted and shipped) and 1 chair (Boutique Paris, placed)."""
    buyer, s1, s2, a, b = shop()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, [(a, 2), (b, 1)])
    p1, p2 = order.parts.order_by("pk")
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_ship(seller_order_id=p1.pk, seller=s1, carrier="Colissimo", tracking_number="6A123")
    return order, p1, p2, s1, buyer


def test_support_lead_finds_the_order_by_email_refunds_one_line_and_everyone_sees_it(shipped, django_capture_on_commit_callbacks):
    order, p1, p2, s1, buyer = shipped
    lead = staff("lead@comptoir.example", "Support lead")
    desk = signed_in(lead)
    assert seller_balance(seller_id=s1.pk, currency="EUR") == 2748  # 29.88 paid − 2.40 commission (12 % of 20.00)

    found = desk.get("/operator/orders/", {"email": "BUYER@example.com"})
    assert found.status_code == 200
    assert [o.reference for o in found.context["page"].object_list] == [order.reference]
    page = desk.get(f"/operator/orders/{order.reference}/")
    assert page.status_code == 200
    assert b"Refund the chosen units" in page.content
    line = p1.lines.get()  # 2 lamps, 24.00 incl. VAT

    with django_capture_on_commit_callbacks(execute=True):
        done = desk.post(f"/operator/orders/{order.reference}/refund/", {f"qty_{line.pk}": "1", "reason": "Lamp arrived broken"})
    assert done.status_code == 302

    refund = Refund.objects.get()
    assert (refund.amount, refund.delivery_amount, refund.reason, refund.state) == (1200, 0, "Lamp arrived broken", "done")
    assert [(rl.order_line_id, rl.quantity, rl.amount) for rl in refund.lines.all()] == [(line.pk, 1, 1200)]
    p1.refresh_from_db()
    assert (p1.state, p1.captured_amount, p1.refunded_amount) == (S.SHIPPED, 2988, 1200)
    payment = Payment.objects.get(pk=order.payment_id)
    assert (payment.captured_amount, payment.refunded_amount, payment.status) == (2988, 1200, "partially_refunded")
    # The ledger: the refund reverses what the lamp was captured with: 1.20 commission (12 % of its
    # 10.00 net), the seller (liable for the VAT, a French seller) the rest, 10.80.
    entry_lines = {
        ln.account.kind: ln.amount
        for ln in JournalLine.objects.filter(entry__kind=EntryKind.REFUND, entry__reference=f"seller_order:{p1.pk}:refund").select_related("account")
    }
    assert entry_lines == {AccountKind.BUYER_CLEARING: -1200, AccountKind.SELLER_PAYABLE: 1080, AccountKind.COMMISSION_REVENUE: 120}
    assert seller_balance(seller_id=s1.pk, currency="EUR") == 2748 - 1080
    # The audit log keeps who, what, why, before and after.
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_key, entry.subject_key, entry.reason) == (
        lead, "seller_order.refund", p1.number, order.reference, "Lamp arrived broken")
    assert entry.before == {"state": "shipped", "refunded_amount": 0}
    assert entry.after == {"state": "shipped", "refunded_amount": 1200, "refund": 1200, "delivery": 0, "lines": {str(line.pk): 1}}
    # The e-mail to the buyer went out and is recorded.
    assert SentEmail.objects.filter(order=order, template="orders/email/refunded.txt").count() == 1

    page = desk.get(f"/operator/orders/{order.reference}/")
    text = page.content.decode()
    assert "Lamp arrived broken" in text and "lead@comptoir.example" in text and "seller_order.refund" in text
    assert f"Refund for your order {order.reference}" in text  # the e-mail sent
    buyer_page = signed_in(buyer).get(f"/orders/{order.reference}/")
    assert "Refunded to you: €12.00" in buyer_page.content.decode()
    member = f.user("atelier@example.com")
    SellerMember.objects.create(user=member, seller=s1)
    assert "€16.68" in signed_in(member).get("/seller/").content.decode()  # 27.48 − 10.80


def test_two_refunds_from_the_desk_each_email_the_buyer_that_refunds_amount_in_their_language(shipped, django_capture_on_commit_callbacks):
    order, p1, p2, s1, buyer = shipped
    Order.objects.filter(pk=order.pk).update(language="es")
    desk, line = signed_in(staff("lead@comptoir.example", "Support lead")), p1.lines.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert desk.post(f"/operator/orders/{order.reference}/refund/", {f"qty_{line.pk}": "1", "reason": "Lamp arrived broken"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert desk.post(f"/operator/orders/{order.reference}/refund/", {f"delivery_{p1.pk}": "on", "reason": "Late"}).status_code == 302
    assert [r.amount for r in Refund.objects.order_by("pk")] == [1200, 588]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["buyer@example.com"], f"Reembolso de tu pedido {order.reference}")] * 2
    assert [m.body.split("\n\n", 1)[1] for m in mail.outbox] == [
        f"Te hemos reembolsado 12,00\xa0€ de la parte {p1.number} de tu pedido.\n\n",
        f"Te hemos reembolsado 5,88\xa0€ de la parte {p1.number} de tu pedido.\nTotal reembolsado de esta parte hasta ahora: 17,88\xa0€.\n\n",
    ]


def test_support_without_refund_permission_sees_no_refund_button_and_gets_403(shipped):
    order, p1, p2, s1, buyer = shipped
    support = signed_in(staff("support@comptoir.example", "Support"))
    page = support.get(f"/operator/orders/{order.reference}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Refund the chosen units" not in text and "refund-form" not in text and "part-cancel" not in text
    assert "can look orders up but not refund" in text
    line = p1.lines.get()
    assert support.post(f"/operator/orders/{order.reference}/refund/", {f"qty_{line.pk}": "1", "reason": "x"}).status_code == 403
    assert support.post(f"/operator/orders/{order.reference}/parts/{p2.number}/cancel/", {f"cancel{p2.pk}-reason": "x"}).status_code == 403
    assert (Refund.objects.count(), AuditEntry.objects.count()) == (0, 0)
    p1.refresh_from_db()
    assert p1.refunded_amount == 0


def test_desk_refuses_anonymous_buyers_and_staff_without_view_permission(shipped):
    order = shipped[0]
    assert Client().get("/operator/orders/").status_code == 302
    assert signed_in(f.user("nobody@example.com")).get("/operator/orders/").status_code == 403
    bare_staff = signed_in(staff("bare@comptoir.example", None))
    assert bare_staff.get("/operator/orders/").status_code == 403
    assert bare_staff.get(f"/operator/orders/{order.reference}/").status_code == 403


def _post_refund(client, order, data):
    return client.post(f"/operator/orders/{order.reference}/refund/", data)


def test_bad_refunds_get_specific_form_errors_and_write_nothing(shipped, django_capture_on_commit_callbacks):
    order, p1, p2, s1, buyer = shipped
    desk = signed_in(staff("lead@comptoir.example", "Support lead"))
    line = p1.lines.get()
    chair = p2.lines.get()

    no_reason = _post_refund(desk, order, {f"qty_{line.pk}": "1", "reason": "  "})
    assert no_reason.status_code == 400
    assert no_reason.context["refund_form"].errors["reason"] == ["This field is required."]
    nothing = _post_refund(desk, order, {"reason": "goodwill"})
    assert nothing.context["refund_form"].non_field_errors() == ["Choose at least one unit or a delivery to refund."]
    too_many = _post_refund(desk, order, {f"qty_{line.pk}": "3", "reason": "goodwill"})
    assert too_many.context["refund_form"].errors[f"qty_{line.pk}"] == ["Ensure this value is less than or equal to 2."]
    not_paid = _post_refund(desk, order, {f"qty_{chair.pk}": "1", "reason": "goodwill"})
    assert not_paid.status_code == 400
    assert f"qty_{chair.pk}" not in not_paid.context["refund_form"].fields  # a placed part is not refundable: cancel it
    assert (Refund.objects.count(), AuditEntry.objects.count()) == (0, 0)

    with django_capture_on_commit_callbacks(execute=True):
        assert _post_refund(desk, order, {f"qty_{line.pk}": "2", "reason": "both broken"}).status_code == 302
    again = _post_refund(desk, order, {f"qty_{line.pk}": "1", "reason": "again"})
    assert again.status_code == 400
    assert again.context["refund_form"].errors[f"qty_{line.pk}"] == ["“Lamp” is already refunded."]
    p1.refresh_from_db()
    assert (p1.refunded_amount, Refund.objects.count(), AuditEntry.objects.count()) == (2400, 1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert _post_refund(desk, order, {f"delivery_{p1.pk}": "on", "reason": "late"}).status_code == 302
    p1.refresh_from_db()
    assert (p1.refunded_amount, p1.state) == (2988, S.REFUNDED)
    assert seller_balance(seller_id=s1.pk, currency="EUR") == 0


def test_refund_larger_than_what_is_left_paid_is_refused(shipped):
    order, p1, p2, s1, buyer = shipped
    lead = staff("lead@comptoir.example", "Support lead")
    # A refund of the delivery and one lamp still pending at the provider (a crash between the two steps).
    Refund.objects.create(seller_order=p1, amount=2988 - 1000, reason="earlier", created_by=lead)
    line = p1.lines.get()
    response = _post_refund(signed_in(lead), order, {f"qty_{line.pk}": "1", "reason": "broken"})
    assert response.status_code == 400
    assert response.context["refund_form"].non_field_errors() == [
        f"A refund of €12.00 on {p1.number} is more than what is left of what the buyer paid for it (€10.00)."
    ]
    assert (Refund.objects.count(), AuditEntry.objects.count()) == (1, 0)


def test_refund_the_whole_order_refunds_every_paid_part(shipped, django_capture_on_commit_callbacks):
    order, p1, p2, s1, buyer = shipped
    desk = signed_in(staff("lead@comptoir.example", "Support lead"))
    with django_capture_on_commit_callbacks(execute=True):
        assert _post_refund(desk, order, {"everything": "order", "reason": "never arrived"}).status_code == 302
    p1.refresh_from_db()
    assert (p1.state, p1.refunded_amount) == (S.REFUNDED, 2988)
    refund = Refund.objects.get()
    assert (refund.amount, refund.delivery_amount, refund.reason) == (2988, 588, "never arrived")
    payment = Payment.objects.get(pk=order.payment_id)
    assert (payment.captured_amount, payment.refunded_amount, payment.status) == (2988, 2988, "refunded")


def test_operator_cancels_a_placed_part_with_a_reason_but_not_a_shipped_one(shipped, django_capture_on_commit_callbacks):
    order, p1, p2, s1, buyer = shipped
    lead = staff("lead@comptoir.example", "Support lead")
    desk = signed_in(lead)
    url = f"/operator/orders/{order.reference}/parts/{p2.number}/cancel/"
    missing = desk.post(url, {f"cancel{p2.pk}-reason": ""})
    assert missing.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert desk.post(url, {f"cancel{p2.pk}-reason": "Buyer called: ordered twice"}).status_code == 302
    p2.refresh_from_db()
    assert (p2.state, p2.cancelled_by, p2.cancel_reason) == (S.CANCELLED, "operator", "Buyer called: ordered twice")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_key, entry.before, entry.after) == (
        "seller_order.cancel", p2.number, {"state": "placed", "refunded_amount": 0}, {"state": "cancelled", "refunded_amount": 0})
    shipped_part = desk.post(f"/operator/orders/{order.reference}/parts/{p1.number}/cancel/", {f"cancel{p1.pk}-reason": "too late"})
    assert shipped_part.status_code == 400
    assert "This order is shipped; that action is not possible now." in shipped_part.content.decode()
    p1.refresh_from_db()
    assert p1.state == S.SHIPPED
    assert AuditEntry.objects.count() == 1


def test_search_by_reference_seller_and_dates_and_the_empty_state(shipped):
    order, p1, p2, s1, buyer = shipped
    desk = signed_in(staff("support@comptoir.example", "Support"))

    def refs(**params):
        return [o.reference for o in desk.get("/operator/orders/", params).context["page"].object_list]

    assert refs(reference=order.reference.lower()) == [order.reference]
    assert refs(seller="boutique") == [order.reference]
    assert refs(seller=str(s1.pk)) == [order.reference]
    today = timezone.localdate()
    assert refs(date_from=today.isoformat(), date_to=today.isoformat()) == [order.reference]
    assert refs(date_from=(today + dt.timedelta(days=1)).isoformat()) == []
    empty = desk.get("/operator/orders/", {"email": "nobody@example.com"})
    assert "No order matches this search." in empty.content.decode()
    backwards = desk.get("/operator/orders/", {"date_from": "2026-02-02", "date_to": "2026-01-01"})
    assert backwards.status_code == 400
    assert backwards.context["form"].errors["date_to"] == ["The end date is before the start date."]


def test_list_page_takes_the_same_number_of_queries_for_more_orders_and_the_order_page_is_pinned(shipped):
    order, p1, p2, s1, buyer = shipped
    desk = signed_in(staff("support@comptoir.example", "Support"))
    desk.get("/operator/orders/")  # warm the session and caches

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert desk.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count("/operator/orders/")
    a = f.offer(s1, net_price=500, stock=50, title="Vase")
    for _ in range(6):
        place(buyer, [(a, 1)])
    assert Order.objects.count() == 7
    assert count("/operator/orders/") == few
    # session, user, the user's and its groups' permissions, count, orders, their parts with sellers
    # (PostgreSQL: one fewer)
    assert few <= 7
    # the same, the order with its parts, lines, refunds, e-mails; payment, events, journal entries per part
    assert count(f"/operator/orders/{order.reference}/") <= 22


def test_admin_lists_orders_read_only_with_a_link_to_the_desk(shipped, admin_client):
    order = shipped[0]
    page = admin_client.get("/admin/orders/order/", {"q": order.reference})
    assert page.status_code == 200
    assert f"/operator/orders/{order.reference}/" in page.content.decode()
    assert admin_client.get("/admin/orders/order/add/").status_code == 403
    audit = admin_client.get("/admin/audit/auditentry/")
    assert audit.status_code == 200


def test_refunding_a_book_of_a_mixed_es_order_from_the_desk_reverses_its_own_vat_and_commission(django_capture_on_commit_callbacks):
    """A non-EU seller's ES order (the marketplace liable for VAT): a lamp at 21 % VAT and 12 %
    commission, a book at 4 % and 8 %. The book's refund reverses 4 % and 8 %, not the blend."""
    sevilla = Address(full_name="Ana Ruiz", line1="Calle Sierpes 1", postcode="41001", city="Sevilla", country="ES", phone="+34954590900")
    f.market("FR")
    f.market("ES")
    cn = f.seller("Shenzhen Gadgets", country="CN", city_name="Shenzhen")
    lamp = f.offer(cn, net_price=4000, stock=5, title="Lamp")
    book = f.offer(cn, net_price=2500, stock=5, title="Book", tax_class="books")
    Category.objects.filter(pk=book.product.category_id).update(commission_bp=800)
    with django_capture_on_commit_callbacks(execute=True):
        order = place(f.user(), [(lamp, 1), (book, 1)], address=sevilla)
    part = order.parts.get()
    seller_order_accept(seller_order_id=part.pk, seller=cn)
    seller_order_ship(seller_order_id=part.pk, seller=cn, carrier="SEUR", tracking_number="1")
    book_line = part.lines.get(offer=book)
    desk = signed_in(staff("lead@comptoir.example", "Support lead"))
    with django_capture_on_commit_callbacks(execute=True):
        done = desk.post(f"/operator/orders/{order.reference}/refund/", {f"qty_{book_line.pk}": "1", "reason": "Book damaged"})
    assert done.status_code == 302
    entry_lines = {
        (ln.account.kind, ln.account.owner_id): ln.amount
        for ln in JournalLine.objects.filter(entry__kind=EntryKind.REFUND, entry__reference=f"seller_order:{part.pk}:refund").select_related("account")
    }
    # 25.00 net + 1.00 VAT (4 %) paid back; 2.00 commission (8 %); the seller 23.00.
    assert entry_lines == {
        (AccountKind.BUYER_CLEARING, ""): -2600, (AccountKind.VAT_PAYABLE, "ES"): 100,
        (AccountKind.COMMISSION_REVENUE, ""): 200, (AccountKind.SELLER_PAYABLE, str(cn.pk)): 2300,
    }
