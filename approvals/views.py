"""Workflow pages: transitions, adjustments, the inbox, the HQ dashboard and starting a budget
cycle. Thin: parse the form, call one service, turn a BusinessRuleError into a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets import cycles
from budgets import services as budget_services
from budgets.models import (
    AdjustmentRequest,
    BasicExpenditureLine,
    BudgetCycle,
    Project,
    UnitBudget,
    basic_line_label,
)
from budgets.money import to_wan
from budgets.workflow import machine_of
from core import policy
from core.errors import BusinessRuleError
from core.services import notifications_mark_read
from core.workflow import CommentInput

from . import selectors, services
from .forms import AdjustmentForm, CycleStartForm, adjustment_initial
from .workflow import ADJUSTMENT

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


# --- Adjustments (预算调整): the form, the confirmation, the steps ------------------------------
# The form posts to itself: first the summary (调整前 → 调整后, 差额) with 确认提交 / 返回修改;
# only 确认提交 asks, and it asks exactly what the summary showed (signed with the summary).

CONFIRM_MAX_AGE = 3600


def _confirm_salt(request: HttpRequest, item, adjustment) -> str:
    return (
        f"adjustment:{type(item).__name__}:{item.pk}:{adjustment.pk if adjustment else ''}:{request.user.pk}"
    )


def _signed(request: HttpRequest, item, adjustment, values: dict) -> str:
    return signing.dumps(
        {
            k: (str(v) if k != "sub_items" else {i: str(a) for i, a in (v or {}).items()})
            for k, v in values.items()
        },
        salt=_confirm_salt(request, item, adjustment),
    )


def _unsigned(request: HttpRequest, item, adjustment) -> dict:
    return signing.loads(
        request.POST.get("token", ""), salt=_confirm_salt(request, item, adjustment), max_age=CONFIRM_MAX_AGE
    )


def _adjustment_page(request: HttpRequest, *, item, adjustment=None) -> HttpResponse:
    """Ask for an adjustment of ``item`` (or revise the returned ``adjustment``)."""
    back = _back(item if isinstance(item, Project) else item.budget)
    bound = request.method == "POST" and "confirm" not in request.POST
    form = AdjustmentForm(
        request.POST if bound else None, item=item, initial=adjustment_initial(item, adjustment)
    )
    context = {"form": form, "item": item, "adjustment": adjustment, "back": back,
               "label": item.name if isinstance(item, Project) else basic_line_label(item)}  # fmt: skip
    if request.method == "POST" and "confirm" in request.POST:
        try:
            values = _unsigned(request, item, adjustment)
        except signing.BadSignature:
            messages.error(request, _("The confirmation has expired: check the amounts and confirm again."))
            return render(request, "approvals/adjustment_form.html", context)
        try:
            if adjustment is None:
                services.adjustment_request(
                    actor=request.user,
                    project=item if isinstance(item, Project) else None,
                    basic_line=None if isinstance(item, Project) else item,
                    **values,
                )
            else:
                reason = values.pop("reason")
                services.adjustment_transition(
                    adjustment=adjustment, action="resubmit", actor=request.user, reason=reason, **values
                )
        except BusinessRuleError as error:
            messages.error(request, str(error.message))
            return render(request, "approvals/adjustment_form.html", context)
        messages.success(request, _("Adjustment requested: it goes to the branch head for sign-off."))
        return redirect(back)
    if bound and "edit" not in request.POST and form.is_valid():
        try:
            if adjustment is None:
                proposal = services.adjustment_proposal(actor=request.user, item=item, **form.values())
            else:
                proposal = services.adjustment_revision(
                    adjustment=adjustment, actor=request.user, **form.values()
                )
        except BusinessRuleError as error:
            form.add_error("reason" if error.code == "reason_required" else None, str(error.message))
        else:
            return render(
                request,
                "approvals/adjustment_confirm.html",
                {**context, "p": proposal, "token": _signed(request, item, adjustment, form.values())},
            )
    return render(request, "approvals/adjustment_form.html", context)


def _may_ask(request: HttpRequest, item) -> None:
    if not policy.can_request_adjustment(request.user, item):
        raise PermissionDenied(_("Only the unit's staff may ask to adjust an approved item."))


@login_required
def adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    _may_ask(request, project)
    return _adjustment_page(request, item=project)


@login_required
def basic_line_adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(
        BasicExpenditureLine.objects.restrict(request.user).select_related(
            "budget__unit", "budget__cycle", "functional_code", "economic_code", "funding_source"
        ),
        pk=pk,
    )
    _may_ask(request, line)
    return _adjustment_page(request, item=line)


def _adjustment_for(request: HttpRequest, pk: int) -> AdjustmentRequest:
    return get_object_or_404(
        AdjustmentRequest.objects.restrict(request.user).select_related(*selectors.ADJUSTMENT_RELATED), pk=pk
    )


@login_required
def adjustment_revise(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = _adjustment_for(request, pk)
    if not any(t.action == "resubmit" for t in ADJUSTMENT.allowed(request.user, adjustment)):
        raise PermissionDenied(_("Only the unit's staff may revise a returned adjustment."))
    return _adjustment_page(request, item=adjustment.subject, adjustment=adjustment)


@login_required
@require_POST
def adjustment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """A step of an adjustment from its item's page: sign off, recommend, return, approve …"""
    adjustment = _adjustment_for(request, pk)
    try:
        event = services.adjustment_transition(
            adjustment=adjustment,
            action=request.POST.get("action", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except BusinessRuleError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, f"{adjustment.subject_label}: {event.get_type_display()}")
    return redirect(_back(adjustment.project or adjustment.budget))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("approvals:inbox")
    waiting = selectors.waiting_for(request.user)
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
    return render(
        request,
        "approvals/dashboard.html",
        {
            "d": data,
            "cycle": cycle,
            "rates": data.rates,
            "bureau_rate": data.bureau_rate,
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
