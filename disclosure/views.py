"""Pages, downloads and the progress endpoints. Thin: the policy (through the selectors and the
services) decides who may see or do what; another unit's job answers 404."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from budgets.models import BudgetCycle
from config.storage import STORE_ERRORS
from core.errors import BusinessRuleError
from core.policy import can_edit_bureau_documents, can_view_bureau, membership_of, visible_units

from . import services
from .models import ImportStatus
from .selectors import disclosure_text, export_jobs_visible, import_jobs_visible
from .template import template_bytes

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ScopeForm(forms.Form):
    year = forms.ModelChoiceField(
        queryset=BudgetCycle.objects.all(), to_field_name="year", label=_("Fiscal year"), empty_label=None
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(u.code, u.name) for u in visible_units(user)]
        if can_view_bureau(user):
            choices.insert(0, ("", _("Whole bureau")))
        self.fields["unit"].choices = choices
        self.user = user

    def clean_unit(self):
        code = self.cleaned_data.get("unit") or ""
        if not code:
            if not can_view_bureau(self.user):
                raise forms.ValidationError(_("Choose your unit."))
            return None
        return get_object_or_404(visible_units(self.user), code=code)


class ImportForm(ScopeForm):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def __init__(self, *args, **kwargs):
        # Shown beside the export form on one page: its own ids, so each label names its field.
        kwargs.setdefault("auto_id", "id_import_%s")
        super().__init__(*args, **kwargs)


def _default_scope(user) -> dict:
    membership = membership_of(user)
    cycle = BudgetCycle.objects.order_by("-year").first()
    initial = {"year": cycle.year if cycle else None}
    if not can_view_bureau(user) and membership:
        initial["unit"] = membership.unit.code
    return initial


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if membership_of(request.user) is None and not request.user.is_superuser:
        raise PermissionDenied
    initial = _default_scope(request.user)
    return render(
        request,
        "disclosure/index.html",
        {
            "exports": export_jobs_visible(request.user)[:20],
            "imports": import_jobs_visible(request.user)[:20],
            "export_form": ScopeForm(user=request.user, initial=initial),
            "import_form": ImportForm(user=request.user, initial=initial),
        },
    )


@login_required
@require_POST
def export_create(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("disclosure:index")
    try:
        job = services.export_job_create(
            user=request.user,
            cycle=form.cleaned_data["year"],
            unit=form.cleaned_data["unit"],
            link_base=request.build_absolute_uri("/"),
        )
    except BusinessRuleError as error:
        raise PermissionDenied(str(error.message)) from error
    return redirect("disclosure:export", pk=job.pk)


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(export_jobs_visible(request.user), pk=pk)
    return render(request, "disclosure/export.html", {"job": job})


@login_required
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(export_jobs_visible(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "step": job.step,
            "findings": job.findings_count,
            "download": reverse("disclosure:export-download", args=[job.pk]) if job.file else None,
        }
    )


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(export_jobs_visible(request.user), pk=pk)
    if not job.file:
        raise Http404
    try:
        stored = job.file.open("rb")
    except STORE_ERRORS:
        logger.exception("export %s: its file could not be read from the storage", job.pk)
        messages.error(
            request,
            _(
                "The file store did not answer; the workbook cannot be downloaded now. Try again in a few minutes."
            ),
        )
        return redirect("disclosure:export", pk=job.pk)
    return FileResponse(stored, as_attachment=True, filename=job.filename, content_type=XLSX)


@login_required
@require_POST
def import_create(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("disclosure:index")
    try:
        job = services.import_job_create(
            user=request.user,
            cycle=form.cleaned_data["year"],
            unit=form.cleaned_data["unit"],
            upload=form.cleaned_data["file"],
        )
    except BusinessRuleError as error:
        messages.error(request, str(error.message))
        return redirect("disclosure:index")
    return redirect("disclosure:import", pk=job.pk)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_jobs_visible(request.user), pk=pk)
    return render(request, "disclosure/import.html", {"job": job, "statuses": ImportStatus})


@login_required
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(import_jobs_visible(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "step": job.step,
            "errors": len(job.errors),
        }
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_jobs_visible(request.user), pk=pk)
    try:
        services.import_job_confirm(user=request.user, job=job)
    except BusinessRuleError as error:
        messages.error(request, str(error.message))
    return redirect("disclosure:import", pk=job.pk)


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    """The import template, empty or (``?data=1``) filled with the chosen scope's data."""
    form = ScopeForm(request.GET or None, user=request.user, initial=_default_scope(request.user))
    if not form.is_valid():
        raise Http404
    cycle, unit = form.cleaned_data["year"], form.cleaned_data["unit"]
    content = template_bytes(cycle=cycle, unit=unit, with_data=request.GET.get("data") == "1")
    scope = unit.code if unit else "bureau"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="budget-{cycle.year}-{scope}.xlsx"'
    return response


@login_required
def text_edit(request: HttpRequest, year: int) -> HttpResponse:
    """HQ drafts the text part from the data and edits it section by section."""
    if not can_view_bureau(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, year=year)
    if request.method == "POST":
        try:
            if "draft" in request.POST:
                services.disclosure_text_draft(user=request.user, cycle=cycle)
                messages.success(request, _("Drafted from the data."))
            else:
                key = request.POST.get("key", "")
                get_object_or_404(disclosure_text(cycle=cycle), key=key)
                services.disclosure_text_edit(
                    user=request.user, cycle=cycle, key=key, text=request.POST.get("text", "")
                )
                messages.success(request, _("Saved."))
        except BusinessRuleError as error:
            raise PermissionDenied(str(error.message)) from error
        return redirect("disclosure:text", year=year)
    return render(
        request,
        "disclosure/text.html",
        {
            "cycle": cycle,
            "sections": disclosure_text(cycle=cycle),
            "can_edit": can_edit_bureau_documents(request.user),
        },
    )
