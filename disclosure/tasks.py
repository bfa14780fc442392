"""Celery tasks of the disclosure app: thin, each calls one service.

They acknowledge late (settings): a worker that dies mid-task leaves the message to another,
and the services are safe to run again.
"""

from celery import shared_task


@shared_task(name="disclosure.export_workbook")
def export_workbook(job_id: int) -> None:
    from .services import export_job_run

    export_job_run(job_id=job_id)


@shared_task(name="disclosure.import_run")
def import_run(job_id: int, dry_run: bool) -> None:
    from .services import import_job_run

    import_job_run(job_id=job_id, dry_run=dry_run)
