"""Working days for rules counted in days (confirmation timeout, returns due...): China's
official calendar where the chinese-calendar package knows the year, Monday to Friday
otherwise. The SLA engine's calendars count working time in minutes; this is the coarse
rule the case workflow needs."""

import datetime as dt

import chinese_calendar
from django.utils import timezone


def is_working_day(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """The same time of day, `days` working days later, counted in the default time zone."""
    result = timezone.localtime(moment, timezone.get_default_timezone())
    remaining = days
    while remaining > 0:
        result += dt.timedelta(days=1)
        if is_working_day(result.date()):
            remaining -= 1
    return result
