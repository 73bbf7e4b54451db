"""Store console and seller consignment pages: each page works for those who may use it and
is refused to everyone else (staff of another store, another partner, another seller)."""
import pytest
from django.urls import reverse

from comptoir.inventory.models import LocationStatus, StockLevel
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import Consignment, ConsignmentState, StaffRole, StockCorrection, StoreStaff
from comptoir.stores.services import LineCount, UnitsLine
from comptoir.stores.tests import factories as sf

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def world(db):
    f.market("FR"), f.market("ES")
    partner = services.partner_create(legal_name="Tiendas Sur SL", country="ES", vat_number="ESB58378431", company_id="B58378431", iban="ES9121000418450200051332")
    a = sf.store("Madrid Centro", partner=partner)
    b = sf.store("Sevilla Triana", city_name="Sevilla")
    w = dict(
        a=a, b=b, partner=partner,
        a_manager=sf.staff(a, role=StaffRole.MANAGER, email="manager.a@example.com"),
        a_clerk=sf.staff(a, role=StaffRole.CLERK, email="clerk.a@example.com"),
        b_manager=sf.staff(b, role=StaffRole.MANAGER, email="manager.b@example.com"),
        partner_member=f.user("partner@example.com"),
        nobody=f.user("nobody@example.com"),
    )
    services.partner_member_add(partner=partner, user=w["partner_member"])
    seller, seller_user, warehouse, offers = sf.seller_with_stock("Atelier Lyon", stock=10)
    other, other_user, other_wh, other_offers = sf.seller_with_stock("Casa Sevilla", stock=10, city_name="Sevilla")
    w.update(seller=seller, seller_user=seller_user, warehouse=warehouse, offers=offers, other=other, other_user=other_user, other_wh=other_wh, other_offers=other_offers)
    # one consignment received at A (Atelier), one at B (Casa Sevilla), one proposal in progress at A
    for store, sel, user, wh, offs, mgr in ((a, seller, seller_user, warehouse, offers, w["a_manager"]), (b, other, other_user, other_wh, other_offers, w["b_manager"])):
        c = services.consignment_propose(seller=sel, store=store, warehouse=wh, lines=[UnitsLine(offs[0].pk, 3)], user=user)
        services.consignment_accept(consignment=c, user=mgr)
        services.consignment_ship(consignment=c, user=user)
        services.consignment_receive(consignment=c, user=mgr, counts=[LineCount(c.lines.get().pk, 3)])
        w[f"received_{store.slug}"] = c
    w["proposed_a"] = services.consignment_propose(seller=seller, store=a, warehouse=warehouse, lines=[UnitsLine(offers[1].pk, 2)], user=seller_user)
    return w


def login(client, user):
    client.force_login(user)
    return client


def console_urls(store, w):
    c = w[f"received_{store.slug}"]
    level = StockLevel.objects.get(location=store.location)
    return [
        reverse("store_console:dashboard", args=[store.slug]),
        reverse("store_console:consignments", args=[store.slug]),
        reverse("store_console:consignment", args=[store.slug, c.reference]),
        reverse("store_console:shelf", args=[store.slug]),
        reverse("store_console:corrections", args=[store.slug]),
        reverse("store_console:send_back", args=[store.slug]),
        reverse("store_console:shelf_correct", args=[store.slug, level.pk]),
        reverse("store_console:staff", args=[store.slug]),
    ]


def test_every_console_page_answers_its_manager(client, world):
    login(client, world["a_manager"])
    for url in console_urls(world["a"], world):
        response = client.get(url)
        assert response.status_code == 200, url


def test_staff_of_store_a_cannot_see_store_b(client, world):
    login(client, world["a_manager"])
    for url in console_urls(world["b"], world):
        assert client.get(url).status_code == 404, url
    # B's consignment through A's console: not found either
    ref_b = world["received_sevilla-triana"].reference
    assert client.get(reverse("store_console:consignment", args=[world["a"].slug, ref_b])).status_code == 404
    b_level = StockLevel.objects.get(location=world["b"].location)
    assert client.get(reverse("store_console:shelf_correct", args=[world["a"].slug, b_level.pk])).status_code == 404


def test_staff_of_store_b_cannot_act_on_store_a(client, world):
    login(client, world["b_manager"])
    proposed = world["proposed_a"]
    r = client.post(reverse("store_console:consignment_decide", args=[world["a"].slug, proposed.reference, "accept"]))
    assert r.status_code == 404
    level = StockLevel.objects.get(location=world["a"].location)
    r = client.post(reverse("store_console:shelf_correct", args=[world["a"].slug, level.pk]), {"on_hand": 0, "reason": "x"})
    assert r.status_code == 404
    r = client.post(reverse("store_console:send_back", args=[world["a"].slug]), {"seller": world["seller"].pk, f"qty_{world['offers'][0].pk}": 1, "note": "x"})
    assert r.status_code == 404
    r = client.post(reverse("store_console:staff", args=[world["a"].slug]), {"action": "add", "email": "nobody@example.com", "role": "manager"})
    assert r.status_code == 404
    assert Consignment.objects.get(pk=proposed.pk).state == ConsignmentState.PROPOSED
    assert StockLevel.objects.get(pk=level.pk).on_hand == 3
    assert not StoreStaff.objects.filter(user=world["nobody"]).exists()


def test_a_clerk_cannot_use_manager_pages(client, world):
    login(client, world["a_clerk"])
    urls = console_urls(world["a"], world)
    for url in urls[:5]:
        assert client.get(url).status_code == 200, url
    for url in urls[5:]:
        assert client.get(url).status_code == 403, url
    r = client.post(reverse("store_console:consignment_decide", args=[world["a"].slug, world["proposed_a"].reference, "accept"]))
    assert r.status_code == 403
    assert Consignment.objects.get(pk=world["proposed_a"].pk).state == ConsignmentState.PROPOSED


def test_the_picker_lists_only_the_users_stores(client, world):
    login(client, world["partner_member"])
    r = client.get(reverse("store_console:picker"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-store="madrid-centro"' in html and 'data-store="sevilla-triana"' not in html
    r = client.get(reverse("store_console:partners"))
    assert "Madrid Centro" in r.content.decode() and "Sevilla Triana" not in r.content.decode()
    for url in console_urls(world["b"], world):
        assert client.get(url).status_code == 404, url
    # a single store's clerk goes straight to it
    login(client, world["a_clerk"])
    assert client.get(reverse("store_console:picker")).url == reverse("store_console:dashboard", args=["madrid-centro"])
    # someone without a store sees the empty state; anonymous users are sent to sign in
    login(client, world["nobody"])
    assert "You do not work at any store yet" in client.get(reverse("store_console:picker")).content.decode()
    assert client.get(reverse("store_console:partners")).status_code == 200
    client.logout()
    assert client.get(reverse("store_console:picker")).status_code == 302
    assert client.get(console_urls(world["a"], world)[0]).status_code == 302


def test_the_shelf_shows_whose_units_with_search_and_pages(client, world):
    login(client, world["a_clerk"])
    html = client.get(reverse("store_console:shelf", args=["madrid-centro"])).content.decode()
    assert "Atelier Lyon" in html and "Casa Sevilla" not in html and "1 shelf line" in html
    html = client.get(reverse("store_console:shelf", args=["madrid-centro"]), {"q": "nothing-like-this"}).content.decode()
    assert "Nothing found on the shelf" in html


def test_receive_form_records_a_miscount_with_its_reason(client, world):
    w = world
    services.consignment_accept(consignment=w["proposed_a"], user=w["a_manager"])
    services.consignment_ship(consignment=w["proposed_a"], user=w["seller_user"])
    line = w["proposed_a"].lines.get()
    login(client, w["a_clerk"])
    url = reverse("store_console:consignment", args=["madrid-centro", w["proposed_a"].reference])
    r = client.post(url, {f"count_{line.pk}": 3, f"reason_{line.pk}": ""})
    assert r.status_code == 400 and "say why" in r.content.decode()
    assert StockLevel.objects.filter(location=w["a"].location, offer=w["offers"][1]).count() == 0
    r = client.post(url, {f"count_{line.pk}": 1, f"reason_{line.pk}": "one unit missing from the box"})
    assert r.status_code == 302
    assert StockLevel.objects.get(location=w["a"].location, offer=w["offers"][1]).on_hand == 1
    row = StockCorrection.objects.filter(consignment_line=line).get()
    assert (row.delta, row.user, row.reason) == (1, w["a_clerk"], f"Consignment {w['proposed_a'].reference} received: one unit missing from the box")


def test_a_manager_accepts_refuses_corrects_and_sends_back(client, world):
    w = world
    login(client, w["a_manager"])
    ref = w["proposed_a"].reference
    r = client.post(reverse("store_console:consignment_decide", args=["madrid-centro", ref, "refuse"]), {"reason": ""})
    assert Consignment.objects.get(reference=ref).state == ConsignmentState.PROPOSED
    client.post(reverse("store_console:consignment_decide", args=["madrid-centro", ref, "accept"]))
    assert Consignment.objects.get(reference=ref).state == ConsignmentState.ACCEPTED
    level = StockLevel.objects.get(location=w["a"].location, offer=w["offers"][0])
    r = client.post(reverse("store_console:shelf_correct", args=["madrid-centro", level.pk]), {"on_hand": 2, "reason": "one unit damaged"})
    assert r.status_code == 302 and StockLevel.objects.get(pk=level.pk).on_hand == 2
    url = reverse("store_console:send_back", args=["madrid-centro"])
    assert "Units of Atelier Lyon to send back" in client.get(url, {"seller": w["seller"].pk}).content.decode()
    r = client.post(url, {"seller": w["seller"].pk, f"qty_{w['offers'][0].pk}": 2, "note": "end of season"})
    assert r.status_code == 302
    assert StockLevel.objects.get(pk=level.pk).on_hand == 0
    # another seller's units are not offered for sending back from A
    r = client.post(url, {"seller": w["other"].pk, f"qty_{w['other_offers'][0].pk}": 1, "note": "x"})
    assert r.status_code == 400 and StockLevel.objects.get(location=w["b"].location).on_hand == 3


def test_seller_pages_show_only_the_sellers_own_consignments_and_units(client, world):
    w = world
    login(client, w["seller_user"])
    html = client.get(reverse("seller_consignments:list")).content.decode()
    assert w["received_madrid-centro"].reference in html and w["received_sevilla-triana"].reference not in html
    html = client.get(reverse("seller_consignments:stock")).content.decode()
    assert "Madrid Centro" in html and "Sevilla Triana" not in html
    assert client.get(reverse("seller_consignments:detail", args=[w["received_sevilla-triana"].reference])).status_code == 404
    r = client.post(reverse("seller_consignments:action", args=[w["received_sevilla-triana"].reference, "ship"]))
    assert r.status_code == 404
    assert client.get(reverse("seller_consignments:new")).status_code == 200
    # store staff who are not sellers are refused the seller pages
    login(client, w["a_manager"])
    assert client.get(reverse("seller_consignments:list")).status_code == 403


def test_a_seller_proposes_ships_and_a_closed_store_is_refused(client, world):
    w = world
    login(client, w["seller_user"])
    url = reverse("seller_consignments:new")
    a0 = w["offers"][0]
    r = client.post(url, {"seller": w["seller"].pk, "warehouse": w["warehouse"].pk, "store": "madrid-centro", f"qty_{a0.pk}": 2, "note": ""})
    assert r.status_code == 302
    c = Consignment.objects.filter(seller=w["seller"], state=ConsignmentState.PROPOSED).exclude(pk=w["proposed_a"].pk).get()
    assert list(c.lines.values_list("offer", "quantity")) == [(a0.pk, 2)]
    r = client.post(url, {"seller": w["seller"].pk, "warehouse": w["warehouse"].pk, "store": "madrid-centro", f"qty_{a0.pk}": 8})
    assert r.status_code == 400 and "less than or equal to 7" in r.content.decode()  # 10 - 3 on the shelf
    services.store_close(store=w["b"])
    r = client.post(url, {"seller": w["seller"].pk, "warehouse": w["warehouse"].pk, "store": "sevilla-triana", f"qty_{a0.pk}": 1})
    assert r.status_code == 400 and "is closed" in r.content.decode()
    services.consignment_accept(consignment=c, user=w["a_manager"])
    client.post(reverse("seller_consignments:action", args=[c.reference, "ship"]))
    assert Consignment.objects.get(pk=c.pk).state == ConsignmentState.IN_TRANSIT
    assert StockLevel.objects.get(location=w["warehouse"], offer=a0).on_hand == 10 - 3 - 2


def test_empty_states(client, db):
    f.market("ES")
    store = sf.store("Empty store")
    manager = sf.staff(store, role=StaffRole.MANAGER)
    login(client, manager)
    for name, text in (("dashboard", "Nothing incoming"), ("shelf", "The shelf is empty"), ("corrections", "No corrections yet"),
                       ("consignments", "No consignments"), ("send_back", "The shelf is empty")):
        assert text in client.get(reverse(f"store_console:{name}", args=[store.slug])).content.decode(), name
    seller, user, _wh, _offers = sf.seller_with_stock(offers=0)
    login(client, user)
    assert "No consignments yet" in client.get(reverse("seller_consignments:list")).content.decode()
    assert "None of your units are in a store" in client.get(reverse("seller_consignments:stock")).content.decode()
    assert "No units available in this warehouse" in client.get(reverse("seller_consignments:new")).content.decode()


def test_console_lists_cost_the_same_queries_whatever_their_length(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.market("FR"), f.market("ES")
    store = sf.store("Big store")
    manager = sf.staff(store, role=StaffRole.MANAGER)
    login(client, manager)

    def fill(n):
        seller, user, wh, offers = sf.seller_with_stock(stock=5, offers=n)
        c = services.consignment_propose(seller=seller, store=store, warehouse=wh, lines=[UnitsLine(o.pk, 1) for o in offers], user=user)
        services.consignment_accept(consignment=c, user=manager)
        services.consignment_ship(consignment=c, user=user)
        services.consignment_receive(consignment=c, user=manager, counts=[LineCount(x.pk, 1) for x in c.lines.all()])

    def queries(name):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(f"store_console:{name}", args=[store.slug])).status_code == 200
        return len(ctx.captured_queries)

    fill(2)
    queries("dashboard")  # the session's first request reads more (warm-up)
    before = {name: queries(name) for name in ("dashboard", "consignments", "shelf", "corrections")}
    fill(12)
    assert {name: queries(name) for name in before} == before


def test_a_manager_adds_and_removes_staff(client, world):
    w = world
    login(client, w["a_manager"])
    url = reverse("store_console:staff", args=["madrid-centro"])
    r = client.post(url, {"action": "add", "email": "unknown@example.com", "role": "clerk"})
    assert r.status_code == 400 and "No account uses this email" in r.content.decode()
    client.post(url, {"action": "add", "email": "NOBODY@example.com", "role": "clerk"})
    member = StoreStaff.objects.get(user=w["nobody"])
    assert (member.store, member.role) == (w["a"], "clerk")
    client.post(url, {"action": "add", "email": "nobody@example.com", "role": "manager"})
    assert StoreStaff.objects.get(pk=member.pk).role == "manager"
    me = StoreStaff.objects.get(user=w["a_manager"])
    client.post(url, {"action": "remove", "staff": me.pk})
    assert StoreStaff.objects.filter(pk=me.pk).exists()  # not oneself
    client.post(url, {"action": "remove", "staff": member.pk})
    assert not StoreStaff.objects.filter(pk=member.pk).exists()
    b_member = StoreStaff.objects.get(user=w["b_manager"])
    assert client.post(url, {"action": "remove", "staff": b_member.pk}).status_code == 404  # another store's staff
    assert StoreStaff.objects.filter(pk=b_member.pk).exists()


def test_the_seller_receives_units_sent_back_from_its_page(client, world):
    w = world
    back = services.consignment_return_send(store=w["a"], seller=w["seller"], lines=[UnitsLine(w["offers"][0].pk, 2)], reason="end of season", user=w["a_manager"])
    login(client, w["other_user"])  # another seller cannot see or receive it
    assert client.get(reverse("seller_consignments:detail", args=[back.reference])).status_code == 404
    assert client.post(reverse("seller_consignments:action", args=[back.reference, "receive"])).status_code == 404
    login(client, w["seller_user"])
    html = client.get(reverse("seller_consignments:detail", args=[back.reference])).content.decode()
    assert "Back to the seller" in html and "Units received" in html
    client.post(reverse("seller_consignments:action", args=[back.reference, "receive"]))
    assert Consignment.objects.get(pk=back.pk).state == ConsignmentState.RECEIVED
    assert StockLevel.objects.get(location=w["warehouse"], offer=w["offers"][0]).on_hand == 10 - 3 + 2
