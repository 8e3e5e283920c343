"""Worker tasks for the outbox: thin, they take ids and call the service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from aftersales.notifications import services


@db_task(retries=2, retry_delay=30)
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """Deliver messages just written (enqueued when their transaction commits)."""
    return services.outbox_deliver(ids=message_ids)


@db_periodic_task(crontab(minute="*"))
def deliver_due() -> dict[str, int]:
    """Every minute: what is due again after a failure, what a lost task or a dead worker left
    behind. Stops after 50 s so runs do not pile up. No lock: several workers share the work,
    each claiming other rows (SKIP LOCKED)."""
    return services.outbox_deliver(batch=100, budget_seconds=50)
