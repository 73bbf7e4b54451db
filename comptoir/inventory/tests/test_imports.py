"""Offers import: files read, rows checked and applied in batches, rejected rows reported."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.files.base import ContentFile
from openpyxl import Workbook

from comptoir.catalog.models import ProductProposal
from comptoir.catalog.tests.factories import make_category, make_city, make_location, make_market, make_offer, make_product, make_seller
from comptoir.inventory.imports import offers_import_create, offers_import_run
from comptoir.inventory.models import ImportStatus, Offer, OfferImport, ProductListing, StockLevel
from comptoir.inventory.tasks import offers_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop():
    make_market("FR")
    lyon = make_city("Lyon")
    seller = make_seller("Atelier", city=lyon)
    lyon_wh = make_location(seller, lyon, name="Lyon")
    paris_wh = make_location(seller, make_city("Paris", 48.8566, 2.3522), name="Paris")
    category = make_category("lamps")
    products = [make_product(category=category, gtin=g) for g in ("03017620422003", "04006381333931", "05449000000996")]
    return seller, lyon_wh, paris_wh, products


def run(seller, text: str | bytes, name="offers.csv") -> OfferImport:
    data = text.encode() if isinstance(text, str) else text
    offer_import = offers_import_create(seller=seller, upload=ContentFile(data), name=name, language="en")
    return offers_import_run(offer_import)


def report_rows(offer_import: OfferImport) -> list[list[str]]:
    with offer_import.report.open("rb") as f:
        return list(csv.reader(io.StringIO(f.read().decode())))[1:]


def stock(offer: Offer) -> dict[str, tuple[int, int]]:
    return {lvl.location.name: (lvl.on_hand, lvl.held) for lvl in offer.stock_levels.select_related("location")}


def test_new_offers_are_written_with_their_stock_and_listed(shop):
    seller, lyon, paris, (p1, p2, _p3) = shop
    done = run(seller, "gtin,price,currency,condition,handling_days,stock:Lyon,stock:Paris\n"
                       "3017620422003,12.50,EUR,new,2,5,0\n"
                       "4006381333931,7,eur,used,,,3\n")
    assert (done.status, done.rows_total, done.rows_done, done.applied, done.rejected) == ("done", 2, 2, 2, 0)
    first = Offer.objects.get(seller=seller, product=p1)
    assert (first.net_price, first.currency, first.condition, first.handling_days, first.is_active) == (1250, "EUR", "new", 2, True)
    assert stock(first) == {"Lyon": (5, 0), "Paris": (0, 0)}
    second = Offer.objects.get(seller=seller, product=p2)
    assert (second.net_price, second.condition, second.handling_days) == (700, "used", 1)
    assert stock(second) == {"Paris": (3, 0)}
    listed = dict(ProductListing.objects.values_list("product_id", "min_net_price"))
    assert listed == {p1.pk: 1250, p2.pk: 700}
    assert report_rows(done) == []


def test_existing_offer_is_updated_and_empty_cells_keep_what_is_there(shop):
    seller, lyon, paris, (p1, *_rest) = shop
    offer = make_offer(seller, p1, lyon, net_price=1000, stock=4, held=2, handling_days=5, is_active=False)
    StockLevel.objects.create(offer=offer, location=paris, on_hand=9)
    done = run(seller, "GTIN;Price;Currency;Handling_days;stock:Lyon;stock:Paris\n03017620422003;11,90;EUR;;2;\n")
    assert (done.applied, done.rejected) == (1, 0)
    offer.refresh_from_db()
    assert (offer.net_price, offer.handling_days, offer.is_active) == (1190, 5, False)
    assert stock(offer) == {"Lyon": (2, 2), "Paris": (9, 0)}
    assert Offer.objects.count() == 1


def test_bad_rows_are_reported_with_line_column_and_reason_and_not_written(shop):
    seller, lyon, paris, (p1, p2, p3) = shop
    held = make_offer(seller, p3, lyon, net_price=500, stock=6, held=4)
    done = run(seller, "gtin,price,currency,stock:Lyon\n"
                       "3017620422003,-3,EUR,1\n"
                       "4006381333931,8.00,EUR,2\n"
                       "1234567890123,8.00,EUR,2\n"
                       "3000000000007,8.00,EUR,2\n"
                       "5449000000996,6.00,EUR,3\n"
                       "4006381333931,8.001,USD,-1\n")
    assert (done.status, done.rows_done, done.applied, done.rejected) == ("done", 6, 1, 5)
    assert report_rows(done) == [
        ["2", "price", "-3", "The price cannot be negative."],
        ["4", "gtin", "1234567890123", "A GTIN has 8, 12, 13 or 14 digits with a correct check digit."],
        ["5", "gtin", "03000000000007",
         "No product with this GTIN in the catalogue: propose the product from “New offer”, then import the row again."],
        ["6", "stock:Lyon", "3", "4 units are held for orders or reservations: on hand cannot go below that."],
        ["7", "currency", "USD", "The currency must be one the marketplace sells in: EUR."],
        ["7", "stock:Lyon", "-1", "The quantity cannot be negative."],
    ]
    assert list(Offer.objects.order_by("pk").values_list("product_id", "net_price")) == [(p3.pk, 500), (p2.pk, 800)]
    assert stock(held) == {"Lyon": (6, 4)}


def test_a_file_not_in_utf8_is_refused_whole(shop):
    seller, *_ = shop
    done = run(seller, "gtin,price,currency\n3017620422003,12.50,EUR\n4006381333931,7,EUR,Lumière\n".encode("latin-1"))
    assert (done.status, done.applied, done.rows_done) == ("failed", 0, 0)
    assert done.error == "The file is not UTF-8 text (line 3). Save it as “CSV UTF-8” and upload it again."
    assert report_rows(done) == [["3", "", "", done.error]]
    assert Offer.objects.count() == 0


def test_a_missing_column_is_refused_whole(shop):
    seller, *_ = shop
    done = run(seller, "gtin,currency,stock:Lyon\n3017620422003,EUR,1\n")
    assert (done.status, done.error) == ("failed", "The column “price” is missing.")
    assert report_rows(done) == [["1", "price", "", "The column “price” is missing."]]
    assert Offer.objects.count() == 0


def test_a_location_of_another_seller_is_refused(shop):
    seller, *_ = shop
    other = make_seller("Other")
    theirs = make_location(other, make_city("Sevilla", 37.39, -5.98, country="ES"), name="Sevilla")
    done = run(seller, f"gtin,price,currency,stock:{theirs.pk}\n3017620422003,1,EUR,1\n")
    assert (done.status, done.error) == ("failed", f"“{theirs.pk}” is not one of your stock locations (column “stock:{theirs.pk}”).")
    assert StockLevel.objects.count() == 0


def test_unknown_gtin_with_a_pending_proposal_keeps_the_terms_on_the_proposal(shop):
    seller, lyon, _paris, _products = shop
    proposal = ProductProposal.objects.create(seller_id=seller.pk, gtin="03000000000007", brand="Lumen",
                                              category=make_category(), texts={"fr": {"title": "Lampe", "description": ""}})
    done = run(seller, "gtin,price,currency,handling_days,stock:Lyon\n3000000000007,19.90,EUR,3,8\n")
    assert (done.applied, done.proposed, done.rejected) == (0, 1, 0)
    proposal.refresh_from_db()
    assert proposal.offer == {"net_price": 1990, "currency": "EUR", "condition": "new", "handling_days": 3,
                              "stock": {str(lyon.pk): 8}}


def test_the_same_offer_twice_in_a_file_ends_with_the_later_row(shop):
    seller, lyon, _paris, (p1, *_rest) = shop
    done = run(seller, "gtin,price,currency,stock:Lyon\n3017620422003,5,EUR,1\n3017620422003,6,EUR,2\n")
    assert (done.applied, done.rejected) == (2, 0)
    offer = Offer.objects.get()
    assert (offer.net_price, stock(offer)) == (600, {"Lyon": (2, 0)})


def test_an_xlsx_workbook_is_read_like_a_csv(shop):
    seller, lyon, _paris, (p1, p2, _p3) = shop
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["gtin", "title", "price", "currency", "stock:Lyon"])
    sheet.append([3017620422003, "Pâte", 12.5, "EUR", 4])
    sheet.append(["04006381333931", "Crayon", "-1", "EUR", 2.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    done = run(seller, buffer.getvalue(), name="offers.xlsx")
    assert (done.status, done.applied, done.rejected) == ("done", 1, 1)
    assert report_rows(done) == [["3", "price", "-1", "The price cannot be negative."]]
    offer = Offer.objects.get()
    assert (offer.product_id, offer.net_price, stock(offer)) == (p1.pk, 1250, {"Lyon": (4, 0)})


def test_a_file_that_is_not_a_workbook_is_refused(shop):
    seller, *_ = shop
    done = run(seller, b"not a zip", name="offers.xlsx")
    assert (done.status, done.error) == ("failed", "The file is not an Excel workbook (.xlsx) that can be read.")


def test_the_task_runs_a_queued_import(shop):
    seller, *_ = shop
    offer_import = offers_import_create(seller=seller, upload=ContentFile(b"gtin,price,currency\n3017620422003,3,EUR\n"),
                                        name="a.csv")
    offers_import.enqueue(offer_import.pk)
    offer_import.refresh_from_db()
    assert (offer_import.status, offer_import.applied, offer_import.percent) == (ImportStatus.DONE, 1, 100)


def test_the_command_imports_a_file_and_writes_the_report(shop, tmp_path):
    from django.core.management import call_command

    seller, *_ = shop
    source = tmp_path / "mine.csv"
    source.write_text("gtin,price,currency,stock:Lyon\n3017620422003,2.50,EUR,3\n3017620422003,x,EUR,3\n")
    out = io.StringIO()
    call_command("import_offers", str(source), "--seller", str(seller.pk), stdout=out, stderr=io.StringIO())
    target = tmp_path / "mine.report.csv"
    assert out.getvalue().strip() == f"2 rows: 1 applied, 1 rejected, 0 kept on product proposals. Report: {target}"
    assert target.read_text().splitlines() == ["line,column,value,reason", "3,price,x,The price must be a number such as 12.50."]
    assert Offer.objects.get().net_price == 250
