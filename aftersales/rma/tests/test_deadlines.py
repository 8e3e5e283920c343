"""The spare-parts desk's deadlines as pure functions of the desk's calendar (Monday-Friday
09:00-17:00, China's holidays off, make-up working days on): no database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.rma import deadlines
from aftersales.sla.calendars import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE_TO_FIVE = ((9 * 60, 17 * 60),)
DESK = WorkingCalendar(
    name="5x8-cn", zone=SHANGHAI, weekly={d: NINE_TO_FIVE for d in range(5)}, china=True
)


def at(text: str) -> dt.datetime:
    """A Shanghai wall-clock time, e.g. "2026-09-30 15:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("confirmed", "due"),
    [
        # Before 14:00 on a working day: 17:00 that day.
        ("2026-03-04 09:30", "2026-03-04 17:00"),  # Wednesday
        ("2026-03-04 13:59", "2026-03-04 17:00"),
        ("2026-03-04 07:00", "2026-03-04 17:00"),  # before the desk opens
        # From 14:00 on: 12:00 the next working day.
        ("2026-03-04 14:00", "2026-03-05 12:00"),
        ("2026-03-04 16:59", "2026-03-05 12:00"),
        ("2026-03-04 18:30", "2026-03-05 12:00"),  # after the desk closed
        # Fridays: before 14:00 the same day; later on Monday.
        ("2026-03-06 11:00", "2026-03-06 17:00"),
        ("2026-03-06 15:00", "2026-03-09 12:00"),
        # A weekend: 12:00 on Monday, whatever the hour.
        ("2026-03-07 10:00", "2026-03-09 12:00"),
        ("2026-03-08 23:00", "2026-03-09 12:00"),
        # National Day: confirmed on the eve after 14:00, shipped after the week off.
        ("2026-09-30 15:00", "2026-10-08 12:00"),
        ("2026-09-30 13:00", "2026-09-30 17:00"),
        ("2026-10-03 10:00", "2026-10-08 12:00"),  # a holiday
        # A make-up working day (调休) on a Saturday counts as a working day.
        ("2026-10-10 10:00", "2026-10-10 17:00"),
        ("2026-10-10 15:00", "2026-10-12 12:00"),
        ("2026-09-20 09:00", "2026-09-20 17:00"),  # a Sunday made a working day
    ],
)
def test_shipping_deadline(confirmed, due):
    assert deadlines.ship_due(at(confirmed), DESK) == at(due)


def test_shipping_deadline_reads_the_desks_time_zone():
    # 05:59 UTC is 13:59 in Shanghai; 06:00 UTC is 14:00.
    assert deadlines.ship_due(dt.datetime(2026, 3, 4, 5, 59, tzinfo=dt.UTC), DESK) == at(
        "2026-03-04 17:00"
    )
    assert deadlines.ship_due(dt.datetime(2026, 3, 4, 6, 0, tzinfo=dt.UTC), DESK) == at(
        "2026-03-05 12:00"
    )


def test_a_day_off_entered_by_an_administrator_is_respected():
    desk = WorkingCalendar(
        name="desk",
        zone=SHANGHAI,
        weekly={d: NINE_TO_FIVE for d in range(5)},
        days_off=frozenset({dt.date(2026, 3, 5)}),
    )
    assert deadlines.ship_due(at("2026-03-04 15:00"), desk) == at("2026-03-06 12:00")


@pytest.mark.parametrize(
    ("shipped", "due", "reminder"),
    [
        # Shipped Wednesday 4 March: ten working days later is Wednesday 18 March, 17:00;
        # reminded the morning of Tuesday 17 March.
        ("2026-03-04 16:00", "2026-03-18 17:00", "2026-03-17 09:00"),
        # Shipped before National Day: the week off does not count, the make-up Saturday
        # (10 October) does.
        ("2026-09-29 10:00", "2026-10-19 17:00", "2026-10-16 09:00"),
    ],
)
def test_the_faulty_part_is_due_back_within_ten_working_days(shipped, due, reminder):
    assert deadlines.return_due(at(shipped), DESK) == at(due)
    assert deadlines.return_reminder(at(shipped), DESK) == at(reminder)


def test_an_overdue_return_is_chased_every_two_working_days():
    assert deadlines.chase_after(at("2026-03-18 17:01"), DESK) == at("2026-03-20 09:00")
    assert deadlines.chase_after(at("2026-03-20 09:00"), DESK) == at("2026-03-24 09:00")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 72 working hours = 9 desk days of 8 hours.
        ("2026-03-02 09:00", "2026-03-12 17:00"),  # Monday morning → Thursday next week
        ("2026-03-04 15:00", "2026-03-17 15:00"),
        ("2026-03-07 10:00", "2026-03-19 17:00"),  # received on a Saturday: from Monday 09:00
        ("2026-09-30 16:00", "2026-10-19 16:00"),  # National Day in between
    ],
)
def test_exchange_repair_is_due_72_working_hours_after_receipt(received, due):
    assert deadlines.repair_due(at(received), DESK) == at(due)


def test_a_loaner_is_reminded_the_working_morning_before_its_due_day():
    assert deadlines.loan_reminder(at("2026-03-02 10:00"), at("2026-03-09 17:00"), DESK) == at(
        "2026-03-06 09:00"
    )
    # Lent the day before it is due: no earlier reminder than the due time itself.
    assert deadlines.loan_reminder(at("2026-03-05 10:00"), at("2026-03-06 12:00"), DESK) == at(
        "2026-03-06 12:00"
    )


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
        lambda d: d.replace(tzinfo=SHANGHAI)
    )
)
def test_the_shipping_deadline_is_always_a_working_moment_after_confirmation(confirmed):
    due = deadlines.ship_due(confirmed, DESK)
    assert due > confirmed
    assert DESK.is_working_day(due.date())
    assert due.time() in (dt.time(12), dt.time(17))
    # Never more than one working day of desk time away.
    assert DESK.elapsed(confirmed, due) <= 8 * 60
