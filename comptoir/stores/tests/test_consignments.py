"""Consignment to a store and back: exact stock, the audit trail, and every refusal leaving
nothing half-written."""
import pytest

from comptoir.inventory.models import LocationStatus, StockLevel
from comptoir.ledger.models import JournalEntry, JournalLine
from comptoir.orders.tests import factories as f
from comptoir.stores import errors, services
from comptoir.stores.models import (
    Consignment,
    ConsignmentDirection,
    ConsignmentState,
    CorrectionKind,
    StaffRole,
    StockCorrection,
)
from comptoir.stores.services import LineCount, UnitsLine

from . import factories as sf

pytestmark = pytest.mark.django_db


def units(offer, location) -> tuple[int, int]:
    level = StockLevel.objects.filter(offer=offer, location=location).first()
    return (level.on_hand, level.held) if level else (0, 0)


@pytest.fixture
def setup(markets):
    store = sf.store("Comptoir Madrid Centro")
    manager = sf.staff(store, role=StaffRole.MANAGER)
    clerk = sf.staff(store, role=StaffRole.CLERK)
    seller, seller_user, warehouse, (a, b) = sf.seller_with_stock("Atelier", stock=10)
    return store, manager, clerk, seller, seller_user, warehouse, a, b


def shipped(setup, qa=4, qb=3):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    c = services.consignment_propose(
        seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, qa), UnitsLine(b.pk, qb)], user=seller_user
    )
    services.consignment_accept(consignment=c, user=manager)
    return services.consignment_ship(consignment=c, user=seller_user)


def test_a_consignment_goes_from_the_warehouse_to_the_shelf_with_the_counted_units(setup):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    c = services.consignment_propose(
        seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 4), UnitsLine(b.pk, 3)], user=seller_user, note="Spring"
    )
    assert (c.state, c.direction, c.reference[:3]) == (ConsignmentState.PROPOSED, ConsignmentDirection.TO_STORE, "CS-")
    assert units(a, warehouse) == (10, 0)  # proposing moves nothing
    c = services.consignment_accept(consignment=c, user=manager)
    assert c.state == ConsignmentState.ACCEPTED and c.accepted_at is not None
    c = services.consignment_ship(consignment=c, user=seller_user)
    assert c.state == ConsignmentState.IN_TRANSIT
    assert (units(a, warehouse), units(b, warehouse)) == ((6, 0), (7, 0))
    assert units(a, store.location) == (0, 0)

    line_a, line_b = c.lines.order_by("pk")
    c = services.consignment_receive(
        consignment=c, user=clerk, counts=[LineCount(line_a.pk, 4), LineCount(line_b.pk, 2, "one box crushed")]
    )
    assert (c.state, c.received_by) == (ConsignmentState.RECEIVED, clerk)
    assert (units(a, store.location), units(b, store.location)) == ((4, 0), (2, 0))
    line_a.refresh_from_db(), line_b.refresh_from_db()
    assert (line_a.quantity_received, line_a.difference_reason, line_b.quantity_received, line_b.difference_reason) == (
        4, "", 2, "one box crushed"
    )
    trail = list(StockCorrection.objects.filter(store=store).order_by("pk").values_list(
        "kind", "delta", "on_hand_after", "reason", "user", "consignment_line"
    ))
    assert trail == [
        (CorrectionKind.RECEIVED, 4, 4, f"Consignment {c.reference} received", clerk.pk, line_a.pk),
        (CorrectionKind.RECEIVED, 2, 2, f"Consignment {c.reference} received: one box crushed", clerk.pk, line_b.pk),
    ]


def test_a_count_above_what_was_sent_needs_a_reason_and_nothing_is_written(setup):
    store, manager, clerk, *_rest, a, b = setup
    c = shipped(setup)
    line_a, line_b = c.lines.order_by("pk")
    with pytest.raises(errors.CountAboveSentWithoutReason) as exc:
        services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(line_a.pk, 4), LineCount(line_b.pk, 5)])
    assert exc.value.code == "count_above_sent_without_reason"
    assert Consignment.objects.get(pk=c.pk).state == ConsignmentState.IN_TRANSIT
    assert (units(a, store.location), StockCorrection.objects.count()) == ((0, 0), 0)
    # with a reason the larger count is accepted
    services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(line_a.pk, 4), LineCount(line_b.pk, 5, "extra unit in the box")])
    assert units(b, store.location) == (5, 0)


def test_a_short_count_without_a_reason_is_refused(setup):
    store, manager, clerk, *_rest = setup
    c = shipped(setup)
    line_a, line_b = c.lines.order_by("pk")
    with pytest.raises(errors.CountDifferenceWithoutReason):
        services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(line_a.pk, 3), LineCount(line_b.pk, 3)])
    with pytest.raises(errors.CountInvalid):  # every line must be counted
        services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(line_a.pk, 4)])
    with pytest.raises(errors.CountInvalid):
        services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(line_a.pk, -1, "x"), LineCount(line_b.pk, 3)])
    assert StockCorrection.objects.count() == 0


def test_a_consignment_to_a_closed_store_is_refused(markets):
    closed = sf.store("Old store", status=LocationStatus.CLOSED)
    seller, seller_user, warehouse, (a, _b) = sf.seller_with_stock()
    with pytest.raises(errors.StoreClosed) as exc:
        services.consignment_propose(seller=seller, store=closed, warehouse=warehouse, lines=[UnitsLine(a.pk, 1)], user=seller_user)
    assert (exc.value.code, Consignment.objects.count()) == ("store_closed", 0)


def test_a_planned_store_takes_consignments(markets):
    planned = sf.store("Paris to come", city_name="Paris", status=LocationStatus.PLANNED)
    seller, seller_user, warehouse, (a, _b) = sf.seller_with_stock()
    c = services.consignment_propose(seller=seller, store=planned, warehouse=warehouse, lines=[UnitsLine(a.pk, 2)], user=seller_user)
    assert c.state == ConsignmentState.PROPOSED


def test_a_store_closed_after_acceptance_refuses_the_shipment(setup):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    c = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 2)], user=seller_user)
    services.consignment_accept(consignment=c, user=manager)
    services.store_close(store=store)
    with pytest.raises(errors.StoreClosed):
        services.consignment_ship(consignment=c, user=seller_user)
    assert units(a, warehouse) == (10, 0)


def test_quantity_beyond_the_warehouse_stock_is_refused_and_nothing_leaves(setup):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    with pytest.raises(errors.ConsignmentBeyondStock) as exc:
        services.consignment_propose(
            seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 2), UnitsLine(b.pk, 11)], user=seller_user
        )
    assert (exc.value.code, exc.value.offer_ids, Consignment.objects.count()) == ("consignment_beyond_stock", (b.pk,), 0)
    # stock sold meanwhile: the shipment is refused as a whole, no line half-shipped
    c = services.consignment_propose(
        seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 2), UnitsLine(b.pk, 8)], user=seller_user
    )
    services.consignment_accept(consignment=c, user=manager)
    StockLevel.objects.filter(offer=b, location=warehouse).update(held=5)  # 5 units held for orders: 5 available
    with pytest.raises(errors.ConsignmentBeyondStock) as exc:
        services.consignment_ship(consignment=c, user=seller_user)
    assert exc.value.offer_ids == (b.pk,)
    assert (units(a, warehouse), units(b, warehouse)) == ((10, 0), (10, 5))
    assert Consignment.objects.get(pk=c.pk).state == ConsignmentState.ACCEPTED


def test_proposals_are_checked(setup, markets):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    other, other_user, other_wh, (x, _y) = sf.seller_with_stock("Other")
    cases = [
        dict(lines=[]),
        dict(lines=[UnitsLine(a.pk, 0)]),
        dict(lines=[UnitsLine(a.pk, 1), UnitsLine(a.pk, 2)]),
        dict(lines=[UnitsLine(x.pk, 1)]),  # another seller's offer
        dict(lines=[UnitsLine(a.pk, 1)], warehouse=other_wh),  # another seller's warehouse
    ]
    for case in cases:
        kwargs = dict(seller=seller, store=store, warehouse=warehouse, user=seller_user) | case
        with pytest.raises(errors.ConsignmentInvalid):
            services.consignment_propose(**kwargs)
    with pytest.raises(errors.SellerForbidden):  # a member of another seller
        services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 1)], user=other_user)
    assert Consignment.objects.count() == 0


def test_another_stores_staff_cannot_accept_or_receive(setup, markets):
    store, manager, clerk, seller, seller_user, *_rest = setup
    other_store = sf.store("Sevilla", city_name="Sevilla")
    other_manager = sf.staff(other_store, role=StaffRole.MANAGER)
    c = services.consignment_propose(
        seller=seller, store=store, warehouse=setup[5], lines=[UnitsLine(setup[6].pk, 1)], user=seller_user
    )
    with pytest.raises(errors.StoreForbidden):
        services.consignment_accept(consignment=c, user=other_manager)
    with pytest.raises(errors.StoreForbidden):  # a clerk does not decide
        services.consignment_accept(consignment=c, user=clerk)
    services.consignment_accept(consignment=c, user=manager)
    services.consignment_ship(consignment=c, user=seller_user)
    line = c.lines.get()
    with pytest.raises(errors.StoreForbidden):
        services.consignment_receive(consignment=c, user=other_manager, counts=[LineCount(line.pk, 1)])
    assert Consignment.objects.get(pk=c.pk).state == ConsignmentState.IN_TRANSIT


def test_steps_out_of_order_are_refused(setup):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    c = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 1)], user=seller_user)
    with pytest.raises(errors.ConsignmentStateInvalid):
        services.consignment_ship(consignment=c, user=seller_user)
    with pytest.raises(errors.ConsignmentStateInvalid):
        services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(c.lines.get().pk, 1)])
    with pytest.raises(errors.ReasonRequired):
        services.consignment_refuse(consignment=c, user=manager, reason=" ")
    c = services.consignment_refuse(consignment=c, user=manager, reason="No room before the sales")
    assert (c.state, c.refusal_reason) == (ConsignmentState.REFUSED, "No room before the sales")
    with pytest.raises(errors.ConsignmentStateInvalid):
        services.consignment_accept(consignment=c, user=manager)
    c2 = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(a.pk, 1)], user=seller_user)
    assert services.consignment_cancel(consignment=c2, user=seller_user).state == ConsignmentState.CANCELLED


def test_receiving_twice_is_refused(setup):
    store, manager, clerk, *_rest, a, b = setup
    c = shipped(setup, 2, 1)
    counts = [LineCount(line.pk, line.quantity) for line in c.lines.order_by("pk")]
    services.consignment_receive(consignment=c, user=clerk, counts=counts)
    with pytest.raises(errors.ConsignmentStateInvalid):
        services.consignment_receive(consignment=c, user=clerk, counts=counts)
    assert (units(a, store.location), StockCorrection.objects.count()) == ((2, 0), 2)


def test_units_go_back_to_the_seller_never_below_held(setup):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    c = shipped(setup, 4, 3)
    services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(x.pk, x.quantity) for x in c.lines.order_by("pk")])
    StockLevel.objects.filter(offer=a, location=store.location).update(held=2)  # 2 units held for click & collect
    with pytest.raises(errors.ReturnBeyondShelf) as exc:
        services.consignment_return_send(store=store, seller=seller, lines=[UnitsLine(a.pk, 3)], reason="end of season", user=manager)
    assert (exc.value.code, units(a, store.location)) == ("return_beyond_shelf", (4, 2))
    with pytest.raises(errors.StoreForbidden):  # clerks do not send back
        services.consignment_return_send(store=store, seller=seller, lines=[UnitsLine(a.pk, 1)], reason="x", user=clerk)
    back = services.consignment_return_send(
        store=store, seller=seller, lines=[UnitsLine(a.pk, 2), UnitsLine(b.pk, 3)], reason="end of season", user=manager
    )
    assert (back.direction, back.state, back.warehouse_id) == (ConsignmentDirection.TO_SELLER, ConsignmentState.IN_TRANSIT, warehouse.pk)
    assert (units(a, store.location), units(b, store.location)) == ((2, 2), (0, 0))
    sent_back = list(StockCorrection.objects.filter(kind=CorrectionKind.SENT_BACK).order_by("pk").values_list("delta", "on_hand_after"))
    assert sent_back == [(-2, 2), (-3, 0)]
    with pytest.raises(errors.SellerForbidden):
        services.consignment_return_receive(consignment=back, user=manager)
    services.consignment_return_receive(consignment=back, user=seller_user)
    assert (units(a, warehouse), units(b, warehouse)) == ((6 + 2, 0), (7 + 3, 0))
    assert Consignment.objects.get(pk=back.pk).state == ConsignmentState.RECEIVED


def test_a_manager_recounts_a_shelf_line_with_a_reason(setup):
    store, manager, clerk, seller, seller_user, warehouse, a, b = setup
    c = shipped(setup, 4, 3)
    services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(x.pk, x.quantity) for x in c.lines.order_by("pk")])
    level = StockLevel.objects.get(offer=a, location=store.location)
    with pytest.raises(errors.ReasonRequired):
        services.shelf_correct(store=store, stock_level=level, on_hand=3, reason="", user=manager)
    with pytest.raises(errors.StoreForbidden):
        services.shelf_correct(store=store, stock_level=level, on_hand=3, reason="stolen", user=clerk)
    StockLevel.objects.filter(pk=level.pk).update(held=1)
    with pytest.raises(errors.ShelfBelowHeld):
        services.shelf_correct(store=store, stock_level=level, on_hand=0, reason="broken", user=manager)
    row = services.shelf_correct(store=store, stock_level=level, on_hand=3, reason="one unit stolen", user=manager)
    assert (row.kind, row.delta, row.on_hand_after, row.reason, row.user) == (CorrectionKind.RECOUNT, -1, 3, "one unit stolen", manager)
    assert units(a, store.location) == (3, 1)


def test_consignment_flows_post_nothing_to_the_ledger(setup):
    store, manager, clerk, seller, *_rest, a, b = setup
    entries, lines = JournalEntry.objects.count(), JournalLine.objects.count()
    c = shipped(setup)
    services.consignment_receive(consignment=c, user=clerk, counts=[LineCount(x.pk, x.quantity) for x in c.lines.order_by("pk")])
    services.consignment_return_send(store=store, seller=seller, lines=[UnitsLine(a.pk, 1)], reason="faulty", user=manager)
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == (entries, lines)


def test_an_operator_and_a_partner_member_act_as_managers(setup, markets):
    store, *_rest = setup
    operator = f.user(is_staff=True)
    partner = services.partner_create(legal_name="Tiendas Sur SL", country="ES", vat_number="ESB58378431", company_id="B58378431", iban="ES9121000418450200051332")
    partner_store = sf.store("Sevilla Triana", city_name="Sevilla", partner=partner)
    member = f.user()
    services.partner_member_add(partner=partner, user=member)
    from comptoir.stores.selectors import store_role, stores_for_user

    assert (store_role(user=operator, store=store), store_role(user=member, store=partner_store)) == ("manager", "manager")
    assert store_role(user=member, store=store) is None
    assert list(stores_for_user(user=member)) == [partner_store]
    assert set(stores_for_user(user=operator)) == {store, partner_store}
