"""The arithmetic of feedback, as pure functions: when complaints are rising, and on which
days a contract's periodic revisits fall. No database, no clock: tests feed them numbers."""

import datetime as dt
from collections.abc import Iterator, Sequence

from dateutil.relativedelta import relativedelta

from aftersales.customers.choices import MaintenanceFrequency

# Months between two periodic revisits.
FREQUENCY_MONTHS = {
    MaintenanceFrequency.MONTHLY: 1,
    MaintenanceFrequency.QUARTERLY: 3,
    MaintenanceFrequency.HALF_YEARLY: 6,
    MaintenanceFrequency.YEARLY: 12,
}
# How many months before this one the complaint rule compares with.
HISTORY_MONTHS = 3


def complaints_rising(*, current: int, history: Sequence[int], minimum: int = 1) -> bool:
    """Whether this month's complaint count exceeds the average of the months before it.

    `history` holds the counts of the previous months that have data (up to three; a month
    without complaints counts 0, a month before the first case was recorded is left out).
    With no history at all, this is the first month of data and nothing is compared: no
    alert. `minimum` is the least count worth an alert. The comparison is exact (no
    floating point): 4 complaints exceed an average of 11/3, 3 do not."""
    if current < max(minimum, 1) or not history:
        return False
    return current * len(history) > sum(history)


def months_back(month: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months before `month` (a first of month), oldest first."""
    return [month - relativedelta(months=n) for n in range(count, 0, -1)]


def history_of(
    *, counts: dict[dt.date, int], month: dt.date, first_month: dt.date | None
) -> list[tuple[dt.date, int]]:
    """(month, count) of the HISTORY_MONTHS months before `month` that have data: those
    from `first_month` (the month of the scope's first case) on; missing months count 0."""
    if first_month is None:
        return []
    return [
        (earlier, counts.get(earlier, 0))
        for earlier in months_back(month, HISTORY_MONTHS)
        if earlier >= first_month
    ]


def periodic_dates(
    *, start: dt.date, end: dt.date, months: int, first: dt.date, last: dt.date
) -> Iterator[dt.date]:
    """The days a contract's periodic revisits fall on, between `first` and `last`
    included: every `months` months after the contract's start (a quarter after it starts,
    then each quarter), while the contract runs. The 31st falls on a shorter month's last
    day, counted from the start each time so that it never drifts."""
    if months <= 0:
        return
    last = min(last, end)
    # Skip ahead to just before `first` rather than walking from the contract's start.
    elapsed = (first.year - start.year) * 12 + first.month - start.month
    n = max(1, elapsed // months - 1)
    while True:
        day = start + relativedelta(months=n * months)
        if day > last:
            return
        if day >= first:
            yield day
        n += 1
