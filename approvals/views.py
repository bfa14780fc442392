"""Workflow pages: transitions, adjustments, the inbox, the HQ dashboard and starting a budget
cycle. Thin: parse the form, call one service, turn a BusinessRuleError into a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets import cycles
from budgets import services as budget_services
from budgets.models import AdjustmentRequest, BasicExpenditureLine, BudgetCycle, Project, UnitBudget
from budgets.money import to_wan
from budgets.workflow import machine_of
from core import policy
from core.errors import BusinessRuleError
from core.services import notifications_mark_read
from core.workflow import CommentInput

from . import selectors, services
from .forms import CycleStartForm

INBOX_PAGE = 50  # items per page of the inbox's lists


def _project_for(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.restrict(request.user).select_related("budget__unit", "budget__cycle"), pk=pk
    )


def _budget_for(request: HttpRequest, pk: int) -> UnitBudget:
    return get_object_or_404(UnitBudget.objects.restrict(request.user).select_related("unit", "cycle"), pk=pk)


def _comments(request: HttpRequest) -> list[CommentInput]:
    targets = request.POST.getlist("comment_target")
    texts = request.POST.getlist("comment_text")
    return [CommentInput(t, x) for t, x in zip(targets, texts, strict=False) if x.strip()]


def _sub_items(request: HttpRequest) -> dict[str, str] | None:
    """``sub_item_<id>`` fields: the new amount of each sub-item of an itemised project."""
    amounts = {k.removeprefix("sub_item_"): v for k, v in request.POST.items() if k.startswith("sub_item_")}
    return amounts or None


def _back(item) -> str:
    return machine_of(item).link(item)


@login_required
@require_POST
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    return _transition(request, project)


@login_required
@require_POST
def budget_transition(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, _budget_for(request, pk))


def _transition(request: HttpRequest, item) -> HttpResponse:
    try:
        event = budget_services.item_transition(
            item=item,
            action=request.POST.get("action", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
            comments=_comments(request),
            fiscal_amount=request.POST.get("fiscal_amount"),
            other_amount=request.POST.get("other_amount"),
            sub_items=_sub_items(request) if request.POST.get("action") == "cut" else None,
        )
    except BusinessRuleError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, f"{item}: {machine_of(item).states(event.to_state).label}")
    return redirect(_back(item))


@login_required
@require_POST
def adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    try:
        services.adjustment_request(
            project=project,
            actor=request.user,
            fiscal_amount=request.POST.get("fiscal_amount"),
            other_amount=request.POST.get("other_amount"),
            sub_items=_sub_items(request),
            reason=request.POST.get("reason", ""),
        )
    except BusinessRuleError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Adjustment requested."))
    return redirect(_back(project))


@login_required
@require_POST
def basic_line_adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(
        BasicExpenditureLine.objects.restrict(request.user).select_related("budget__unit", "budget__cycle"),
        pk=pk,
    )
    try:
        services.adjustment_request(
            basic_line=line,
            actor=request.user,
            fiscal_amount=request.POST.get("amount"),
            reason=request.POST.get("reason", ""),
        )
    except BusinessRuleError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Adjustment requested."))
    return redirect(_back(line.budget))


@login_required
@require_POST
def adjustment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = get_object_or_404(
        AdjustmentRequest.objects.restrict(request.user).select_related("project", "budget"), pk=pk
    )
    try:
        services.adjustment_decide(
            adjustment=adjustment,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
            comment=request.POST.get("comment", ""),
        )
    except BusinessRuleError as error:
        messages.error(request, str(error.message))
    return redirect(_back(adjustment.project or adjustment.budget))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("approvals:inbox")
    waiting = selectors.waiting_for(request.user, with_adjustments=policy.can_decide_adjustment(request.user))
    notifications = request.user.notifications.select_related("event__actor", "event__unit").order_by(
        "-created_at", "-id"
    )
    return render(
        request,
        "approvals/inbox.html",
        {
            "waiting": Paginator(waiting, INBOX_PAGE).get_page(request.GET.get("page")),
            "notifications": Paginator(notifications, INBOX_PAGE).get_page(request.GET.get("notifications")),
        },
    )


@login_required
def dashboard(request: HttpRequest, year: int) -> HttpResponse:
    if not policy.can_view_bureau(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, year=year)
    data = selectors.dashboard(cycle=cycle, user=request.user)
    rates, bureau_rate = selectors.adjustment_rates(cycle=cycle, units=policy.visible_units(request.user))
    return render(
        request,
        "approvals/dashboard.html",
        {
            "d": data,
            "cycle": cycle,
            "rates": rates,
            "bureau_rate": bureau_rate,
            "cycles": BudgetCycle.objects.all(),
            "can_start_cycle": policy.can_start_cycle(request.user),
            "chart": {
                "labels": [r.unit.short_name for r in data.rows],
                "requested": [str(to_wan(r.requested, 2)) for r in data.rows],
                "approved": [str(to_wan(r.approved, 2)) for r in data.rows],
                "requested_label": str(_("Requested")),
                "approved_label": str(_("Approved")),
            },
        },
    )


@login_required
def cycle_start(request: HttpRequest) -> HttpResponse:
    """新建预算年度. ``?year=`` recomputes the form's dates from the template of that year."""
    if not policy.can_start_cycle(request.user):
        raise PermissionDenied
    prefill = CycleStartForm.base_fields["year"].clean
    try:
        year = prefill(request.GET["year"])
    except (KeyError, ValidationError):
        year = None
    form = CycleStartForm(request.POST or None, defaults=cycles.cycle_start_defaults(year=year))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = budget_services.cycle_start(
                actor=request.user,
                year=form.cleaned_data["year"],
                disclosure_format=form.cleaned_data["disclosure_format"],
                procurement_catalogue=form.cleaned_data["procurement_catalogue"],
                deadlines=form.deadlines(),
            )
        except BusinessRuleError as error:
            field = error.params.get("field")
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("The %(year)s budget cycle has started.") % {"year": cycle.year})
            return redirect("approvals:cycle", year=cycle.year)
    return render(request, "approvals/cycle_start.html", {"form": form, "cycles": BudgetCycle.objects.all()})


@login_required
def cycle_detail(request: HttpRequest, year: int) -> HttpResponse:
    """A cycle as started: calendar, format, catalogue, units, last year's totals and 三公."""
    if not policy.can_view_bureau(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle.objects.select_related("procurement_catalogue"), year=year)
    return render(request, "approvals/cycle_detail.html", {"o": cycles.cycle_overview(cycle=cycle)})
