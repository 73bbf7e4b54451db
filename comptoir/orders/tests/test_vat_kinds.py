"""VAT by product kind end to end, on the official table (markets_seed): a French buyer's order
mixing a book (5.5 %) and a lamp (20 %), its invoice and VAT breakdown; a Belgian daily paper at
0 % and a French reimbursed medicine at 2.1 %; a product overriding its category's kind; the
storefront's gross prices per market."""
import re
from datetime import date

import pytest
from django.test import Client

from comptoir.catalog.models import Category, Product
from comptoir.inventory.selectors import offers_for_product
from comptoir.markets.models import Market
from comptoir.markets.services import markets_seed
from comptoir.orders.address import Address
from comptoir.orders.selectors import order_vat_breakdown, part_vat_breakdown
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    markets_seed()


def test_an_invoice_mixing_a_book_at_5_5_and_a_lamp_at_20_percent_for_a_french_buyer(seeded):
    buyer = f.user("ana@example.com")
    seller = f.seller("Librairie Lyon", city_name="Lyon")
    book = f.offer(seller, net_price=1000, title="Novel", tax_class="books")
    lamp = f.offer(seller, net_price=2000, title="Lamp", tax_class="standard")
    order = place(buyer, [(book, 2), (lamp, 1)])
    [part] = order.parts.all()
    lines = {line.offer_id: line for line in part.lines.all()}
    assert (lines[book.pk].vat_rate_bp, lines[book.pk].line_net, lines[book.pk].line_vat) == (550, 2000, 110)
    assert (lines[lamp.pk].vat_rate_bp, lines[lamp.pk].line_net, lines[lamp.pk].line_vat) == (2000, 2000, 400)
    delivery_net, delivery_vat = part.delivery_net, part.delivery_vat
    assert delivery_vat == round(delivery_net * 0.2)  # delivery at the standard rate
    expected = [(2000, 2000 + delivery_net, 400 + delivery_vat), (550, 2000, 110)]  # highest rate first
    assert [(b.rate_bp, b.net, b.vat) for b in part_vat_breakdown(part)] == expected
    assert [(b.rate_bp, b.net, b.vat) for b in order_vat_breakdown(order)] == expected
    assert order.vat_total == 110 + 400 + delivery_vat

    c = Client()
    c.force_login(buyer)
    page = c.get(f"/orders/{order.reference}/invoice/{part.number}/").content.decode()
    breakdown = page[page.index("vat-breakdown"):]
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td><td class=\"num\">([^<]+)</td></tr>", breakdown)
    assert rows == [
        ("20 %", f"€{(2000 + delivery_net) / 100:.2f}", f"€{(400 + delivery_vat) / 100:.2f}"),
        ("5.5 %", "€20.00", "€1.10"),
    ]


def test_a_product_overrides_its_categorys_kind(seeded):
    seller = f.seller(city_name="Lyon")
    kitchen = f.category("standard")
    cookbook = Product.objects.create(gtin=f.gtin14(), brand="Maison", category=kitchen, tax_class="books")
    pan = Product.objects.create(gtin=f.gtin14(), brand="Maison", category=kitchen)
    assert (cookbook.vat_kind, pan.vat_kind) == ("books", "standard")
    for product in (cookbook, pan):
        f.offer(seller, net_price=1000, prod=product)
    buyer = f.user()
    order = place(buyer, [(o, 1) for o in seller.offers.order_by("pk")])
    rates = sorted(order.parts.get().lines.values_list("vat_rate_bp", flat=True))
    assert rates == [550, 2000]


@pytest.mark.parametrize(("market", "gross"), [("FR", 1055), ("ES", 1040), ("IT", 1040), ("DE", 1070), ("BE", 1060),
                                               ("PT", 1060), ("NL", 1090)])
def test_a_books_gross_price_in_each_market(seeded, market, gross):
    seller = f.seller(city_name="Lyon")
    book = f.offer(seller, net_price=1000, title="Novel", tax_class="books")
    offers = offers_for_product(product=book.product, market=Market.objects.get(code=market), buyer_city=None)
    assert [o.gross_price for o in offers] == [gross]


def test_the_demo_books_and_food_categories_use_their_kinds_after_migration_mapping():
    from importlib import import_module

    mapping = import_module("comptoir.catalog.migrations.0010_tax_kind")
    books = Category(slug="books", names={"en": "Books", "fr": "Livres"})
    food = Category(slug="food-drinks", names={"en": "Food & Drinks", "fr": "Épicerie & boissons"})
    other = Category(slug="misc", names={"en": "Misc"})
    assert mapping._kind_for(books, "food") == "books"
    assert mapping._kind_for(food, "food") == "food"
    assert mapping._kind_for(other, "food") == "food"
    assert mapping._kind_for(other, "standard") == "standard"


def test_a_store_shelf_prices_a_cookbook_among_kitchenware_as_a_book(seeded):
    from comptoir.catalog.tests.factories import make_category, make_city, make_offer, make_product, make_seller
    from comptoir.inventory.listing.read import vat_rates_bp
    from comptoir.inventory.models import StockLevel
    from comptoir.stores.directory import store_shelf
    from comptoir.web.tests.test_store_pages import make_store

    fr = Market.objects.get(code="FR")
    lyon = make_city("Lyon", 45.7578, 4.8320, country="FR")
    store = make_store(lyon, "Comptoir Lyon", "lyon", market=fr, postcode="69001")
    kitchen = make_category("kitchen", names={"en": "Kitchen"})
    cookbook = make_product(category=kitchen, tax_class="books", texts={"en": ("Cookbook", "")})
    pan = make_product(category=kitchen, texts={"en": ("Pan", "")})
    seller = make_seller(city=lyon)
    for product in (cookbook, pan):
        offer = make_offer(seller, product, net_price=1000)
        StockLevel.objects.create(offer=offer, location=store.location, on_hand=3)
    shelf = store_shelf(slug="lyon", market=fr, vat_rates=vat_rates_bp(fr, date.today()), language="en")
    assert sorted((item.title, item.gross_price) for item in shelf.items) == [("Cookbook", 1055), ("Pan", 1200)]


BRUXELLES = Address(full_name="Lies Peeters", line1="Rue Neuve 1", postcode="1000", city="Bruxelles", country="BE", phone="+3222223344")


def _breakdown_rows(page: str) -> list[tuple[str, str, str]]:
    breakdown = page[page.index("vat-breakdown"):]
    return re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td><td class=\"num\">([^<]+)</td></tr>", breakdown)


def test_a_belgian_invoice_rates_a_daily_paper_at_0_and_a_magazine_at_6_percent(seeded):
    buyer = f.user("lies@example.com")
    seller = f.seller("Presse Bruxelles", country="BE", city_name="Bruxelles")
    daily = f.offer(seller, net_price=250, title="Le Soir", tax_class="daily_press")
    magazine = f.offer(seller, net_price=500, title="Monthly", tax_class="press")
    order = place(buyer, [(daily, 4), (magazine, 1)], address=BRUXELLES)
    [part] = order.parts.all()
    lines = {line.offer_id: line for line in part.lines.all()}
    assert (lines[daily.pk].vat_rate_bp, lines[daily.pk].line_net, lines[daily.pk].line_vat) == (0, 1000, 0)
    assert (lines[magazine.pk].vat_rate_bp, lines[magazine.pk].line_net, lines[magazine.pk].line_vat) == (600, 500, 30)
    # delivery €4.90 at the Belgian standard rate: 4.90 × 21 % = 1.029 → €1.03
    assert (part.delivery_net, part.delivery_vat_rate_bp, part.delivery_vat) == (490, 2100, 103)
    expected = [(2100, 490, 103), (600, 500, 30), (0, 1000, 0)]
    assert [(b.rate_bp, b.net, b.vat) for b in part_vat_breakdown(part)] == expected
    assert (order.vat_total, part.total_gross) == (133, 2123)

    c = Client()
    c.force_login(buyer)
    page = c.get(f"/orders/{order.reference}/invoice/{part.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _breakdown_rows(page) == [
        ("21 %", "€4.90", "€1.03"),
        ("6 %", "€5.00", "€0.30"),
        ("0 %", "€10.00", "€0.00"),
    ]
    assert "<td>Le Soir</td><td class=\"num\">4</td><td class=\"num\">€2.50</td><td class=\"num\">0 %</td>" in page


def test_a_french_invoice_rates_a_reimbursed_medicine_at_2_1_and_another_at_10_percent(seeded):
    buyer = f.user("ana@example.com")
    seller = f.seller("Pharmacie Lyon", city_name="Lyon")
    reimbursed = f.offer(seller, net_price=1990, title="Amoxicillin", tax_class="reimbursed_meds")
    other = f.offer(seller, net_price=690, title="Throat lozenges", tax_class="medicines")
    order = place(buyer, [(reimbursed, 3), (other, 1)])
    [part] = order.parts.all()
    lines = {line.offer_id: line for line in part.lines.all()}
    # 3 × 19.90 = 59.70 at 2.1 % = 1.2537 → 1.25; 6.90 at 10 % = 0.69
    assert (lines[reimbursed.pk].vat_rate_bp, lines[reimbursed.pk].line_net, lines[reimbursed.pk].line_vat) == (210, 5970, 125)
    assert (lines[other.pk].vat_rate_bp, lines[other.pk].line_net, lines[other.pk].line_vat) == (1000, 690, 69)
    assert (part.delivery_net, part.delivery_vat_rate_bp, part.delivery_vat) == (490, 2000, 98)
    expected = [(2000, 490, 98), (1000, 690, 69), (210, 5970, 125)]
    assert [(b.rate_bp, b.net, b.vat) for b in order_vat_breakdown(order)] == expected
    assert (order.vat_total, part.total_gross) == (292, 7442)

    c = Client()
    c.force_login(buyer)
    page = c.get(f"/orders/{order.reference}/invoice/{part.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _breakdown_rows(page) == [("20 %", "€4.90", "€0.98"), ("10 %", "€6.90", "€0.69"), ("2.1 %", "€59.70", "€1.25")]

