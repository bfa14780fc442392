"""Writes of the disclosure app: one function per business action.

Who may ask for what is decided by ``core.policy``: the bureau-wide workbook is for HQ roles, a
unit's workbook for whoever may see that unit; an import for the unit's own staff only, the text
for HQ's deciders only.
"""

from __future__ import annotations

import contextlib
import io
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCycle
from config.storage import STORE_ERRORS, FileStoreUnavailable
from core import jobs, mail
from core.errors import BusinessRuleError
from core.models import MessageKind, Unit
from core.policy import can_edit_bureau_documents, can_import_for_unit, can_view_bureau, can_view_unit

from .exporting import build_workbook
from .models import DisclosureText, ExportJob, ImportJob, ImportStatus, JobStatus
from .tasks import export_workbook, import_run

logger = logging.getLogger(__name__)


def _require_scope(user: AbstractBaseUser, unit: Unit | None) -> None:
    if unit is None and not can_view_bureau(user):
        raise BusinessRuleError("bureau_only", _("Only HQ may export the bureau-wide workbook."))
    if unit is not None and not can_view_unit(user, unit):
        raise BusinessRuleError("unit_forbidden", _("You may not work on this unit's data."))


@transaction.atomic
def export_job_create(
    *, user: AbstractBaseUser, cycle: BudgetCycle, unit: Unit | None, link_base: str = ""
) -> ExportJob:
    """Queue a workbook export; the worker builds it and emails ``link_base`` + the download path."""
    _require_scope(user, unit)
    job = ExportJob.objects.create(cycle=cycle, unit=unit, requested_by=user)
    if link_base:
        from django.urls import reverse

        job.download_url = link_base.rstrip("/") + reverse("disclosure:export-download", args=[job.pk])
        job.save(update_fields=["download_url"])
    jobs.enqueue_on_commit(export_workbook, job.pk)
    return job


def _progress(job_id: int, percent: int, step: str) -> None:
    # Its own statement in autocommit: a page polling the job sees it at once.
    ExportJob.objects.filter(pk=job_id).update(progress=percent, step=step[:200])


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the workbook of a queued job. Safe to run again (a redelivered task): a finished job
    is left as it is; an interrupted one is built again from the start."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update(of=("self",)).select_related("cycle", "unit").get(pk=job_id)
        if job.status == JobStatus.DONE:
            return job
        job.status = JobStatus.RUNNING
        job.error = ""
        job.save(update_fields=["status", "error"])
    try:
        built = build_workbook(
            cycle=job.cycle, unit=job.unit, progress=lambda pct, step: _progress(job.pk, pct, step)
        )
        content = built.to_bytes()
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        _export_failed(job.pk, str(exc))
        raise
    # Stored before the row is locked: the object store is a network service, and a store that
    # does not answer fails the job (to export again) rather than leaving it "running".
    try:
        job.file.save(job.filename, ContentFile(content), save=False)
    except STORE_ERRORS as exc:
        logger.exception("export %s: the workbook could not be stored", job.pk)
        _export_failed(
            job.pk,
            gettext("The workbook was built, but the file store did not take it. Export it again later."),
        )
        raise FileStoreUnavailable(str(exc)) from exc
    stored_name = job.file.name
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(of=("self",))
            .select_related("cycle", "unit", "requested_by")
            .get(pk=job_id)
        )
        job.file = stored_name
        job.status = JobStatus.DONE
        job.progress = 100
        job.step = ""
        job.findings_count = len(built.findings)
        job.finished_at = timezone.now()
        job.save()
        _mail_export_ready(job)
    return job


def _export_failed(job_id: int, error: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def _mail_export_ready(job: ExportJob) -> None:
    """Written in the transaction that finishes the job; the outbox sends it."""
    user = job.requested_by
    if user is None or not job.download_url:
        return
    subject, body = mail.render("export_ready", {"job": job, "user": user})
    mail.queue(recipient=user, kind=MessageKind.EXPORT, subject=subject, body=body, digest_ok=False)


# -- imports --------------------------------------------------------------------------------


def _require_import_rights(user: AbstractBaseUser, unit: Unit | None) -> None:
    """An import writes a unit's figures: its own preparer or head only (DOMAIN §10). HQ decides
    and the auditor reads; neither imports, and nobody imports the whole bureau from a page."""
    if unit is None or not can_import_for_unit(user, unit):
        raise BusinessRuleError(
            "import_forbidden", _("Only the unit's own preparer or head may import its figures.")
        )


def _inline_max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "DISCLOSURE_IMPORT_INLINE_MAX_BYTES", 96 * 1024))


@transaction.atomic
def import_job_create(*, user: AbstractBaseUser, cycle: BudgetCycle, unit: Unit | None, upload) -> ImportJob:
    """Store an uploaded workbook and check it (a dry run): in the request for a small file, in a
    worker for a large one. A branch user's import is always for their own unit."""
    from .importing import max_bytes

    _require_import_rights(user, unit)
    if upload.size > max_bytes():
        raise BusinessRuleError(
            "file_too_large",
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1024 / 1024, "limit": max_bytes() // 1024 // 1024},
        )
    try:
        job = ImportJob.objects.create(
            cycle=cycle, unit=unit, requested_by=user, file=upload, original_name=upload.name[:255]
        )
    except STORE_ERRORS as exc:
        logger.exception("import upload: the file store did not take the file")
        raise BusinessRuleError(
            "file_store_unavailable",
            _("The file store did not answer; the file was not uploaded. Try again in a few minutes."),
        ) from exc
    if upload.size <= _inline_max_bytes():
        transaction.on_commit(lambda: _import_inline(job.pk, dry_run=True))
    else:
        jobs.enqueue_on_commit(import_run, job.pk, True)
    return job


def _import_inline(job_id: int, *, dry_run: bool) -> None:
    """A small file's check or import, run in the request once it has committed. A store that
    does not answer has already put the job back, saying so on its page: the request goes on to
    that page rather than failing."""
    with contextlib.suppress(FileStoreUnavailable):
        import_job_run(job_id=job_id, dry_run=dry_run)


def _import_progress(job_id: int, percent: int, step: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(progress=percent, step=str(step)[:200])


def import_job_run(*, job_id: int, dry_run: bool) -> ImportJob:
    """Check (dry run) or import a job's file. The import is all or nothing; a job already
    imported is left alone (a redelivered task). The file is read through the storage (the
    object store in production: it has no local path)."""
    from .importing import import_workbook

    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("cycle", "unit", "requested_by")
            .get(pk=job_id)
        )
        if job.status == ImportStatus.DONE:
            return job
        job.status = ImportStatus.CHECKING if dry_run else ImportStatus.IMPORTING
        job.save(update_fields=["status"])
    try:
        with job.file.open("rb") as stored:
            content = stored.read()
    except STORE_ERRORS as exc:
        # The object store did not answer: the job goes back to where it was, to be checked
        # again by the sweep (a dry run) or confirmed again (the import); nothing was written.
        logger.exception("import %s: its file could not be read from the storage", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.UPLOADED if dry_run else ImportStatus.READY,
            step=gettext("The file store did not answer; the file will be checked again shortly.")
            if dry_run
            else gettext("The file store did not answer; nothing was imported. Import it again later."),
        )
        raise FileStoreUnavailable(str(exc)) from exc
    report = import_workbook(
        file=io.BytesIO(content),
        cycle=job.cycle,
        unit=job.unit,
        dry_run=dry_run,
        progress=lambda pct, step: _import_progress(job.pk, pct, step),
        user=job.requested_by,
    )
    status = ImportStatus.READY if dry_run else ImportStatus.DONE
    if not report.ok:
        status = ImportStatus.INVALID
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        progress=100,
        step="",
        errors=[p.as_dict() for p in report.problems],
        warnings=[p.as_dict() for p in report.warnings],
        summary=report.counts,
        finished_at=timezone.now() if status in {ImportStatus.DONE, ImportStatus.INVALID} else None,
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def import_job_confirm(*, user: AbstractBaseUser, job: ImportJob) -> ImportJob:
    """Import a previewed file for real."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.requested_by_id != user.pk:
        raise BusinessRuleError("import_not_yours", _("Only the user who uploaded the file may import it."))
    _require_import_rights(user, job.unit)
    if job.status != ImportStatus.READY:
        raise BusinessRuleError("import_not_ready", _("Only a checked file without errors can be imported."))
    job.status = ImportStatus.IMPORTING
    job.progress = 0
    job.save(update_fields=["status", "progress"])
    try:
        inline = job.file.size <= _inline_max_bytes()
    except STORE_ERRORS:
        inline = True  # the store is not answering: the import says so at once, on the job's page
    if inline:
        transaction.on_commit(lambda: _import_inline(job.pk, dry_run=False))
    else:
        jobs.enqueue_on_commit(import_run, job.pk, False)
    return job


# -- the text part --------------------------------------------------------------------------


def _require_bureau(user: AbstractBaseUser) -> None:
    if not can_edit_bureau_documents(user):
        raise BusinessRuleError("bureau_only", _("Only HQ may draft and edit the disclosure text."))


@transaction.atomic
def disclosure_text_draft(*, user: AbstractBaseUser, cycle: BudgetCycle) -> list[DisclosureText]:
    """Draft every section from the data. A section HQ has edited keeps its text; its new draft
    is kept beside it to compare."""
    from .text import draft_for

    _require_bureau(user)
    now = timezone.now()
    sections = []
    for order, (key, title, draft) in enumerate(draft_for(cycle), start=1):
        section, _created = DisclosureText.objects.select_for_update().get_or_create(
            cycle=cycle, key=key, defaults={"title": title, "sort_order": order}
        )
        section.title, section.sort_order, section.draft, section.drafted_at = title, order, draft, now
        if not section.is_edited:
            section.text = draft
        section.save()
        sections.append(section)
    return sections


@transaction.atomic
def disclosure_text_edit(
    *, user: AbstractBaseUser, cycle: BudgetCycle, key: str, text: str
) -> DisclosureText:
    _require_bureau(user)
    section = DisclosureText.objects.select_for_update().get(cycle=cycle, key=key)
    section.text = text
    section.edited_by = user
    section.edited_at = timezone.now()
    section.save(update_fields=["text", "edited_by", "edited_at"])
    return section
