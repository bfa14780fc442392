"""Pages. Thin: ask the policy who may see what, the selectors for data, then render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from approvals.policy import can_view_bureau, membership_of, visible_units

from .consistency import check_cycle
from .models import BudgetCycle, StaffingFact, UnitBudget
from .selectors import budgets_with_totals, bureau_totals, unit_budget_detail


def _latest_cycle() -> BudgetCycle | None:
    return BudgetCycle.objects.order_by("-year").first()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cycle = _latest_cycle()
    if cycle is None:
        return render(request, "budgets/empty.html")
    if can_view_bureau(request.user):
        return redirect("budgets:bureau", year=cycle.year)
    membership = membership_of(request.user)
    if membership is None:
        raise PermissionDenied
    return redirect("budgets:unit", year=cycle.year, unit_code=membership.unit.code)


@login_required
def bureau_overview(request: HttpRequest, year: int) -> HttpResponse:
    if not can_view_bureau(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, year=year)
    budgets = list(budgets_with_totals(UnitBudget.objects.filter(cycle=cycle)))
    return render(
        request,
        "budgets/bureau.html",
        {
            "cycle": cycle,
            "budgets": budgets,
            "bureau": bureau_totals(budgets),
            "findings": check_cycle(cycle),
            "cycles": BudgetCycle.objects.all(),
        },
    )


@login_required
def unit_budget(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    # Another unit's page answers 404, so that its existence is not confirmed either.
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    cycle = get_object_or_404(BudgetCycle, year=year)
    try:
        budget = unit_budget_detail(year=year, unit=unit)
    except UnitBudget.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "budgets/unit.html",
        {
            "cycle": cycle,
            "unit": unit,
            "budget": budget,
            "staffing": StaffingFact.objects.filter(cycle=cycle, unit=unit).first(),
            "projects": budget.projects.all(),
            "procurement_lines": budget.procurement_lines.all(),
            "three_public": budget.three_public.all(),
        },
    )


@login_required
def project_detail(request: HttpRequest, year: int, unit_code: str, pk: int) -> HttpResponse:
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    budget = get_object_or_404(UnitBudget, cycle__year=year, unit=unit)
    project = get_object_or_404(
        budget.projects.select_related("category", "functional_code", "funding_source").prefetch_related(
            "sub_items", "procurement_lines__item"
        ),
        pk=pk,
    )
    return render(request, "budgets/project.html", {"unit": unit, "cycle": budget.cycle, "project": project})
