from datetime import date

import pytest

from comptoir.inventory.promise import (
    DEFAULT_POLICY, DOMESTIC, EU_CROSS_BORDER, NON_EU, DeliveryPromise, PromisePolicy, add_business_days,
    business_days_between, promise,
)

MON, FRI, SAT, SUN = date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8)


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (MON, 0, MON), (MON, 1, date(2026, 3, 3)), (MON, 4, FRI), (MON, 5, date(2026, 3, 9)),
        (FRI, 1, date(2026, 3, 9)), (SAT, 1, date(2026, 3, 9)), (SUN, 1, date(2026, 3, 9)),
        (SAT, 5, date(2026, 3, 13)), (FRI, 10, date(2026, 3, 20)), (SAT, 0, SAT),
    ],
)
def test_add_business_days_skips_weekends(start, days, expected):
    assert add_business_days(start, days) == expected


@pytest.mark.parametrize("start", [date(2026, 3, d) for d in range(2, 9)])
def test_business_days_between_is_the_inverse_of_add(start):
    for span in range(0, 30):
        end = date.fromordinal(start.toordinal() + span)
        n = business_days_between(start, end)
        assert add_business_days(start, n) <= end < add_business_days(start, n + 1)


def test_domestic_local_on_monday():
    assert promise("FR", "FR", 12.0, 1, MON) == DeliveryPromise(date(2026, 3, 4), date(2026, 3, 4), 2, 2)


def test_domestic_local_on_friday_crosses_the_weekend():
    assert promise("FR", "FR", 12.0, 1, FRI) == DeliveryPromise(date(2026, 3, 10), date(2026, 3, 10), 4, 4)


def test_ordered_on_saturday():
    # 0 handling + 1..2 days (domestic 50–300 km): Monday at the earliest, Tuesday at the latest
    assert promise("FR", "FR", 120.0, 0, SAT) == DeliveryPromise(date(2026, 3, 9), date(2026, 3, 10), 2, 3)


def test_eu_cross_border_bands():
    assert promise("ES", "FR", 30.0, 1, MON) == DeliveryPromise(date(2026, 3, 4), date(2026, 3, 5), 2, 3)
    assert promise("ES", "FR", 999.9, 2, MON) == DeliveryPromise(date(2026, 3, 9), date(2026, 3, 11), 7, 9)
    assert promise("ES", "FR", 1000.0, 2, MON) == DeliveryPromise(date(2026, 3, 10), date(2026, 3, 12), 8, 10)


def test_from_china_is_non_eu_and_slowest():
    p = promise("CN", "FR", 9200.0, 1, MON)
    assert p == DeliveryPromise(date(2026, 3, 13), date(2026, 3, 24), 11, 22)


def test_non_eu_neighbour_is_non_eu():
    assert DEFAULT_POLICY.relation("CH", "FR") == NON_EU
    assert DEFAULT_POLICY.relation("DE", "FR") == EU_CROSS_BORDER
    assert DEFAULT_POLICY.relation("FR", "FR") == DOMESTIC


def test_unknown_distance_uses_the_last_band():
    assert promise("FR", "FR", None, 1, MON) == DeliveryPromise(date(2026, 3, 6), date(2026, 3, 9), 4, 7)


def test_band_edges():
    assert [DEFAULT_POLICY.band(d) for d in (0, 49.99, 50, 299.9, 300, 999.9, 1000, 5000)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_a_policy_is_a_replaceable_strategy():
    express = PromisePolicy(bands_km=(), transit={DOMESTIC: ((0, 0),), EU_CROSS_BORDER: ((1, 1),), NON_EU: ((5, 5),)})
    assert promise("FR", "FR", 500.0, 0, MON, policy=express) == DeliveryPromise(MON, MON, 0, 0)
