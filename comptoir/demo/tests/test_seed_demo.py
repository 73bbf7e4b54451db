"""`comptoir seed_demo`: the small demo's documented counts, validity of every generated
identifier, idempotence, and the clear failure when cities are missing."""
import datetime as dt
import io
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count
from PIL import Image
from stdnum import ean, iban
from stdnum.cn import uscc
from stdnum.de import vat as de_vat
from stdnum.es import cif, vat as es_vat
from stdnum.fr import siret, tva
from stdnum.it import iva

from comptoir.catalog.models import CATALOG_LANGUAGES, Category, Product, ProductImage, ProductText
from comptoir.inventory.models import OfferPoint
from comptoir.inventory.models import Offer, StockLevel, StockLocation
from comptoir.markets.models import City
from comptoir.orders.models import Order
from comptoir.markets.services import cities_load
from comptoir.sellers.models import Seller, SellerMember, SellerStatus
from comptoir.demo.identity import SellerIdentity, fr_rib_key, identity_check, identity_generate, it_cin
from comptoir.demo.seed import DemoCitiesMissing, demo_seed

COUNTRIES = ["FR", "ES", "IT", "DE", "CN"]
# Counts of the small demo with seed 42 on the cities loaded below (≥ 15,000 people).
EXPECTED = {"categories": 15, "leaves": 12, "sellers": 40, "pending": 4, "products": 300, "offers": 987}
EXPECTED_ONLINE = (98, 40)  # (online orders, click & collect seller orders) of the history seeded at NOW


@pytest.fixture
def places(db):
    cities_load(countries=COUNTRIES, min_population=15000)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def small(places, media):
    return demo_seed(scale="small", seed=42)


# --- identities (no database) -----------------------------------------------------------

def test_generated_identities_pass_stdnum_for_2000_sellers():
    rng = random.Random(7)
    rejected = [(i, identity_check(i)) for c in COUNTRIES * 400 if identity_check(i := identity_generate(c, rng))]
    assert rejected == []


def test_fr_rib_key_and_it_cin_match_published_examples():
    assert fr_rib_key("30006", "00001", "12345678901") == "89"  # FR76 3000 6000 0112 3456 7890 189
    assert it_cin("05428", "11101", "000000123456") == "X"  # IT60 X054 2811 1010 0000 0123 456


def test_identity_check_reports_a_wrong_siret_and_iban():
    good = identity_generate("FR", random.Random(1))
    bad = SellerIdentity("FR", good.vat_number, good.company_id[:-1] + str((int(good.company_id[-1]) + 1) % 10), good.iban[:-1] + "0" if good.iban[-1] != "0" else good.iban[:-1] + "1")
    assert identity_check(bad) == ["siret", "iban"]


# --- the small demo ------------------------------------------------------------------------

def test_small_demo_creates_the_documented_counts(small):
    assert small.created is True
    assert Category.objects.count() == EXPECTED["categories"]
    assert Category.objects.filter(products__isnull=False).distinct().count() == EXPECTED["leaves"]
    assert Seller.objects.count() == EXPECTED["sellers"]
    assert Seller.objects.filter(status=SellerStatus.PENDING).count() == EXPECTED["pending"]
    assert Product.objects.count() == EXPECTED["products"]
    assert Offer.objects.count() == EXPECTED["offers"]
    assert (small.categories, small.sellers, small.sellers_pending, small.products, small.offers) == (
        EXPECTED["categories"], EXPECTED["sellers"], EXPECTED["pending"], EXPECTED["products"], EXPECTED["offers"])
    assert Counter(Seller.objects.values_list("country", flat=True)) == {"FR": 14, "ES": 10, "IT": 6, "DE": 5, "CN": 5}
    assert Category.objects.get(slug="food-drinks").tax_class == "food"
    assert Category.objects.get(slug="books").tax_class == "books"
    # every category is named in the seven catalogue languages
    assert all(sorted(names) == sorted(CATALOG_LANGUAGES) for names in Category.objects.values_list("names", flat=True))
    assert Category.objects.get(slug="running-shoes").names["de"] == "Laufschuhe"


def test_every_product_has_texts_in_the_seven_catalogue_languages_and_a_400px_png_picture(small, media):
    assert sorted(CATALOG_LANGUAGES) == ["de", "en", "es", "fr", "it", "nl", "pt"]
    # one title and description per product and language: 7 × 300
    assert ProductText.objects.count() == 7 * EXPECTED["products"] == 2100
    languages = Counter(ProductText.objects.values_list("language", flat=True))
    assert languages == {"fr": 300, "es": 300, "en": 300, "de": 300, "it": 300, "pt": 300, "nl": 300}
    assert small.search_documents == 2100
    # every product's attributes have a value in each of the seven languages
    for attributes in Product.objects.values_list("attributes", flat=True):
        assert all(sorted(values) == sorted(CATALOG_LANGUAGES) for values in attributes.values()), attributes
    assert not ProductText.objects.filter(title="").exists() and not ProductText.objects.filter(description="").exists()
    assert ProductImage.objects.count() == EXPECTED["products"]
    assert Product.objects.annotate(n=Count("images")).filter(n=1).count() == EXPECTED["products"]
    assert small.picture_files == EXPECTED["products"]  # small scale: one picture per product
    for image in ProductImage.objects.all()[:20]:
        with Image.open(media / image.image.name) as picture:
            assert (picture.format, picture.size) == ("PNG", (400, 400))


def test_every_gtin_is_a_valid_14_digit_gtin(small):
    gtins = list(Product.objects.values_list("gtin", flat=True))
    assert len(gtins) == len(set(gtins)) == EXPECTED["products"]
    assert [g for g in gtins if len(g) != 14 or not ean.is_valid(g)] == []


def test_every_sellers_identity_numbers_pass_stdnum(small):
    for seller in Seller.objects.all():
        assert iban.is_valid(seller.iban), seller.iban
        if seller.country == "FR":
            assert siret.is_valid(seller.company_id) and tva.is_valid(seller.vat_number)
        elif seller.country == "ES":
            assert cif.is_valid(seller.company_id) and es_vat.is_valid(seller.vat_number)
        elif seller.country == "IT":
            assert iva.is_valid(seller.company_id) and seller.vat_number == "IT" + seller.company_id
        elif seller.country == "DE":
            assert de_vat.is_valid(seller.vat_number)
        else:
            assert seller.country == "CN" and uscc.is_valid(seller.company_id) and seller.vat_number == ""


def test_offers_compete_and_stock_sits_in_one_or_two_warehouses_of_the_sellers_country(small):
    per_product = Counter(Offer.objects.values_list("product_id", flat=True))
    with_two_or_more = sum(1 for n in per_product.values() if n >= 2)
    assert with_two_or_more == 284 and with_two_or_more / EXPECTED["products"] >= 0.9
    assert max(per_product.values()) == 5
    assert not Offer.objects.filter(seller__country="CN").exclude(handling_days__range=(2, 7)).exists()
    assert not Offer.objects.exclude(seller__country="CN").exclude(handling_days__range=(0, 5)).exists()
    assert sorted(set(Counter(StockLocation.objects.filter(kind="warehouse").values_list("seller_id", flat=True)).values())) == [1, 2]
    assert not StockLocation.objects.filter(kind="warehouse").exclude(country=models_F("seller__country")).exists()
    assert not StockLevel.objects.exclude(on_hand__range=(0, 50)).exists()
    assert StockLevel.objects.filter(on_hand=0).exists()


def test_warehouses_are_named_after_their_city_as_its_people_write_it(small):
    names = dict(StockLocation.objects.filter(kind="warehouse", city__geonames_id__in=[2867714, 3169070, 3176959, 3172394]).values_list("city__name", "name"))
    # GeoNames calls them Munich, Rome, Florence and Naples; the demo uses the local names
    assert names == {
        "Munich": "Kontor Fischer — München", "Rome": "Emporio Marino — Roma",
        "Florence": "Bottega Colombo — Firenze", "Naples": "Emporio Ricci — Napoli",
    }
    for name, local, geonames in StockLocation.objects.filter(kind="warehouse").values_list("name", "city__local_name", "city__name"):
        assert name.endswith(f" — {local or geonames}"), name


def models_F(name):
    from django.db.models import F

    return F(name)


def test_offers_of_pending_sellers_are_not_listed(small):
    pending = set(Seller.objects.filter(status=SellerStatus.PENDING).values_list("id", flat=True))
    assert Offer.objects.filter(seller_id__in=pending).exists()
    assert OfferPoint.objects.exists()
    assert not OfferPoint.objects.filter(seller_id__in=pending).exists()


def test_demo_users_log_in_with_the_documented_passwords(small, rf):
    request = rf.post("/accounts/login/")  # django-axes needs the request of every login
    admin = authenticate(request, username="admin", password="comptoir-admin")
    assert admin is not None and admin.is_staff and admin.is_superuser
    assert authenticate(request, username="buyer@example.com", password="comptoir-buyer") is not None
    seller_user = authenticate(request, username="seller-fr@example.com", password="comptoir-seller")
    assert SellerMember.objects.get(user=seller_user).seller.country == "FR"
    pending_user = get_user_model().objects.get(username="seller-pending@example.com")
    assert SellerMember.objects.get(user=pending_user).seller.status == SellerStatus.PENDING
    assert [u.username for u in small.users][:2] == ["admin", "buyer@example.com"]


def test_running_it_again_writes_nothing_and_reset_recreates_the_same_demo(small):
    orders = Order.objects.count()
    again = demo_seed(scale="small", seed=42)
    assert again.created is False and again.online_orders == 0 and Order.objects.count() == orders == small.online_orders
    assert (Product.objects.count(), Offer.objects.count(), Seller.objects.count()) == (300, 987, 40)
    assert get_user_model().objects.filter(username="admin").count() == 1
    gtins = set(Product.objects.values_list("gtin", flat=True))
    recreated = demo_seed(scale="small", seed=42, reset=True)
    assert recreated.created is True and recreated.picture_files == 0  # same pictures, already on disk
    assert (Product.objects.count(), Offer.objects.count(), Seller.objects.count()) == (300, 987, 40)
    assert set(Product.objects.values_list("gtin", flat=True)) == gtins
    assert Order.objects.count() == recreated.online_orders > 0  # the previous history went with the reset
    from comptoir.ledger.models import Account

    seller_ids = {str(pk) for pk in Seller.objects.values_list("pk", flat=True)}
    assert set(Account.objects.filter(owner_type="seller").values_list("owner_id", flat=True)) <= seller_ids
    call_command("payouts_run", "--dry-run", stdout=io.StringIO())  # no payable of a deleted seller left


def test_command_prints_counts_and_users_then_is_idempotent(places, media):
    out = io.StringIO()
    call_command("seed_demo", "--scale", "small", "--seed", "42", stdout=out, verbosity=1)
    text = out.getvalue()
    assert "300 products, 987 offers" in text
    assert "admin" in text and "comptoir-admin" in text and "buyer@example.com" in text
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo data already present (40 sellers, 300 products, 987 offers): nothing written" in out.getvalue()
    assert Product.objects.count() == 300


def test_missing_cities_fail_with_a_clear_message_and_write_nothing(db, media):
    with pytest.raises(DemoCitiesMissing, match=r"No cities for FR, ES, IT, DE, CN: run `comptoir load_cities FR ES IT DE CN` first"):
        demo_seed(scale="small", load_cities=False)
    assert (City.objects.count(), Seller.objects.count(), Product.objects.count()) == (0, 0, 0)


def test_demo_stores_two_open_in_spain_one_planned_in_paris_with_consigned_shelves(small):
    from comptoir.inventory.models import OfferPoint
    from comptoir.stores.models import Consignment, StockCorrection, Store, StoreStaff

    stores = {s.slug: s for s in Store.objects.select_related("location", "partner")}
    assert {slug: (s.location.status, s.market.code, s.partner is not None) for slug, s in stores.items()} == {
        "madrid-malasana": ("open", "ES", False), "sevilla-centro": ("open", "ES", True), "paris-marais": ("planned", "FR", False),
    }
    received = Consignment.objects.filter(state="received")
    assert received.count() == 9
    assert {c.seller.country for c in received} == {"ES", "FR", "IT", "DE", "CN"}
    shelf_units = sum(StockLevel.objects.filter(location__kind="store").values_list("on_hand", flat=True))
    assert shelf_units == small.consigned_units == 165
    (short,) = StockCorrection.objects.filter(reason__endswith=": One unit damaged in transit")
    assert (short.store.slug, short.consignment_line.quantity - short.delta) == ("madrid-malasana", 1)
    assert StoreStaff.objects.filter(store__slug="madrid-malasana").count() == 2
    assert OfferPoint.objects.filter(location_kind="store").values("location_id").distinct().count() == 2
    roles = {u.username: u.role for u in small.users}
    assert roles["partner-sevilla@example.com"] == "store partner (Sevilla)"


def test_a_german_buyer_finds_the_demo_running_shoes_by_laufschuhe(small):
    from comptoir.catalog.search import search_product_ids

    found = search_product_ids("Laufschuhe", "de", limit=500)
    shoes = set(Product.objects.filter(category__slug="running-shoes").values_list("id", flat=True))
    assert shoes and set(found) == shoes
    title = ProductText.objects.filter(product_id=found[0], language="de").values_list("title", flat=True).get()
    assert "-Laufschuhe " in title
    assert search_product_ids("scarpe da trail", "it", limit=500)


def test_portuguese_and_dutch_titles_agree_and_find_the_demo_products(small):
    from comptoir.catalog.search import search_product_ids

    def texts(gtin):
        product = Product.objects.get(gtin=gtin)
        return product, {t.language: (t.title, t.description) for t in product.texts.all()}

    # the first Stridea item (seed 42): men's trail running shoes, white; the adjective agrees in Portuguese (fp)
    shoe, shoe_texts = texts("03009010000014")
    assert shoe_texts["en"][0] == "Stridea Men's Trail Running Shoes, EU 42, White"
    assert shoe_texts["pt"][0] == "Sapatilhas de trail para homem Stridea – EU 42, brancas"
    assert shoe_texts["nl"][0] == "Trailschoenen voor heren Stridea – EU 42, wit"
    assert shoe_texts["pt"][1].startswith("Sapatilhas de trail para homem. ") and shoe_texts["pt"][1].endswith(
        " Marca: Stridea. Cor: branco. Tamanho: EU 42.")
    assert shoe_texts["nl"][1].startswith("Trailschoenen voor heren. ") and shoe_texts["nl"][1].endswith(
        " Merk: Stridea. Kleur: wit. Maat: EU 42.")
    assert {k: (v["pt"], v["nl"]) for k, v in shoe.attributes.items()} == {
        "type": ("Sapatilhas de trail", "Trailschoenen"), "variant": ("Para homem", "Voor heren"),
        "size": ("EU 42", "EU 42"), "colour": ("Branco", "Wit"),
    }
    # a feminine noun in Portuguese; a Dutch material adjective before the noun
    pot, pot_texts = texts("03009000000048")
    assert (pot_texts["pt"][0], pot_texts["nl"][0]) == ("Panela em cobre Cuisor – 32 cm, preta", "Koperen kookpan Cuisor – 32 cm, zwart")

    shoes = set(Product.objects.filter(category__slug="running-shoes").values_list("id", flat=True))
    assert len(shoes) == 26
    # every running shoe, by the category's word and the products' own ("sapatilhas de corrida", "hardloopschoenen")
    assert set(search_product_ids("sapatilhas", "pt", limit=500)) == shoes
    assert set(search_product_ids("hardloopschoenen", "nl", limit=500)) == shoes
    trail_pt = search_product_ids("sapatilhas de trail", "pt", limit=500)
    trail_nl = search_product_ids("trailschoenen", "nl", limit=500)
    assert shoe.pk in trail_pt and set(trail_pt) == set(trail_nl) < shoes
    # the Portuguese plural, a Dutch inflected adjective; not a Dutch plural that doubles its consonant
    # ("kookpannen"): PostgreSQL's older Dutch stemmer keeps "kookpann"
    assert pot.pk in search_product_ids("panelas de cobre", "pt") and pot.pk in search_product_ids("koperen kookpan", "nl")
    assert search_product_ids("koekenpan", "pt") == [] and search_product_ids("frigideira", "nl") == []


@pytest.mark.parametrize(("accept", "query", "title", "variant"), [
    ("pt-PT,pt;q=0.9", "sapatilhas de trail", "Sapatilhas de trail para homem Stridea – EU 42, brancas", "Para homem"),
    ("nl-NL,nl;q=0.9", "trailschoenen", "Trailschoenen voor heren Stridea – EU 42, wit", "Voor heren"),
])
def test_the_search_and_product_pages_of_the_portuguese_and_dutch_markets_show_the_demo_texts(small, client, accept, query, title, variant):
    cities_load(countries=["PT", "NL"], min_population=15000)
    shoe = Product.objects.get(gtin="03009010000014")
    page = client.get("/search", {"q": query}, headers={"accept-language": accept})
    assert page.status_code == 200
    request = page.wsgi_request
    assert (request.market.code, request.LANGUAGE_CODE) == (accept[3:5], accept[:2])
    assert title in page.text
    product_page = client.get(f"/p/{shoe.pk}/", headers={"accept-language": accept}).text
    assert title in product_page and f">{variant}<" in product_page  # the variant attribute in the buyer's language


# --- the online and click & collect history -------------------------------------------------

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # a Saturday morning: both stores open


@pytest.fixture
def history(places, media):
    """The small demo seeded as on the morning of NOW (the clock moves on from there)."""
    with time_machine.travel(NOW, tick=True):
        return demo_seed(scale="small", seed=42)


def test_twelve_weeks_of_online_orders_home_delivery_and_click_and_collect_at_both_open_stores(history):
    from comptoir.orders.models import Order, Pickup, SellerOrder

    assert (history.online_orders, history.collect_orders) == EXPECTED_ONLINE
    parts = SellerOrder.objects.select_related("order", "seller")
    weeks = Counter(min((NOW - p.order.created_at).days // 7, 99) for p in parts)
    assert sorted(weeks) == list(range(12)) and min(weeks.values()) >= 2  # every one of the 12 weeks ending today
    assert not parts.filter(order__created_at__gt=NOW + dt.timedelta(minutes=5)).exists()
    by_method = Counter(parts.values_list("delivery_method", flat=True))
    assert set(by_method) == {"standard", "pickup_shelf", "pickup_shipped"} and by_method["standard"] > by_method["pickup_shelf"]
    # click & collect at both open Spanish stores, both from the shelf and shipped there
    collect = Counter(Pickup.objects.values_list("location__store__slug", "seller_order__delivery_method"))
    assert {key for key, n in collect.items() if n} == {(slug, m) for slug in ("madrid-malasana", "sevilla-centro")
                                                         for m in ("pickup_shelf", "pickup_shipped")}
    # sellers of every country, foreign ones included; buyers in four markets
    assert set(parts.values_list("seller__country", flat=True)) == {"ES", "FR", "IT", "DE", "CN"}
    assert set(Order.objects.values_list("market__code", flat=True)) == {"ES", "FR", "IT", "DE"}


def test_the_history_has_realistic_states_and_recent_orders_waiting_for_sellers_and_stores(history):
    from comptoir.orders.models import Pickup, SellerOrder
    from comptoir.orders.selectors import seller_orders_waiting
    from comptoir.stores.models import Store
    from comptoir.stores.selectors import shelf_pickups_ready_due

    states = Counter(SellerOrder.objects.values_list("state", flat=True))
    assert {"delivered", "cancelled", "refunded", "placed", "shipped"} <= set(states)
    assert states["delivered"] > sum(states.values()) / 2
    pickups = Counter(Pickup.objects.values_list("state", flat=True))
    assert {"handed_over", "expired", "to_prepare"} <= set(pickups)
    # every demo seller log-in has an order to accept; each open store has shelf pickups to prepare, one late
    for username in ("seller-fr@example.com", "seller-es@example.com", "seller-it@example.com", "seller-de@example.com", "seller-cn@example.com"):
        seller = SellerMember.objects.get(user__username=username).seller
        assert seller_orders_waiting(seller_id=seller.pk)["placed"] >= 1, username
    for store in Store.objects.filter(location__status="open").select_related("location"):
        to_prepare = list(Pickup.objects.filter(location_id=store.location_id, state="to_prepare").select_related("seller_order__order"))
        due = shelf_pickups_ready_due(store=store, pickups=to_prepare)
        late = [pk for pk, at in due.items() if at < NOW]
        assert len(late) >= 1 and len(due) > len(late), store.slug
    # the units sold went back on the shelves (earlier deliveries sold): the shelves keep their look
    assert sum(StockLevel.objects.filter(location__kind="store").values_list("on_hand", flat=True)) == 165


def test_every_journal_entry_of_the_history_is_balanced_and_payouts_run_on_it(history):
    from django.db.models import Sum

    from comptoir.ledger.models import EntryKind, JournalEntry, JournalLine

    kinds = Counter(JournalEntry.objects.values_list("kind", flat=True))
    assert {EntryKind.CAPTURE, EntryKind.PAYMENT_CAPTURE, EntryKind.REFUND, EntryKind.CANCELLATION, EntryKind.POS_SALE} <= set(kinds)
    sums = JournalLine.objects.values("entry_id", "currency").annotate(total=Sum("amount"))
    assert len(sums) >= sum(kinds.values()) and [s for s in sums if s["total"] != 0] == []
    out = io.StringIO()
    call_command("payouts_run", "--dry-run", stdout=out)
    assert "(demo)" in out.getvalue()


def test_analytics_and_the_seller_dashboard_show_the_history(history, client):
    from comptoir.ledger.selectors import seller_balances
    from comptoir.orders.selectors import seller_sales_by_day
    from comptoir.planning.analytics import collect_by_store, market_weekly_stats

    spain = [w for w in market_weekly_stats(market_code="ES")]
    assert sum(w.gmv_delivery > 0 for w in spain) >= 10 and sum(w.gmv_collect > 0 for w in spain) >= 10
    collect = collect_by_store(market_code="ES")
    assert {c.store_name for c in collect} == {"Comptoir Madrid Malasaña", "Comptoir Sevilla Centro"}
    assert len({c.week for c in collect}) >= 10
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get("/operator/analytics/?market=ES").content.decode()
    assert "Comptoir Madrid Malasaña" in page and "Comptoir Sevilla Centro" in page
    seller = SellerMember.objects.get(user__username="seller-es@example.com").seller
    with time_machine.travel(NOW, tick=True):
        days = seller_sales_by_day(seller_id=seller.pk, since=NOW.date() - dt.timedelta(days=30))
    assert len(days) >= 3 and sum(d.gross for d in days) > 0
    assert seller_balances(seller_id=seller.pk)["EUR"] > 0
