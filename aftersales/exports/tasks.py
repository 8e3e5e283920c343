"""Worker tasks for exports: thin, they take ids and call the service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from aftersales.exports import services


@db_task()
def write_export(job_id: int) -> None:
    """Write one export. No retries here: a failure is recorded on the job, whose owner
    sees why and may ask again."""
    services.export_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/5"))
def tidy_exports() -> dict[str, int]:
    """Every five minutes: fail exports whose worker died, queue again those nobody took,
    delete finished ones past their keeping time."""
    return services.exports_tidy()
