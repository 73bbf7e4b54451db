from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from comptoir.inventory.promise import DeliveryPromise
from comptoir.inventory.ranking import RankedOffer, is_local, rank_offers


def offer(offer_id, *, latest, distance, gross, seller_id):
    return RankedOffer(
        offer_id=offer_id, seller_id=seller_id, seller_name=f"s{seller_id}", seller_country="FR", condition="new",
        net_price=gross, gross_price=gross, vat_rate_bp=0, currency="EUR", location_id=offer_id,
        location_name="", city_name="", ship_country="FR", distance_km=distance,
        promise=DeliveryPromise(latest, latest, 1, 1), available=1, is_local=False,
    )


def test_rule_order_latest_then_distance_then_price_then_seller():
    d1, d2 = date(2026, 3, 4), date(2026, 3, 5)
    offers = [
        offer(1, latest=d2, distance=1.0, gross=100, seller_id=1),  # later date: after all d1 offers
        offer(2, latest=d1, distance=30.0, gross=100, seller_id=2),
        offer(3, latest=d1, distance=10.0, gross=900, seller_id=3),  # nearer beats cheaper
        offer(4, latest=d1, distance=30.0, gross=90, seller_id=4),  # same distance: cheaper first
        offer(5, latest=d1, distance=30.0, gross=100, seller_id=1),  # same price: lower seller id
        offer(6, latest=d1, distance=None, gross=1, seller_id=1),  # unknown distance after known ones
    ]
    assert [o.offer_id for o in rank_offers(offers)] == [3, 4, 5, 2, 6, 1]


def test_is_local_needs_same_country_and_50_km():
    assert is_local("FR", "FR", 50.0) is True
    assert is_local("FR", "FR", 50.1) is False
    assert is_local("ES", "FR", 3.0) is False
    assert is_local("FR", None, None) is False


@given(st.lists(st.tuples(st.integers(0, 20), st.one_of(st.none(), st.floats(0, 5000)), st.integers(1, 10**6),
                          st.integers(1, 50)), max_size=30))
def test_ranking_is_a_total_order_independent_of_input_order(rows):
    offers = [offer(i, latest=date(2026, 3, 2 + r[0]), distance=r[1], gross=r[2], seller_id=r[3]) for i, r in enumerate(rows)]
    ranked = rank_offers(offers)
    assert rank_offers(list(reversed(offers))) == ranked
    for a, b in zip(ranked, ranked[1:]):
        assert a.promise.latest <= b.promise.latest
        if a.promise.latest == b.promise.latest and a.distance_km is not None and b.distance_km is not None:
            assert a.distance_km <= b.distance_km
