"""Celery tasks of the disclosure app: thin, each calls one service.

They acknowledge late (settings): a worker that dies mid-task leaves the message to another,
and the services are safe to run again. A job whose task never reached the broker (it was down
when the job was created) is queued again by the periodic :func:`sweep_jobs`.
"""

from datetime import timedelta

from celery import shared_task

from core import jobs

# A job still waiting this long after it was created lost its task: queue it again.
SWEEP_AFTER = timedelta(minutes=2)


@shared_task(name="disclosure.export_workbook")
def export_workbook(job_id: int) -> None:
    from .services import export_job_run

    export_job_run(job_id=job_id)


@shared_task(name="disclosure.import_run")
def import_run(job_id: int, dry_run: bool) -> None:
    from .services import import_job_run

    import_job_run(job_id=job_id, dry_run=dry_run)


def jobs_sweep() -> int:
    """Queue again every export still queued, and every uploaded import still waiting for its
    check, two minutes after it was created; returns how many were handed to the broker."""
    from django.utils import timezone

    from .models import ExportJob, ImportJob, ImportStatus, JobStatus

    cutoff = timezone.now() - SWEEP_AFTER
    queued = 0
    exports = ExportJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff).order_by("id")
    for job_id in exports.values_list("id", flat=True):
        queued += jobs.enqueue(export_workbook, job_id)
    imports = ImportJob.objects.filter(status=ImportStatus.UPLOADED, created_at__lt=cutoff).order_by("id")
    for job_id in imports.values_list("id", flat=True):
        queued += jobs.enqueue(import_run, job_id, True)
    return queued


@shared_task(name="disclosure.sweep_jobs")
def sweep_jobs() -> int:
    return jobs_sweep()
