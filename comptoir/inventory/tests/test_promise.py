from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.inventory.hours import OpeningCalendar
from comptoir.inventory.promise import (
    BANDS_KM, DEFAULT_POLICY, DOMESTIC, EU_CROSS_BORDER, LOCAL_KM, NON_EU, DeliveryMethod, DeliveryPromise,
    PromisePolicy, add_business_days, business_days_between, is_business_day, promise,
)
from comptoir.markets.vat_data import EU_MEMBER_STATES

MON, FRI, SAT, SUN = date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8)
EXPRESS, SHELF, SHIPPED = DeliveryMethod.EXPRESS, DeliveryMethod.PICKUP_SHELF, DeliveryMethod.PICKUP_SHIPPED
# A store open Tuesday to Saturday, 10:00–19:00, closed on 24 and 25 December 2026.
STORE = OpeningCalendar.from_rows(
    "Europe/Madrid", [(d, time(10), time(19)) for d in range(1, 6)], closed=[date(2026, 12, 24), date(2026, 12, 25)]
)
MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (MON, 0, MON), (MON, 1, date(2026, 3, 3)), (MON, 4, FRI), (MON, 5, date(2026, 3, 9)),
        (FRI, 1, date(2026, 3, 9)), (SAT, 1, date(2026, 3, 9)), (SUN, 1, date(2026, 3, 9)),
        (SAT, 5, date(2026, 3, 13)), (FRI, 10, date(2026, 3, 20)), (SAT, 0, SAT),
    ],
)
def test_add_business_days_skips_weekends(start, days, expected):
    assert add_business_days(start, days, "FR") == expected


@pytest.mark.parametrize(
    "country, start, days, expected",
    [
        ("FR", date(2026, 7, 13), 1, date(2026, 7, 15)),  # Tuesday 14 July, fête nationale
        ("ES", date(2026, 7, 13), 1, date(2026, 7, 14)),  # not a holiday in Spain
        ("ES", date(2026, 12, 23), 2, date(2026, 12, 28)),  # Christmas on Friday, then the weekend
        ("ES", date(2026, 12, 30), 2, date(2027, 1, 4)),  # New Year's Day (2027's calendar)
        ("ES", date(2027, 1, 5), 1, date(2027, 1, 7)),  # Epiphany, Wednesday 6 January
        ("DE", date(2026, 10, 2), 1, date(2026, 10, 5)),  # 3 October is a Saturday in 2026
        ("FR", date(2026, 5, 13), 1, date(2026, 5, 15)),  # Ascension, Thursday 14 May 2026
        ("CN", date(2026, 9, 30), 1, date(2026, 10, 8)),  # National Day week, for a Chinese destination
        ("XK", date(2026, 3, 2), 1, date(2026, 3, 3)),  # a country without a calendar: weekends only
    ],
)
def test_add_business_days_skips_the_destination_countrys_public_holidays(country, start, days, expected):
    assert add_business_days(start, days, country) == expected


def test_business_days_are_weekdays_that_are_not_national_holidays():
    assert [is_business_day(date(2026, 12, d), "ES") for d in (24, 25, 26, 28)] == [True, False, False, True]
    assert is_business_day(date(2026, 7, 14), "FR") is False and is_business_day(date(2026, 7, 14), "ES") is True


@pytest.mark.parametrize("start", [date(2026, 12, d) for d in range(20, 32)] + [date(2026, 7, d) for d in range(9, 16)])
@pytest.mark.parametrize("country", ["FR", "ES"])
def test_business_days_between_is_the_inverse_of_add(start, country):
    for span in range(0, 30):
        end = start + timedelta(days=span)
        n = business_days_between(start, end, country)
        assert add_business_days(start, n, country) <= end < add_business_days(start, n + 1, country)


def test_domestic_local_on_monday():
    assert promise("FR", "FR", 12.0, 1, MON) == DeliveryPromise(date(2026, 3, 4), date(2026, 3, 5), 2, 3)


def test_domestic_local_on_friday_crosses_the_weekend():
    assert promise("FR", "FR", 12.0, 1, FRI) == DeliveryPromise(date(2026, 3, 10), date(2026, 3, 11), 4, 5)


def test_ordered_on_saturday():
    # 0 handling + 1..2 days (domestic 50–300 km): Monday at the earliest, Tuesday at the latest
    assert promise("FR", "FR", 120.0, 0, SAT) == DeliveryPromise(date(2026, 3, 9), date(2026, 3, 10), 2, 3)


def test_eu_cross_border_bands_have_inclusive_upper_edges():
    assert promise("ES", "FR", 50.0, 1, MON) == DeliveryPromise(date(2026, 3, 4), date(2026, 3, 5), 2, 3)
    assert promise("ES", "FR", 1000.0, 2, MON) == DeliveryPromise(date(2026, 3, 9), date(2026, 3, 11), 7, 9)
    assert promise("ES", "FR", 1000.1, 2, MON) == DeliveryPromise(date(2026, 3, 10), date(2026, 3, 12), 8, 10)


def test_from_china_is_non_eu_and_slowest():
    assert promise("CN", "FR", 9200.0, 1, MON) == DeliveryPromise(date(2026, 3, 13), date(2026, 3, 24), 11, 22)


def test_from_china_to_spain_over_christmas_and_new_year():
    # 1 + 8 .. 1 + 15 business days from Wednesday 23 December, skipping 25 Dec, 1 and 6 Jan
    assert promise("CN", "ES", 10_000.0, 1, date(2026, 12, 23)) == DeliveryPromise(
        date(2027, 1, 8), date(2027, 1, 19), 16, 27
    )


def test_express_is_faster_and_has_its_own_table():
    assert promise("FR", "FR", 400.0, 1, MON) == DeliveryPromise(date(2026, 3, 5), date(2026, 3, 6), 3, 4)
    assert promise("FR", "FR", 400.0, 1, MON, method=EXPRESS) == DeliveryPromise(date(2026, 3, 4), date(2026, 3, 5), 2, 3)
    assert promise("CN", "FR", 9200.0, 1, MON, method=EXPRESS) == DeliveryPromise(date(2026, 3, 10), date(2026, 3, 13), 8, 11)


def test_non_eu_neighbour_is_non_eu():
    assert DEFAULT_POLICY.relation("CH", "FR") == NON_EU
    assert DEFAULT_POLICY.relation("DE", "FR") == EU_CROSS_BORDER
    assert DEFAULT_POLICY.relation("FR", "FR") == DOMESTIC


def test_one_eu_list_and_one_local_radius():
    assert DEFAULT_POLICY.eu_countries is EU_MEMBER_STATES
    assert BANDS_KM[0] == LOCAL_KM == 50.0
    assert DEFAULT_POLICY.is_local("FR", "FR", 50.0) and not DEFAULT_POLICY.is_local("FR", "FR", 50.01)


def test_unknown_distance_uses_the_last_band():
    assert promise("FR", "FR", None, 1, MON) == DeliveryPromise(date(2026, 3, 6), date(2026, 3, 9), 4, 7)


def test_band_edges():
    assert [DEFAULT_POLICY.band(d) for d in (0, 50, 50.01, 300, 300.1, 1000, 1000.1, 5000)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_a_policy_is_a_replaceable_strategy():
    table = {DOMESTIC: ((0, 0),), EU_CROSS_BORDER: ((1, 1),), NON_EU: ((5, 5),)}
    same_day = PromisePolicy(bands_km=(), transit={DeliveryMethod.STANDARD: table})
    assert promise("FR", "FR", 500.0, 0, MON, policy=same_day) == DeliveryPromise(MON, MON, 0, 0)


def test_pickup_from_the_shelf_is_ready_after_two_opening_hours_of_the_store():
    tuesday = date(2026, 3, 3)
    at = lambda d, h, m=0: datetime.combine(d, time(h, m), MADRID)  # noqa: E731
    # Tuesday 9:00 (before opening) -> ready at 12:00 the same day
    assert DEFAULT_POLICY.promise("FR", "FR", 0.0, 3, tuesday, method=SHELF, store_hours=STORE, now=at(tuesday, 9)) == (
        DeliveryPromise(tuesday, tuesday, 0, 0)
    )
    assert STORE.ready_at(at(tuesday, 9), 120) == at(tuesday, 12)
    # Saturday 18:30: half an hour on Saturday, the store is shut Sunday and Monday -> Tuesday 11:30
    assert STORE.ready_at(at(SAT, 18, 30), 120) == at(date(2026, 3, 10), 11, 30)
    assert DEFAULT_POLICY.promise("FR", "FR", 0.0, 0, SAT, method=SHELF, store_hours=STORE, now=at(SAT, 18, 30)) == (
        DeliveryPromise(date(2026, 3, 10), date(2026, 3, 10), 3, 3)
    )


def test_pickup_shipped_to_a_store_is_ready_the_first_day_it_opens_after_delivery():
    # Standard transit to the store, 1 + 1–2 days from Monday 7 Dec 2026 over the 8 December
    # holiday -> Thursday 10 to Friday 11, days the store opens.
    assert promise("ES", "ES", 10.0, 1, date(2026, 12, 7)) == DeliveryPromise(date(2026, 12, 10), date(2026, 12, 11), 3, 4)
    assert DEFAULT_POLICY.promise("ES", "ES", 10.0, 1, date(2026, 12, 7), method=SHIPPED, store_hours=STORE) == (
        DeliveryPromise(date(2026, 12, 10), date(2026, 12, 11), 3, 4)
    )
    # Delivered Thursday 24 December at the earliest (store closed on 24 and 25 -> Saturday 26),
    # Monday 28 at the latest (the store does not open on Mondays -> Tuesday 29)
    assert promise("ES", "ES", 10.0, 0, date(2026, 12, 23)) == DeliveryPromise(date(2026, 12, 24), date(2026, 12, 28), 1, 5)
    assert DEFAULT_POLICY.promise("ES", "ES", 10.0, 0, date(2026, 12, 23), method=SHIPPED, store_hours=STORE) == (
        DeliveryPromise(date(2026, 12, 26), date(2026, 12, 29), 3, 6)
    )


def test_pickup_methods_need_the_store_hours():
    with pytest.raises(ValueError):
        DEFAULT_POLICY.promise("FR", "FR", 0.0, 0, MON, method=SHELF)
    with pytest.raises(ValueError):
        DEFAULT_POLICY.promise("FR", "FR", 5.0, 0, MON, method=SHIPPED)


COUNTRIES = ("FR", "ES", "DE", "IT", "CN", "CH")
SHIPPED_METHODS = (DeliveryMethod.STANDARD, EXPRESS, SHIPPED)


@settings(max_examples=300, deadline=None)
@given(
    today=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    origin=st.sampled_from(COUNTRIES),
    destination=st.sampled_from(("FR", "ES", "DE", "IT")),
    near=st.floats(min_value=0, max_value=20_000, allow_nan=False),
    farther=st.floats(min_value=0, max_value=20_000, allow_nan=False),
    handling=st.integers(min_value=0, max_value=10),
    method=st.sampled_from((DeliveryMethod.STANDARD, EXPRESS)),
)
def test_promise_properties(today, origin, destination, near, farther, handling, method):
    near, farther = sorted((near, farther))
    a = promise(origin, destination, near, handling, today, method=method)
    b = promise(origin, destination, farther, handling, today, method=method)
    unknown = promise(origin, destination, None, handling, today, method=method)
    assert today < a.earliest <= a.latest
    assert a.earliest <= b.earliest <= unknown.earliest and a.latest <= b.latest <= unknown.latest  # monotone in band
    for day in (a.earliest, a.latest, b.earliest, b.latest):
        assert day.weekday() < 5 and is_business_day(day, destination)
    assert (a.days_min, a.days_max) == ((a.earliest - today).days, (a.latest - today).days)
    # the listing's deliver-by filter: the offer is in on its latest day, not the day before
    budget = handling + DEFAULT_POLICY.transit_days(DEFAULT_POLICY.relation(origin, destination), DEFAULT_POLICY.band(near), method)[1]
    assert budget <= business_days_between(today, a.latest, destination)
    assert budget > business_days_between(today, a.latest - timedelta(days=1), destination)
