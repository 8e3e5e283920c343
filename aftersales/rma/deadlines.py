"""The spare-parts desk's deadlines, as pure functions of a moment and the desk's working
calendar (`sla.calendars.WorkingCalendar`; the desk uses the built-in `5x8-cn`: Monday to
Friday 09:00-17:00, China's public holidays off, make-up working days on). No queries here.

- Shipping a replacement (001 §2.5): a hardware fault confirmed on a working day before 14:00
  ships by 17:00 that day; confirmed later, or on a day off, by 12:00 the next working day.
- Returning the faulty part: by the close of the desk's 10th working day after shipping;
  reminded on the morning two working days before, chased every 2 working days after.
- Exchange repair: 72 working hours of the desk's calendar after receiving the faulty part.
- A loaner: due back when the lender says; reminded the working morning before, chased every
  2 working days after.
"""

import datetime as dt

from aftersales.sla.calendars import WorkingCalendar

DESK_CALENDAR = "5x8-cn"

SHIP_CUTOFF = dt.time(14, 0)
SHIP_SAME_DAY_BY = dt.time(17, 0)
SHIP_NEXT_DAY_BY = dt.time(12, 0)
RETURN_WORKING_DAYS = 10
RETURN_REMINDER_WORKING_DAYS = 2  # the reminder starts the last two working days
CHASE_WORKING_DAYS = 2
REPAIR_WORKING_HOURS = 72

SEARCH_DAYS = 3 * 366


def _local(moment: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    return moment.astimezone(calendar.zone)


def _at(day: dt.date, time: dt.time, calendar: WorkingCalendar) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=calendar.zone)


def next_working_day(day: dt.date, calendar: WorkingCalendar) -> dt.date:
    """The first working day after `day`."""
    for _ in range(SEARCH_DAYS):
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            return day
    raise ValueError(f"Calendar {calendar.name} has no working day in {SEARCH_DAYS} days.")


def working_day_after(day: dt.date, count: int, calendar: WorkingCalendar) -> dt.date:
    """The `count`-th working day after `day` (`day` itself not counted)."""
    for _ in range(count):
        day = next_working_day(day, calendar)
    return day


def opening(day: dt.date, calendar: WorkingCalendar) -> dt.datetime:
    """When the desk opens on a working day."""
    spans = calendar.intervals(day)
    minute = spans[0][0] if spans else 9 * 60
    return _at(day, dt.time(minute // 60, minute % 60), calendar)


def closing(day: dt.date, calendar: WorkingCalendar) -> dt.datetime:
    """When the desk closes on a working day (midnight counts as the end of the day)."""
    spans = calendar.intervals(day)
    minute = spans[-1][1] if spans else 17 * 60
    if minute >= 24 * 60:
        return _at(day + dt.timedelta(days=1), dt.time(), calendar)
    return _at(day, dt.time(minute // 60, minute % 60), calendar)


def ship_due(confirmed_at: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """When the replacement must have shipped: 17:00 the same day if the fault was confirmed
    before 14:00 on a working day, else 12:00 the next working day."""
    local = _local(confirmed_at, calendar)
    day = local.date()
    if calendar.is_working_day(day) and local.time() < SHIP_CUTOFF:
        return _at(day, SHIP_SAME_DAY_BY, calendar)
    return _at(next_working_day(day, calendar), SHIP_NEXT_DAY_BY, calendar)


def return_due(shipped_at: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """The faulty part is due back by the close of the 10th working day after shipping."""
    day = working_day_after(_local(shipped_at, calendar).date(), RETURN_WORKING_DAYS, calendar)
    return closing(day, calendar)


def return_reminder(shipped_at: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """The morning the last two working days before the return deadline begin."""
    day = working_day_after(
        _local(shipped_at, calendar).date(),
        RETURN_WORKING_DAYS - RETURN_REMINDER_WORKING_DAYS + 1,
        calendar,
    )
    return opening(day, calendar)


def chase_after(moment: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """The next chase of something overdue: the morning, 2 working days later."""
    day = working_day_after(_local(moment, calendar).date(), CHASE_WORKING_DAYS, calendar)
    return opening(day, calendar)


def repair_due(received_at: dt.datetime, calendar: WorkingCalendar) -> dt.datetime:
    """Exchange repair: 72 working hours after the faulty part was received."""
    return calendar.due(received_at, REPAIR_WORKING_HOURS * 60)


def loan_reminder(
    lent_at: dt.datetime, due_back_at: dt.datetime, calendar: WorkingCalendar
) -> dt.datetime:
    """The working morning before the day a loaner is due back; the due time itself when that
    morning has passed by the time it is lent."""
    due_day = _local(due_back_at, calendar).date()
    day = due_day - dt.timedelta(days=1)
    for _ in range(SEARCH_DAYS):
        if calendar.is_working_day(day):
            break
        day -= dt.timedelta(days=1)
    reminder = opening(day, calendar)
    if reminder <= lent_at or reminder >= due_back_at:
        return due_back_at
    return reminder
