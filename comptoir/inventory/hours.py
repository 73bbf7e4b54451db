"""Opening hours of a location as a pure calendar: is it open, today's hours, and when a task
that needs N minutes of opening time (a click & collect order prepared from the shelf: 120)
is done. No ORM here: ``OpeningCalendar.from_location`` reads the rows once.

Times are the location's local wall-clock times (its IANA time zone); instants given to and
returned by the calendar are aware datetimes. A weekday may have several intervals (closed at
lunch); a closed day (holiday, works) has none whatever its weekday.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

MAX_DAYS_AHEAD = 60  # a calendar with no opening in 60 days is treated as never open


class NeverOpen(ValueError):
    """The location has no opening time within MAX_DAYS_AHEAD days."""


@dataclass(frozen=True, slots=True)
class OpeningCalendar:
    time_zone: str
    weekly: tuple[tuple[tuple[dt.time, dt.time], ...], ...]  # 7 entries, Monday first
    closed: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def from_rows(cls, time_zone: str, hours: list[tuple[int, dt.time, dt.time]], closed=()) -> OpeningCalendar:
        """hours: (weekday 0–6, opens, closes) rows; closed: dates."""
        weekly: list[list[tuple[dt.time, dt.time]]] = [[] for _ in range(7)]
        for weekday, opens, closes in hours:
            if not (0 <= weekday <= 6 and opens < closes):
                raise ValueError(f"bad opening interval {weekday} {opens}–{closes}")
            weekly[weekday].append((opens, closes))
        return cls(time_zone, tuple(tuple(sorted(day)) for day in weekly), frozenset(closed))

    @classmethod
    def from_location(cls, location) -> OpeningCalendar:
        """Two queries: the location's weekly hours and its closed days from today on."""
        today = dt.datetime.now(ZoneInfo(location.time_zone)).date()
        hours = list(location.opening_hours.values_list("weekday", "opens", "closes"))
        closed = location.closed_days.filter(date__gte=today).values_list("date", flat=True)
        return cls.from_rows(location.time_zone, hours, closed)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def intervals_on(self, day: dt.date) -> tuple[tuple[dt.time, dt.time], ...]:
        """The day's opening intervals, local time (none on a closed day)."""
        return () if day in self.closed else self.weekly[day.weekday()]

    def is_open(self, at: dt.datetime) -> bool:
        local = at.astimezone(self.zone)
        return any(o <= local.time() < c for o, c in self.intervals_on(local.date()))

    def ready_at(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The instant at which `minutes` of opening time have passed since `start` (a task
        begun while closed starts at the next opening). Raises NeverOpen."""
        if minutes < 0:
            raise ValueError("minutes must be ≥ 0")
        zone = self.zone
        local = start.astimezone(zone)
        left = dt.timedelta(minutes=minutes)
        for offset in range(MAX_DAYS_AHEAD + 1):
            day = local.date() + dt.timedelta(days=offset)
            for opens, closes in self.intervals_on(day):
                begin = dt.datetime.combine(day, opens, zone)
                end = dt.datetime.combine(day, closes, zone)
                begin = max(begin, local)
                if begin >= end:
                    continue
                if begin + left <= end:
                    return (begin + left).astimezone(start.tzinfo or zone)
                left -= end - begin
        raise NeverOpen(f"no opening time within {MAX_DAYS_AHEAD} days")

    def next_open_day(self, day: dt.date) -> dt.date:
        """The first date ≥ `day` with opening hours. Raises NeverOpen."""
        for offset in range(MAX_DAYS_AHEAD + 1):
            candidate = day + dt.timedelta(days=offset)
            if self.intervals_on(candidate):
                return candidate
        raise NeverOpen(f"no opening day within {MAX_DAYS_AHEAD} days")
