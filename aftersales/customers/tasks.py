"""Worker tasks for customer records."""

from huey.contrib.djhuey import db_periodic_task

from aftersales.customers import services
from aftersales.worker import daily_at


@db_periodic_task(daily_at(8, 0), retries=3, retry_delay=300)
def send_expiry_reminders() -> int:
    """Every morning at 8:00 (settings.TIME_ZONE): contracts and warranties ending in 60, 30
    and 7 days. Idempotent, so a retry or a second worker sends nothing twice."""
    return services.expiry_reminders_send()
