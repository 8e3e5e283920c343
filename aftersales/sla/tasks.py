"""Worker tasks for the SLA engine."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.sla.sweep import sla_sweep


@db_periodic_task(crontab(minute="*"))
def sweep() -> int:
    """Every minute (Huey's granularity): fire the reminders, escalation steps and breaches
    due, so each fires within a minute of its due time. Restarts lose nothing: what is due
    stays due in the database until a sweep fires it."""
    return sla_sweep().fired
