"""Working-time arithmetic.

`due(start, minutes)` is the moment `minutes` of working time after `start`: a start outside
working time starts the clock at the next opening, and a due time that lands exactly on a
closing time stays there. `elapsed(start, end)` is its inverse: the minutes of working time
between two moments. Both work on a `WorkingCalendar`, a plain value built from the database
rows (see selectors.calendar_load) so the arithmetic needs no queries and can be tested alone.
"""

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar
from lunardate import LunarDate

DAY_MINUTES = 24 * 60
SEARCH_DAYS = 3 * 366  # a calendar with no working time in three years is a mistake

Interval = tuple[int, int]  # minutes after local midnight, [start, end)


@functools.cache
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """China's public holidays by the law as revised in 2025 (全体公民放假的节日): New Year's
    Day; Spring Festival eve and the 1st-3rd days of the lunar year; Qingming; 1-2 May; Dragon
    Boat; Mid-Autumn; 1-3 October. The official arrangement around them (bridging days off and
    make-up working days) is announced yearly and entered by an administrator."""
    new_year = LunarDate(year, 1, 1).to_solar_date()
    # Qingming by the 寿星 formula for 2001-2099: [Y × 0.2422 + 4.81] − [Y / 4], in April.
    y = year % 100
    qingming = dt.date(year, 4, int(y * 0.2422 + 4.81) - y // 4)
    days = {
        dt.date(year, 1, 1),
        new_year - dt.timedelta(days=1),
        new_year,
        new_year + dt.timedelta(days=1),
        new_year + dt.timedelta(days=2),
        qingming,
        dt.date(year, 5, 1),
        dt.date(year, 5, 2),
        LunarDate(year, 5, 5).to_solar_date(),
        LunarDate(year, 8, 15).to_solar_date(),
        dt.date(year, 10, 1),
        dt.date(year, 10, 2),
        dt.date(year, 10, 3),
    }
    return frozenset(days)


def china_is_workday(day: dt.date) -> bool | None:
    """The official answer where the chinese-calendar package knows the year, else None."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    name: str
    zone: ZoneInfo
    always_open: bool = False
    weekly: dict[int, tuple[Interval, ...]] = field(default_factory=dict)
    days_off: frozenset[dt.date] = frozenset()
    days_on: frozenset[dt.date] = frozenset()
    china: bool = False

    # --- which days and hours are working time --------------------------------------

    @property
    def standard_day(self) -> tuple[Interval, ...]:
        """The hours of a make-up working day: those of the first weekday that has any."""
        for weekday in range(7):
            if self.weekly.get(weekday):
                return self.weekly[weekday]
        return ()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.days_off:
            return False
        if day in self.days_on:
            return True
        if self.china:
            official = china_is_workday(day)
            if official is not None:
                return official
            if day in statutory_holidays(day.year):
                return False
        return bool(self.weekly.get(day.weekday()))

    def intervals(self, day: dt.date) -> tuple[Interval, ...]:
        if self.always_open:
            return ((0, DAY_MINUTES),)
        if not self.is_working_day(day):
            return ()
        return self.weekly.get(day.weekday()) or self.standard_day

    def _windows(
        self, start: dt.datetime, days: int = SEARCH_DAYS
    ) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Working windows as aware datetimes, in order, from the day `start` falls on."""
        day = start.astimezone(self.zone).date()
        for _ in range(days):
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.zone)
            for begin, end in self.intervals(day):
                yield (
                    _at(midnight, begin, self.zone),
                    _at(midnight, end, self.zone),
                )
            day += dt.timedelta(days=1)
        if days == SEARCH_DAYS:
            raise ValueError(f"Calendar {self.name} has no working time in {days} days.")

    # --- arithmetic ----------------------------------------------------------------

    def due(self, start: dt.datetime, minutes: float) -> dt.datetime:
        if minutes < 0:
            raise ValueError("A duration cannot be negative.")
        if self.always_open or minutes == 0:
            return start + dt.timedelta(minutes=minutes)
        remaining = dt.timedelta(minutes=minutes)
        for begin, end in self._windows(start):
            if end <= start:
                continue
            begin = max(begin, start)
            available = end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> float:
        """Minutes of working time from `start` to `end` (0 when end is not after start)."""
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds() / 60
        total = dt.timedelta()
        for begin, close in self._windows(start, days=(end - start).days + 2):
            if begin >= end:
                break
            if close <= start:
                continue
            total += min(close, end) - max(begin, start)
        return total.total_seconds() / 60


def _at(midnight: dt.datetime, minute: int, zone: ZoneInfo) -> dt.datetime:
    """The wall-clock minute of the day, including 24:00 as the next midnight."""
    local = midnight.replace(tzinfo=None) + dt.timedelta(minutes=minute)
    return local.replace(tzinfo=zone)


def parse_duration(text: str) -> int:
    """`4h`, `30m`, `1h30m`, `2d` (days of 24 h of calendar time: the calendar decides what
    counts) into minutes."""
    match = re.fullmatch(r"\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*", text or "")
    if not match or not any(match.groups()):
        raise ValueError(text)
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return days * DAY_MINUTES + hours * 60 + minutes
