"""Worker tasks for spare parts and RMA: thin, they call the sweep."""

from dataclasses import asdict

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from aftersales.rma.sweep import rma_sweep


@db_periodic_task(crontab(minute="*"))
def rma_due() -> dict[str, int]:
    """Every minute: replacements not shipped and exchange repairs not done in time, faulty
    parts' return reminders and chases, loaners' reminders and chases; at most 200 of each
    per run. What is due stays due in the database until a sweep fires it, once."""
    return asdict(rma_sweep())
