"""Browser journeys of the offers pages: a seller creates an offer by GTIN, uploads a CSV with
two bad rows and sees them reported; proposes an unknown product the operator approves."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from comptoir.catalog.tests.factories import make_category, make_city, make_location, make_market, make_product, make_seller
from comptoir.inventory.models import Offer
from comptoir.sellers.models import SellerMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.fixture
def shop():
    make_market("FR")
    lyon = make_city("Lyon")
    seller = make_seller("Atelier Lumière", city=lyon, language="en")
    make_location(seller, lyon, name="Lyon")
    lamps = make_category("lamps", names={"en": "Lamps", "fr": "Lampes", "es": "Lámparas"})
    make_product(category=lamps, gtin="03017620422003", texts={"en": ("Brass desk lamp", "")})
    make_product(category=lamps, gtin="04006381333931", texts={"en": ("Oak floor lamp", "")})
    make_product(category=lamps, gtin="05449000000996", texts={"en": ("Linen lampshade", "")})
    user = get_user_model().objects.create_user("owner", "owner@example.com", "pw")
    SellerMember.objects.create(user=user, seller=seller)
    return seller, user


def test_seller_creates_an_offer_by_gtin_and_imports_a_csv_with_two_bad_rows(page, live_server, screenshot, shop, tmp_path):
    seller, user = shop
    _login(page, live_server, user)
    page.goto(f"{live_server.url}/seller/offers/")
    assert page.locator("#offers-empty h2").inner_text() == "No offers yet"
    screenshot(page, "seller-offers-empty")

    page.click("#new-offer")
    page.fill("#id_gtin", "3017620422003")
    page.click("#gtin-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Brass desk lamp')")
    page.fill("#id_price", "49.90")
    page.fill("#id_handling_days", "2")
    page.fill("input[name^=stock_]", "8")
    screenshot(page, "seller-offer-new")
    page.click("#create")
    page.wait_for_selector("text=Offer created.")
    screenshot(page, "seller-offer-edit")
    offer = Offer.objects.get(seller=seller)
    assert (offer.net_price, offer.handling_days) == (4990, 2)

    csv_file = tmp_path / "offers.csv"
    csv_file.write_text("gtin,title,price,currency,handling_days,stock:Lyon\n"
                        "4006381333931,Floor lamp,129.00,EUR,3,4\n"
                        "5449000000996,Lampshade,-5,EUR,1,10\n"
                        "3000000000007,Unknown,10.00,EUR,1,1\n"
                        "3017620422003,Desk lamp,45.00,EUR,2,6\n")
    page.click("text=Import offers >> nth=0")
    page.set_input_files("#id_file", str(csv_file))
    page.click("#upload")
    page.wait_for_selector("#import-progress[data-status=done]")
    assert (page.inner_text("#count-applied"), page.inner_text("#count-rejected")) == ("2", "2")
    rows = page.locator("#report-rows tbody tr")
    assert [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())] == [
        ["3", "price", "-5", "The price cannot be negative."],
        ["4", "gtin", "03000000000007",
         "No product with this GTIN in the catalogue: propose the product from “New offer”, then import the row again."],
    ]
    with page.expect_download() as download:
        page.click("#report")
    assert download.value.suggested_filename.endswith("-report.csv")
    screenshot(page, "seller-import-report")

    page.goto(f"{live_server.url}/seller/offers/")
    assert page.locator("#offers tbody tr").count() == 2
    screenshot(page, "seller-offers-list")


def test_seller_proposes_an_unknown_product_and_the_operator_approves(page, live_server, screenshot, shop):
    seller, user = shop
    _login(page, live_server, user)
    page.goto(f"{live_server.url}/seller/offers/new/?gtin=3000000000007")
    page.wait_for_selector("#unknown-gtin")
    page.fill("#id_brand", "Lumen")
    page.select_option("#id_category", label="Lamps")
    page.fill("#id_title_fr", "Lampe de bureau noire")
    page.fill("#id_title_en", "Black desk lamp")
    page.fill("#id_attributes", "colour: black")
    page.fill("#id_price", "39.50")
    screenshot(page, "seller-proposal-form")
    page.click("#propose")
    page.wait_for_selector("#proposals tr[data-gtin='03000000000007']")
    screenshot(page, "seller-proposals")

    page.context.clear_cookies()
    _login(page, live_server, get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True))
    page.goto(f"{live_server.url}/operator/proposals/")
    page.click("#proposal-queue >> text=Review")
    screenshot(page, "operator-proposal-review")
    page.click("#approve")
    page.wait_for_selector("text=Product created; the seller's offer is live.")
    assert Offer.objects.get(seller=seller).net_price == 3950
