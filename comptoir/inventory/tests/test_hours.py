"""The opening calendar: pure, exact instants in the store's own time zone."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.inventory.hours import NeverOpen, OpeningCalendar

MADRID = ZoneInfo("Europe/Madrid")
T = dt.time


def madrid_store(closed=()):
    # Mon–Fri 10:00–14:00 and 17:00–20:30; Saturday 10:00–14:00; Sunday closed.
    hours = [(d, T(10), T(14)) for d in range(6)] + [(d, T(17), T(20, 30)) for d in range(5)]
    return OpeningCalendar.from_rows("Europe/Madrid", hours, closed)


def at(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=MADRID)


def test_ready_within_two_opening_hours_inside_one_interval():
    assert madrid_store().ready_at(at(2026, 12, 1, 10, 30), 120) == at(2026, 12, 1, 12, 30)


def test_lunch_break_is_not_opening_time():
    # Tuesday 13:00: one hour before lunch, the second after reopening at 17:00.
    assert madrid_store().ready_at(at(2026, 12, 1, 13), 120) == at(2026, 12, 1, 18)


def test_an_order_placed_on_saturday_evening_is_ready_monday_at_noon():
    assert madrid_store().ready_at(at(2026, 12, 5, 19), 120) == at(2026, 12, 7, 12)


def test_closed_days_are_skipped():
    store = madrid_store(closed={dt.date(2026, 12, 8)})  # Inmaculada Concepción
    assert store.ready_at(at(2026, 12, 7, 20), 120) == at(2026, 12, 9, 11, 30)
    assert store.next_open_day(dt.date(2026, 12, 8)) == dt.date(2026, 12, 9)
    assert store.intervals_on(dt.date(2026, 12, 8)) == ()


def test_is_open_in_the_stores_time_zone():
    store = madrid_store()
    assert store.is_open(dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC))  # 10:30 in Madrid
    assert not store.is_open(dt.datetime(2026, 12, 1, 13, 30, tzinfo=dt.UTC))  # 14:30: lunch
    assert not store.is_open(at(2026, 12, 6, 11))  # Sunday


def test_a_store_with_no_hours_is_never_open():
    with pytest.raises(NeverOpen):
        OpeningCalendar.from_rows("Europe/Madrid", []).ready_at(at(2026, 12, 1, 10), 1)


def test_bad_intervals_are_refused():
    with pytest.raises(ValueError):
        OpeningCalendar.from_rows("Europe/Madrid", [(0, T(14), T(10))])
    with pytest.raises(ValueError):
        OpeningCalendar.from_rows("Europe/Madrid", [(7, T(10), T(14))])


@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    minutes=st.integers(min_value=1, max_value=2000),
)
def test_ready_at_is_later_and_inside_opening_time(start, minutes):
    store = madrid_store()
    start = start.replace(tzinfo=MADRID)
    ready = store.ready_at(start, minutes)
    assert ready >= start + dt.timedelta(minutes=minutes)
    # the work's last instant was opening time
    assert store.is_open(ready - dt.timedelta(microseconds=1))
