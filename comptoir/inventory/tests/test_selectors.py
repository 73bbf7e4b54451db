from datetime import date

import pytest

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.inventory.promise import DeliveryPromise
from comptoir.inventory.selectors import MissingVatRate, offers_for_product
from comptoir.markets.models import VatRate
from comptoir.sellers.models import SellerStatus

pytestmark = pytest.mark.django_db

MON = date(2026, 3, 2)


@pytest.fixture
def case():
    fr = make_market("FR")
    lyon = make_city("Lyon", 45.7578, 4.8320)
    villeurbanne = make_city("Villeurbanne", 45.7719, 4.8902)
    paris = make_city("Paris", 48.8566, 2.3522)
    madrid = make_city("Madrid", 40.4168, -3.7038, country="ES")
    kettle = make_product(category=make_category("kitchen"), texts={"en": ("Kettle", "")})

    near_slow = make_seller("Near but slow", city=villeurbanne)  # 4.8 km, 2 handling days
    far_fast = make_seller("Paris", city=paris)  # 392 km, 1 handling day
    lyon_c = make_seller("Lyon C", city=lyon)
    lyon_e = make_seller("Lyon E", city=lyon)
    lyon_cheap = make_seller("Lyon cheap", city=lyon)
    madrid_s = make_seller("Madrid", country="ES", city=madrid)
    pending = make_seller("Pending", city=lyon, status=SellerStatus.PENDING)

    a = make_offer(near_slow, kettle, make_location(near_slow, villeurbanne), net_price=1000, stock=2, handling_days=2)
    make_offer_stock = a.stock_levels.create  # a second location for A: Paris, 5 units
    make_offer_stock(location=make_location(near_slow, paris, name="Paris depot"), on_hand=5, held=0)
    b = make_offer(far_fast, kettle, make_location(far_fast, paris), net_price=900, stock=1, handling_days=1)
    c = make_offer(lyon_c, kettle, make_location(lyon_c, lyon), net_price=1500, stock=1, handling_days=1)
    e = make_offer(lyon_e, kettle, make_location(lyon_e, lyon), net_price=1500, stock=1, handling_days=1)
    f = make_offer(lyon_cheap, kettle, make_location(lyon_cheap, lyon), net_price=1400, stock=1, handling_days=1)
    d = make_offer(madrid_s, kettle, make_location(madrid_s, madrid), net_price=500, stock=8, handling_days=0)
    # never shown: pending seller, all units held, inactive, another currency
    make_offer(pending, kettle, make_location(pending, lyon), net_price=10, stock=5)
    make_offer(lyon_c, kettle, lyon_c.locations.first(), net_price=10, stock=2, held=2, condition="used")
    make_offer(lyon_e, kettle, lyon_e.locations.first(), net_price=10, stock=2, is_active=False, condition="used")
    make_offer(lyon_cheap, kettle, lyon_cheap.locations.first(), net_price=10, stock=2, currency="GBP", condition="used")
    return {"fr": fr, "lyon": lyon, "kettle": kettle, "a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def test_exact_ranking_for_a_buyer_in_lyon(case):
    ranked = offers_for_product(product=case["kettle"], market=case["fr"], buyer_city=case["lyon"], today=MON)
    # F, C, E: Wednesday–Thursday, 0 km; F is cheaper; C and E tie on price -> lower seller id (C).
    # A (near, 2 handling days + 1–2) and B (far, 1 day + 2–3) both promise Friday: A is nearer.
    # D (Madrid, 911.9 km, EU cross-border < 1000 km: 3–5 days, no handling): Thursday–Monday 9th.
    assert [o.offer_id for o in ranked] == [case[k].pk for k in "fceabd"]
    by_id = {o.offer_id: o for o in ranked}
    f, a, b, d = (by_id[case[k].pk] for k in "fabd")
    assert (f.gross_price, f.net_price, f.vat_rate_bp, f.currency) == (1680, 1400, 2000, "EUR")
    assert f.promise == DeliveryPromise(date(2026, 3, 4), date(2026, 3, 5), 2, 3)
    assert (f.distance_km, f.is_local, f.in_store) == (0.0, True, False)
    assert (a.distance_km, a.location_name, a.city_name, a.available, a.is_local) == (4.8, "Villeurbanne warehouse", "Villeurbanne", 7, True)
    assert a.promise.latest == b.promise.latest == date(2026, 3, 6)
    assert (b.distance_km, b.is_local) == (392.0, False)
    assert (d.seller_country, d.ship_country, d.is_local, d.distance_km) == ("ES", "ES", False, 911.9)
    assert d.promise == DeliveryPromise(date(2026, 3, 5), date(2026, 3, 9), 3, 7)


def test_without_a_city_distance_is_unknown_and_price_decides_ties(case):
    ranked = offers_for_product(product=case["kettle"], market=case["fr"], buyer_city=None, today=MON)
    # all domestic offers fall in the last band (3–4 days): B, C, E, F = 1 + 4 -> Monday 9th,
    # D (ES, EU 4–6) = 0 + 6 and A = 2 + 4 -> Tuesday 10th, D is cheaper.
    assert [o.offer_id for o in ranked] == [case[k].pk for k in "bfced" + "a"]
    assert {o.distance_km for o in ranked} == {None}
    assert not any(o.is_local for o in ranked)


def test_newest_valid_vat_rate_applies(case):
    VatRate.objects.create(market=case["fr"], tax_class="standard", rate_bp=2100, valid_from=date(2026, 3, 3))
    before = offers_for_product(product=case["kettle"], market=case["fr"], buyer_city=case["lyon"], today=MON)
    after = offers_for_product(product=case["kettle"], market=case["fr"], buyer_city=case["lyon"], today=date(2026, 3, 3))
    assert before[0].gross_price == 1680
    assert (after[0].gross_price, after[0].vat_rate_bp) == (1694, 2100)


def test_missing_vat_rate_is_a_specific_error(case):
    VatRate.objects.filter(market=case["fr"]).delete()
    with pytest.raises(MissingVatRate) as exc:
        offers_for_product(product=case["kettle"], market=case["fr"], buyer_city=None, today=MON)
    assert exc.value.code == "vat_rate_missing"


def test_query_count_is_constant_whatever_the_number_of_offers(case, django_assert_num_queries):
    with django_assert_num_queries(2):
        few = offers_for_product(product=case["kettle"], market=case["fr"], buyer_city=case["lyon"], today=MON)
    lyon = case["lyon"]
    for i in range(30):
        s = make_seller(f"Extra {i}", city=lyon)
        make_offer(s, case["kettle"], make_location(s, lyon), net_price=2000 + i, stock=1)
    with django_assert_num_queries(2):
        many = offers_for_product(product=case["kettle"], market=case["fr"], buyer_city=case["lyon"], today=MON)
    assert (len(few), len(many)) == (6, 36)
