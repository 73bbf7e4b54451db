"""Seller offers pages and the operator's proposals queue: what a member may see and change,
and that seller A never reaches seller B's offers, imports or proposals."""
from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.catalog.models import Product, ProductProposal
from comptoir.common.models import TaskOutbox
from comptoir.common.outbox import outbox_relay
from comptoir.catalog.tests.factories import make_category, make_city, make_location, make_market, make_offer, make_product, make_seller
from comptoir.inventory.models import Offer, OfferImport, ProductListing, StockLevel
from comptoir.sellers.models import SellerMember, SellerRole

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world():
    make_market("FR")
    lyon = make_city("Lyon")
    a, b = make_seller("Atelier A", city=lyon, language="en"), make_seller("Boutique B", city=lyon, language="en")
    a_wh, b_wh = make_location(a, lyon, name="Lyon A"), make_location(b, lyon, name="Lyon B")
    lamps = make_category("lamps", names={"en": "Lamps", "fr": "Lampes", "es": "Lámparas"})
    lamp = make_product(category=lamps, gtin="03017620422003", texts={"en": ("Brass lamp", ""), "fr": ("Lampe laiton", "")})
    chair = make_product(category=lamps, gtin="04006381333931", texts={"en": ("Oak chair", "")})
    users = {}
    for name, seller, role in (("owner_a", a, SellerRole.OWNER), ("staff_a", a, SellerRole.STAFF), ("owner_b", b, SellerRole.OWNER)):
        users[name] = User.objects.create_user(username=name, email=f"{name}@example.com", password="pw")
        SellerMember.objects.create(user=users[name], seller=seller, role=role)
    users["operator"] = User.objects.create_user(username="op", email="op@example.com", password="pw", is_staff=True)
    offer_a = make_offer(a, lamp, a_wh, net_price=2500, stock=4, held=1)
    offer_b = make_offer(b, chair, b_wh, net_price=9900, stock=2)
    return {"a": a, "b": b, "a_wh": a_wh, "b_wh": b_wh, "lamp": lamp, "chair": chair, "lamps": lamps,
            "offer_a": offer_a, "offer_b": offer_b, **users}


def login(client, user):
    client.force_login(user)
    return client


def listed(response) -> list[int]:
    return [offer.pk for offer, _title in response.context["rows"]]


def test_the_list_shows_only_the_sellers_own_offers(client, world):
    response = login(client, world["owner_a"]).get(reverse("seller_offers:list"))
    assert response.status_code == 200
    assert listed(response) == [world["offer_a"].pk]
    assert response.context["rows"][0][1] == "Brass lamp"
    assert response.context["rows"][0][0].available == 3


def test_search_and_filters(client, world):
    a, lyon = world["a"], world["a_wh"]
    paused = make_offer(a, world["chair"], lyon, net_price=1200, stock=0, is_active=False)
    login(client, world["owner_a"])
    url = reverse("seller_offers:list")
    assert listed(client.get(url, {"q": "brass"})) == [world["offer_a"].pk]
    assert listed(client.get(url, {"q": "4006381"})) == [paused.pk]
    assert listed(client.get(url, {"status": "paused"})) == [paused.pk]
    assert listed(client.get(url, {"status": "active", "stock": "in"})) == [world["offer_a"].pk]
    assert listed(client.get(url, {"stock": "out"})) == [paused.pk]
    assert listed(client.get(url, {"q": "nothing"})) == []


def test_the_list_is_paginated(client, world):
    category = world["lamps"]
    for _ in range(30):
        make_offer(world["a"], make_product(category=category, index=False), world["a_wh"])
    login(client, world["staff_a"])
    first = client.get(reverse("seller_offers:list"))
    second = client.get(reverse("seller_offers:list"), {"page": 2})
    assert (len(listed(first)), len(listed(second)), first.context["total"]) == (25, 6, 31)


def test_anonymous_goes_to_login_and_a_non_member_gets_404(client, world):
    response = client.get(reverse("seller_offers:list"))
    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/seller/offers/")
    stranger = User.objects.create_user(username="x", email="x@example.com", password="pw")
    assert login(client, stranger).get(reverse("seller_offers:list")).status_code == 404


def test_seller_b_cannot_read_or_change_seller_as_offer(client, world):
    offer = world["offer_a"]
    login(client, world["owner_b"])
    assert client.get(reverse("seller_offers:edit", args=[offer.pk])).status_code == 404
    assert client.post(reverse("seller_offers:edit", args=[offer.pk]), {"price": "1", "handling_days": "1"}).status_code == 404
    assert client.post(reverse("seller_offers:pause", args=[offer.pk])).status_code == 404
    client.post(reverse("seller_offers:bulk"), {"action": "pause", "offer": [offer.pk]})
    offer.refresh_from_db()
    assert (offer.net_price, offer.is_active) == (2500, True)


def test_staff_edits_price_handling_and_stock(client, world):
    offer = world["offer_a"]
    response = login(client, world["staff_a"]).post(
        reverse("seller_offers:edit", args=[offer.pk]), {"price": "19.90", "handling_days": "3", f"stock_{world['a_wh'].pk}": "7"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.net_price, offer.handling_days) == (1990, 3)
    assert StockLevel.objects.get(offer=offer).on_hand == 7
    assert ProductListing.objects.get(product=world["lamp"]).min_net_price == 1990


def test_stock_below_held_is_a_form_error_and_nothing_changes(client, world):
    offer = world["offer_a"]
    response = login(client, world["owner_a"]).post(
        reverse("seller_offers:edit", args=[offer.pk]), {"price": "30", "handling_days": "1", f"stock_{world['a_wh'].pk}": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"stock_{world['a_wh'].pk}": ["1 units are held for orders or reservations: on hand cannot go below that."]}
    offer.refresh_from_db()
    assert (offer.net_price, StockLevel.objects.get(offer=offer).on_hand) == (2500, 4)


def test_pause_and_resume(client, world):
    offer = world["offer_a"]
    login(client, world["owner_a"])
    client.post(reverse("seller_offers:pause", args=[offer.pk]))
    offer.refresh_from_db()
    assert (offer.is_active, ProductListing.objects.filter(product=world["lamp"]).count()) == (False, 0)
    client.post(reverse("seller_offers:bulk"), {"action": "resume", "offer": [offer.pk]})
    offer.refresh_from_db()
    assert (offer.is_active, ProductListing.objects.filter(product=world["lamp"]).count()) == (True, 1)


def test_create_an_offer_on_a_catalogue_product_by_gtin(client, world):
    login(client, world["owner_b"])
    url = reverse("seller_offers:new") + "?gtin=3017620422003"
    page = client.get(url)
    assert page.templates[0].name == "seller_offers/new_offer.html"
    response = client.post(url, {"price": "24.00", "currency": "EUR", "condition": "used", "handling_days": "2",
                                 f"stock_{world['b_wh'].pk}": "5"})
    offer = Offer.objects.get(seller=world["b"], product=world["lamp"])
    assert response.url == reverse("seller_offers:edit", args=[offer.pk])
    assert (offer.net_price, offer.condition, offer.handling_days) == (2400, "used", 2)
    assert StockLevel.objects.get(offer=offer).on_hand == 5


def test_a_location_of_another_seller_cannot_be_posted(client, world):
    login(client, world["owner_b"])
    client.post(reverse("seller_offers:new") + "?gtin=3017620422003",
                {"price": "24.00", "currency": "EUR", "condition": "new", "handling_days": "2", f"stock_{world['a_wh'].pk}": "5"})
    offer = Offer.objects.get(seller=world["b"], product=world["lamp"])
    assert list(StockLevel.objects.filter(offer=offer)) == []


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 150, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _propose(client, world, gtin="3000000000007"):
    return client.post(reverse("seller_offers:new") + f"?gtin={gtin}", {
        "brand": "Lumen", "category": world["lamps"].pk, "title_fr": "Lampe de bureau", "description_fr": "Acier",
        "title_en": "Desk lamp", "attributes": "colour: black\nheight: 40 cm", "price": "39.50", "currency": "EUR",
        "condition": "new", "handling_days": "2", f"stock_{world['a_wh'].pk}": "6",
        "pictures": [SimpleUploadedFile("lamp.png", _png(), content_type="image/png")],
    })


def test_an_unknown_gtin_opens_a_proposal_the_operator_approves(client, world):
    login(client, world["owner_a"])
    assert _propose(client, world).url == reverse("seller_offers:proposals")
    proposal = ProductProposal.objects.get()
    assert (proposal.seller_id, proposal.gtin, proposal.status, proposal.attributes) == (
        world["a"].pk, "03000000000007", "pending", {"colour": "black", "height": "40 cm"})
    assert proposal.texts == {"fr": {"title": "Lampe de bureau", "description": "Acier"}, "en": {"title": "Desk lamp", "description": ""}}
    assert proposal.offer == {"net_price": 3950, "currency": "EUR", "condition": "new", "handling_days": 2,
                              "stock": {str(world["a_wh"].pk): 6}}
    assert proposal.images.count() == 1
    assert login(client, world["owner_a"]).get(reverse("proposals:queue")).status_code == 403
    login(client, world["operator"])
    assert client.get(reverse("proposals:review", args=[proposal.pk])).status_code == 200
    client.post(reverse("proposals:approve", args=[proposal.pk]))
    product = Product.objects.get(gtin="03000000000007")
    offer = Offer.objects.get(product=product)
    assert (offer.seller_id, offer.net_price, offer.handling_days, StockLevel.objects.get(offer=offer).on_hand) == (
        world["a"].pk, 3950, 2, 6)
    assert sorted(product.texts.values_list("language", "title")) == [("en", "Desk lamp"), ("fr", "Lampe de bureau")]
    assert product.images.count() == 1
    proposal.refresh_from_db()
    assert (proposal.status, proposal.product_id) == ("approved", product.pk)


def test_a_proposal_takes_texts_in_every_catalogue_language(client, world):
    login(client, world["owner_a"])
    page = client.get(reverse("seller_offers:new") + "?gtin=3000000000014").text
    for lang in ("fr", "es", "en", "de", "it", "pt", "nl"):
        assert f'name="title_{lang}"' in page and f'name="description_{lang}"' in page
    assert "<legend>German</legend>" in page and "<legend>Dutch</legend>" in page
    response = client.post(reverse("seller_offers:new") + "?gtin=3000000000014", {
        "brand": "Lumen", "category": world["lamps"].pk, "title_de": "Schreibtischlampe", "description_de": "Stahl",
        "title_it": "Lampada da scrivania", "title_nl": "Bureaulamp", "price": "39.50", "currency": "EUR",
        "condition": "new", "handling_days": "2", f"stock_{world['a_wh'].pk}": "1",
    })
    assert response.status_code == 302
    proposal = ProductProposal.objects.get(gtin="03000000000014")
    assert proposal.texts == {
        "de": {"title": "Schreibtischlampe", "description": "Stahl"},
        "it": {"title": "Lampada da scrivania", "description": ""}, "nl": {"title": "Bureaulamp", "description": ""},
    }
    login(client, world["operator"])
    client.post(reverse("proposals:approve", args=[proposal.pk]))
    product = Product.objects.get(gtin="03000000000014")
    assert sorted(product.texts.values_list("language", "title")) == [
        ("de", "Schreibtischlampe"), ("it", "Lampada da scrivania"), ("nl", "Bureaulamp")]


def test_the_operator_rejects_with_a_reason_the_seller_reads(client, world):
    login(client, world["owner_a"])
    _propose(client, world)
    proposal = ProductProposal.objects.get()
    login(client, world["operator"]).post(reverse("proposals:review", args=[proposal.pk]), {"reason": "Wrong category"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, Product.objects.filter(gtin=proposal.gtin).exists()) == ("rejected", "Wrong category", False)
    mine = login(client, world["owner_a"]).get(reverse("seller_offers:proposals"))
    assert [p.pk for p in mine.context["page_obj"]] == [proposal.pk]
    theirs = login(client, world["owner_b"]).get(reverse("seller_offers:proposals"))
    assert list(theirs.context["page_obj"]) == []


def test_upload_runs_the_import_and_reports_bad_rows(client, world, django_capture_on_commit_callbacks):
    login(client, world["staff_a"])
    data = ("gtin,price,currency,stock:Lyon A\n3017620422003,21.00,EUR,9\n4006381333931,-2,EUR,1\n"
            "3000000000007,5,EUR,1\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("seller_offers:import"), {"file": SimpleUploadedFile("offers.csv", data, "text/csv")})
    imp = OfferImport.objects.get()
    assert response.url == reverse("seller_offers:import_detail", args=[imp.pk])
    detail = client.get(response.url)
    assert (imp.status, imp.applied, imp.rejected) == ("done", 1, 2)
    assert detail.context["report_rows"] == [
        ["3", "price", "-2", "The price cannot be negative."],
        ["4", "gtin", "03000000000007",
         "No product with this GTIN in the catalogue: propose the product from “New offer”, then import the row again."],
    ]
    report = client.get(reverse("seller_offers:import_report", args=[imp.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows[0] == ["line", "column", "value", "reason"] and len(rows) == 3
    login(client, world["owner_b"])
    assert client.get(reverse("seller_offers:import_detail", args=[imp.pk])).status_code == 404
    assert client.get(reverse("seller_offers:import_report", args=[imp.pk])).status_code == 404


def test_the_upload_enqueues_its_task_in_the_transaction_that_creates_the_import(client, world, django_capture_on_commit_callbacks):
    login(client, world["staff_a"])
    data = b"gtin,price,currency,stock:Lyon A\n3017620422003,21.00,EUR,9\n"
    with django_capture_on_commit_callbacks(execute=False):  # the web process dies right after its COMMIT
        client.post(reverse("seller_offers:import"), {"file": SimpleUploadedFile("offers.csv", data, "text/csv")})
    imp = OfferImport.objects.get()
    [row] = TaskOutbox.objects.all()
    assert (imp.status, row.task_path, row.args, row.sent_at) == ("queued", "comptoir.inventory.tasks.offers_import", [imp.pk], None)
    assert outbox_relay(older_than_seconds=0) == 1  # the relay pushes it: the import runs
    imp.refresh_from_db()
    assert (imp.status, imp.applied) == ("done", 1)


def test_the_template_names_the_sellers_locations(client, world):
    response = login(client, world["owner_a"]).get(reverse("seller_offers:import_template"))
    lines = response.content.decode().splitlines()
    assert lines[0] == "gtin,title,price,currency,condition,handling_days,stock:Lyon A"


def test_htmx_polling_returns_the_progress_fragment(client, world, django_capture_on_commit_callbacks):
    login(client, world["owner_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("seller_offers:import"), {"file": SimpleUploadedFile("o.csv", b"gtin,price,currency\n", "text/csv")})
    imp = OfferImport.objects.get()
    fragment = client.get(reverse("seller_offers:import_detail", args=[imp.pk]), HTTP_HX_REQUEST="true")
    assert fragment.templates[0].name == "seller_offers/_import_progress.html"
    assert 'data-status="done"' in fragment.content.decode()


@pytest.mark.parametrize("name, method", [
    ("seller_offers:edit", "get"), ("seller_offers:edit", "post"), ("seller_offers:pause", "post"),
    ("seller_offers:resume", "post"), ("seller_offers:import_detail", "get"), ("seller_offers:import_report", "get"),
])
def test_every_page_of_seller_as_things_is_404_for_seller_b(client, world, name, method, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, world["owner_a"]).post(reverse("seller_offers:import"), {
            "file": SimpleUploadedFile("o.csv", b"gtin,price,currency\n3017620422003,30,EUR\n", "text/csv")})
    target = world["offer_a"].pk if name.endswith(("edit", "pause", "resume")) else OfferImport.objects.get().pk
    response = getattr(login(client, world["owner_b"]), method)(reverse(name, args=[target]))
    assert response.status_code == 404
    offer = Offer.objects.get(pk=world["offer_a"].pk)
    assert (offer.net_price, offer.is_active) == (3000, True)


@pytest.mark.parametrize("name, method", [("proposals:queue", "get"), ("proposals:review", "get"),
                                          ("proposals:review", "post"), ("proposals:approve", "post")])
def test_operator_pages_refuse_sellers(client, world, name, method):
    login(client, world["owner_a"])
    _propose(client, world)
    proposal = ProductProposal.objects.get()
    args = [] if name == "proposals:queue" else [proposal.pk]
    response = getattr(client, method)(reverse(name, args=args), {"reason": "x"} if method == "post" else None)
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_pages_and_reasons_speak_the_sellers_language(client, world, django_capture_on_commit_callbacks):
    world["a"].language = ""  # a French seller without a choice reads French
    world["a"].save()
    login(client, world["staff_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("seller_offers:import"), {"file": SimpleUploadedFile("o.csv", b"gtin,price,currency\n3017620422003,-1,EUR\n", "text/csv")})
    detail = client.get(reverse("seller_offers:import_detail", args=[OfferImport.objects.get().pk]))
    assert detail.context["report_rows"] == [["2", "price", "-1", "Le prix ne peut pas être négatif."]]
    assert "Lignes refusées".lower() in detail.content.decode().lower()
