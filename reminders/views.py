"""Pages. Thin: ask the selectors (which ask core.policy), call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from budgets.models import DeadlineKind
from core.policy import can_manage_reminders, visible_units
from core.services import digest_preference_set

from . import selectors
from .forms import ReminderPolicyFormSet
from .selectors import digest_preference, reminders_of
from .services import reminder_policies_save


@login_required
def my_reminders(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        digest_preference_set(user=request.user, daily_digest=request.POST.get("daily_digest") == "on")
        messages.success(request, _("Your reminder preference is saved."))
        return redirect("reminders:mine")
    page = Paginator(reminders_of(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/mine.html",
        {"page": page, "daily_digest": digest_preference(request.user)},
    )


@login_required
def reminder_log(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    entries = reminder_log_for(request, year)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/log.html",
        {
            "page": page,
            "units": visible_units(request.user),
            "kinds": DeadlineKind.choices,
            "filters": {
                "year": year,
                "unit": request.GET.get("unit", ""),
                "kind": request.GET.get("kind", ""),
            },
        },
    )


def reminder_log_for(request: HttpRequest, year: str):
    return selectors.reminder_log(
        request.user,
        year=int(year) if year.isdigit() else None,
        unit_code=request.GET.get("unit", ""),
        kind=request.GET.get("kind", ""),
    )


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    if not can_manage_reminders(request.user):
        raise PermissionDenied
    formset = ReminderPolicyFormSet(
        request.POST or None, queryset=selectors.editable_policies(), prefix="policy"
    )
    if request.method == "POST" and formset.is_valid():
        reminder_policies_save(actor=request.user, formset=formset)
        messages.success(request, _("The reminder settings are saved."))
        return redirect("reminders:settings")
    return render(request, "reminders/settings.html", {"formset": formset})
