"""Working-time arithmetic: examples from the contracts, and properties proved by hypothesis."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aftersales.sla.calendars import WorkingCalendar, parse_duration, statutory_holidays

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE_TO_FIVE = ((9 * 60, 17 * 60),)

ALWAYS = WorkingCalendar(name="24x7", zone=SHANGHAI, always_open=True)
EVERY_DAY = WorkingCalendar(name="7x8", zone=SHANGHAI, weekly={d: NINE_TO_FIVE for d in range(7)})
WEEKDAYS = WorkingCalendar(name="5x8", zone=SHANGHAI, weekly={d: NINE_TO_FIVE for d in range(5)})
CHINA = WorkingCalendar(
    name="5x8-cn", zone=SHANGHAI, weekly={d: NINE_TO_FIVE for d in range(5)}, china=True
)
SPLIT = WorkingCalendar(
    name="split",
    zone=SHANGHAI,
    weekly={d: ((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 18 * 60)) for d in range(6)},
    days_off=frozenset({dt.date(2026, 12, 24)}),
    days_on=frozenset({dt.date(2026, 12, 27)}),
)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_the_issues_example_national_day():
    # Reported Wednesday 30 September 2026 16:00 with 4 working hours: one hour that day,
    # 1-7 October off, three hours on the 8th.
    assert CHINA.due(at(2026, 9, 30, 16), 240) == at(2026, 10, 8, 12)


def test_a_start_outside_working_time_waits_for_the_opening():
    assert WEEKDAYS.due(at(2026, 11, 21, 10), 30) == at(2026, 11, 23, 9, 30)  # Saturday
    assert WEEKDAYS.due(at(2026, 11, 23, 7, 45), 60) == at(2026, 11, 23, 10)
    assert WEEKDAYS.due(at(2026, 11, 23, 18), 60) == at(2026, 11, 24, 10)


def test_a_due_time_on_the_closing_time_stays_there():
    assert WEEKDAYS.due(at(2026, 11, 23, 9), 480) == at(2026, 11, 23, 17)
    assert WEEKDAYS.due(at(2026, 11, 23, 16), 60) == at(2026, 11, 23, 17)
    assert WEEKDAYS.due(at(2026, 11, 27, 16), 61) == at(2026, 11, 30, 9, 1)  # Friday → Monday


def test_several_intervals_a_day_and_the_administrators_days():
    assert SPLIT.due(at(2026, 12, 21, 11, 30), 60) == at(2026, 12, 21, 14)
    # Thursday 24 December entered as a day off; Sunday 27th as a working day.
    assert SPLIT.due(at(2026, 12, 23, 17, 30), 60) == at(2026, 12, 25, 9)
    assert SPLIT.due(at(2026, 12, 26, 17, 30), 60) == at(2026, 12, 27, 9)


def test_24x7_counts_every_minute():
    assert ALWAYS.due(at(2026, 10, 1, 23, 50), 30) == at(2026, 10, 2, 0, 20)
    assert ALWAYS.elapsed(at(2026, 10, 1), at(2026, 10, 2)) == 24 * 60


def test_elapsed_counts_only_working_time():
    assert WEEKDAYS.elapsed(at(2026, 11, 20, 16), at(2026, 11, 23, 10)) == 120
    assert CHINA.elapsed(at(2026, 9, 30, 16), at(2026, 10, 8, 12)) == 240
    assert WEEKDAYS.elapsed(at(2026, 11, 23, 12), at(2026, 11, 23, 11)) == 0


def test_statutory_holidays_where_the_package_has_no_data():
    # 2027: lunar new year on 6 February, so the eve is the 5th; Qingming on 5 April; Dragon
    # Boat 9 June; Mid-Autumn 15 September.
    days = statutory_holidays(2027)
    assert {
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 5),
        dt.date(2027, 2, 6),
        dt.date(2027, 2, 7),
        dt.date(2027, 2, 8),
        dt.date(2027, 4, 5),
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 2),
        dt.date(2027, 6, 9),
        dt.date(2027, 9, 15),
        dt.date(2027, 10, 1),
        dt.date(2027, 10, 2),
        dt.date(2027, 10, 3),
    } == days
    # Friday 5 February 2027 16:00: the four Spring Festival days are off; Tuesday 9th works.
    assert CHINA.due(at(2027, 2, 5, 16), 60) == at(2027, 2, 9, 10)


def test_the_administrators_arrangement_overrides_the_fallback():
    arranged = WorkingCalendar(
        name="cn-2027",
        zone=SHANGHAI,
        weekly={d: NINE_TO_FIVE for d in range(5)},
        china=True,
        days_off=frozenset({dt.date(2027, 2, 9), dt.date(2027, 2, 10)}),
        days_on=frozenset({dt.date(2027, 2, 20)}),  # a make-up Saturday
    )
    assert arranged.due(at(2027, 2, 5, 16), 60) == at(2027, 2, 11, 10)
    assert arranged.is_working_day(dt.date(2027, 2, 20))


@pytest.mark.parametrize(
    ("text", "minutes"), [("4h", 240), ("30m", 30), ("1h30m", 90), ("2d", 2880), ("0m", 0)]
)
def test_durations(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "4", "h", "4x", "-1h", "1.5h"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


# --- properties ---------------------------------------------------------------------------

CALENDARS = st.sampled_from([ALWAYS, EVERY_DAY, WEEKDAYS, CHINA, SPLIT])
MOMENTS = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(SHANGHAI),
).map(lambda m: m.replace(microsecond=0))
MINUTES = st.integers(min_value=0, max_value=6000)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(calendar=CALENDARS, start=MOMENTS, a=MINUTES, b=MINUTES)
def test_due_is_monotonic_in_the_duration(calendar, start, a, b):
    low, high = sorted((a, b))
    assert calendar.due(start, low) <= calendar.due(start, high)


@PROPERTY
@given(calendar=CALENDARS, first=MOMENTS, second=MOMENTS, minutes=MINUTES)
def test_due_is_monotonic_in_the_start(calendar, first, second, minutes):
    early, late = sorted((first, second))
    assert calendar.due(early, minutes) <= calendar.due(late, minutes)


@PROPERTY
@given(calendar=CALENDARS, start=MOMENTS, a=MINUTES, b=MINUTES)
def test_due_is_additive(calendar, start, a, b):
    assert calendar.due(calendar.due(start, a), b) == calendar.due(start, a + b)


@PROPERTY
@given(calendar=CALENDARS, start=MOMENTS, minutes=MINUTES)
def test_elapsed_undoes_due(calendar, start, minutes):
    assert calendar.elapsed(start, calendar.due(start, minutes)) == pytest.approx(minutes)


@PROPERTY
@given(calendar=CALENDARS, start=MOMENTS, end=MOMENTS)
def test_due_of_elapsed_never_passes_the_end(calendar, start, end):
    assume(end > start)
    worked = calendar.elapsed(start, end)
    assume(worked > 0)
    reached = calendar.due(start, worked)
    assert reached <= end
    # Nothing of working time lies between the reached moment and the end.
    assert calendar.elapsed(reached, end) == pytest.approx(0, abs=1e-6)
