"""Worker tasks for feedback: thin, each calls one service, which is idempotent."""

from huey.contrib.djhuey import db_periodic_task

from aftersales.feedback import services
from aftersales.worker import daily_at


@db_periodic_task(daily_at(6, 0), retries=3, retry_delay=300)
def book_periodic_revisits() -> int:
    """Every morning at 6:00: book the contracts' periodic revisits coming up (and those a
    stopped worker missed). A (contract, day) is booked once however often this runs."""
    return services.revisits_generate()


@db_periodic_task(daily_at(8, 30), retries=3, retry_delay=300)
def warn_of_rising_complaints() -> int:
    """Every morning at 8:30: tell the quality managers when this month's complaints exceed
    the average of the three months before, overall or for one customer. Once per month and
    scope (the notification's dedupe key)."""
    return len(services.complaint_alerts_send())
