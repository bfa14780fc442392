"""Background jobs of the disclosure (DOMAIN §9): workbook exports, Excel imports, and the drafted
text part HQ edits before publication.

A job row is the only state the web and the workers share: its status and progress are written
in their own short transactions so that a page polling the job sees them while the work runs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCycle
from core.models import Unit


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """One disclosure workbook: the whole bureau (``unit`` empty, HQ only) or one unit."""

    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, verbose_name=_("cycle"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("unit"),
        help_text=_("Empty for the bureau-wide workbook."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="disclosure/exports/%Y/", blank=True)
    findings_count = models.PositiveIntegerField(_("check findings"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    download_url = models.CharField(_("download link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("disclosure export")
        verbose_name_plural = _("disclosure exports")

    def __str__(self) -> str:
        return f"{self.cycle} {self.unit or '—'} {self.get_status_display()}"

    @property
    def filename(self) -> str:
        scope = self.unit.code if self.unit else "bureau"
        return f"disclosure-{self.cycle.year}-{scope}.xlsx"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    INVALID = "invalid", _("Errors found")
    READY = "ready", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An uploaded workbook: checked in a dry run, shown as a preview, imported when confirmed."""

    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, verbose_name=_("cycle"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("unit"),
        help_text=_("When set, every row must belong to this unit."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("requested by")
    )
    file = models.FileField(_("file"), upload_to="disclosure/imports/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("budget import")
        verbose_name_plural = _("budget imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class DisclosureText(models.Model):
    """One section of the disclosure's text part: drafted from the data, edited by HQ."""

    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, verbose_name=_("cycle"))
    key = models.SlugField(_("section"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    draft = models.TextField(_("draft from the data"), blank=True)
    text = models.TextField(_("text"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("edited by"),
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    drafted_at = models.DateTimeField(_("drafted"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "sort_order", "key"]
        constraints = [models.UniqueConstraint(fields=["cycle", "key"], name="disclosure_text_unique_key")]
        verbose_name = _("disclosure text section")
        verbose_name_plural = _("disclosure text")

    def __str__(self) -> str:
        return f"{self.cycle} {self.title}"

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None
