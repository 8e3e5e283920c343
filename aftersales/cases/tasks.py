"""Worker tasks for cases."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.cases import services


@db_periodic_task(crontab(minute="*"))
def deem_confirmed_due() -> int:
    """Every minute: resolutions left unconfirmed for 3 working days count as confirmed, in
    batches of at most 500 (the rest next minute)."""
    return services.case_deem_confirmed_due(limit=500)
