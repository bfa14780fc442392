"""Pages of the ceilings app. Thin: ask the selectors (which ask core.policy), call one service,
render. Another unit's page answers 404; the auditor reads everything and writes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets.models import BudgetCycle, EconomicCode, UnitBudget
from budgets.selectors import budgets_with_totals
from core import policy
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import Unit
from core.policy import visible_units

from . import parsing, selectors, services
from .exports import rounds_workbook
from .models import AboveStandardReason, Round, StandardBasis, UnitCeiling, WarningRule
from .peers import DEFAULT_TOLERANCE, compare, per_head
from .standards import quantity_label
from .warnings import cycle_warnings
from .workflow import CEILING


def _cycle(year: int) -> BudgetCycle:
    return get_object_or_404(BudgetCycle, year=year)


def _ceiling(request, year: int, unit_code: str) -> UnitCeiling:
    try:
        return selectors.ceiling_get(request.user, year=year, unit_code=unit_code)
    except (UnitCeiling.DoesNotExist, BudgetCycle.DoesNotExist) as exc:
        raise Http404 from exc


def _error(request, error: BusinessRuleError) -> None:
    messages.error(request, str(error.message))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The newest cycle's ceilings."""
    cycle = BudgetCycle.objects.order_by("-year").first()
    if cycle is None:
        raise Http404
    return redirect("ceilings:cycle", cycle.year)


@login_required
def cycle_ceilings(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    if not policy.is_bureau_wide(request.user):
        membership = policy.membership_of(request.user)
        if membership is None:
            raise Http404
        return redirect("ceilings:unit", year, membership.unit.code)
    may_set = policy.can_set_ceilings(request.user)
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        try:
            if request.POST.get("form") == "rule":
                result = services.ceilings_from_rule(
                    actor=request.user, cycle=cycle, percent=parsing.percent(request.POST.get("percent"))
                )
                messages.success(
                    request,
                    _("%(n)s ceilings set from last year's approved totals.") % {"n": len(result.set)},
                )
                if result.skipped:
                    messages.warning(
                        request,
                        _(
                            "Skipped (no approved budget last year, or the ceiling is already issued): %(units)s"
                        )
                        % {"units": "、".join(u.short_name for u in result.skipped)},
                    )
            else:
                unit = get_object_or_404(Unit, code=request.POST.get("unit"))
                services.ceiling_set(
                    actor=request.user, cycle=cycle, unit=unit, total=parsing.amount(request.POST.get("total")),
                    project_ceiling=parsing.optional_amount(request.POST.get("project_ceiling")),
                )  # fmt: skip
                messages.success(request, _("Ceiling of %(unit)s saved.") % {"unit": unit.short_name})
        except BusinessRuleError as error:
            _error(request, error)
        return redirect("ceilings:cycle", year)
    ceilings = {c.unit_id: c for c in selectors.ceilings_of(request.user, cycle)}
    rows = []
    for budget in budgets_with_totals().filter(cycle=cycle):
        ceiling = ceilings.get(budget.unit_id)
        rows.append({
            "unit": budget.unit, "budget": budget, "ceiling": ceiling,
            "view": selectors.ceiling_view(ceiling) if ceiling else None,
            "transitions": CEILING.allowed(request.user, ceiling) if ceiling else [],
        })  # fmt: skip
    return render(
        request,
        "ceilings/cycle.html",
        {"cycle": cycle, "rows": rows, "may_set": may_set, "cycles": BudgetCycle.objects.all()},
    )


@login_required
def unit_ceiling(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    cycle = _cycle(year)
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    ceiling = UnitCeiling.objects.restrict(request.user).filter(cycle=cycle, unit=unit).first()
    if ceiling is None:
        return render(request, "ceilings/unit.html", {"cycle": cycle, "unit": unit, "ceiling": None,
                                                       "may_set": policy.can_set_ceilings(request.user)})  # fmt: skip
    may_rank = policy.can_change(request.user, ceiling)
    if request.method == "POST":
        if not may_rank:
            raise PermissionDenied
        ranks = []
        try:
            for request_ in selectors.requests_of(ceiling):
                value = request.POST.get(f"rank-{request_.key}", "").strip()
                if not value:
                    continue
                if not value.isdigit():
                    raise BusinessRuleError(
                        "ranks", _("Give each request a different priority, 1 for the first.")
                    )
                ranks.append(services.RankInput(
                    project_id=request_.key, rank=int(value),
                    mandatory=request.POST.get(f"mandatory-{request_.key}") == "on",
                    mandatory_reason=request.POST.get(f"reason-{request_.key}", ""),
                ))  # fmt: skip
            services.ranking_save(actor=request.user, ceiling=ceiling, ranks=ranks)
            messages.success(request, _("Ranking saved."))
        except BusinessRuleError as error:
            _error(request, error)
        return redirect("ceilings:unit", year, unit_code)
    view = selectors.ceiling_view(ceiling)
    ranks = selectors.ranks_of(ceiling)
    return render(
        request,
        "ceilings/unit.html",
        {
            "cycle": cycle,
            "unit": unit,
            "ceiling": ceiling,
            "view": view,
            "rows": [(r, kept, ranks.get(r.key)) for r, kept in view.fill.rows()],
            "may_rank": may_rank,
            "may_set": policy.can_set_ceilings(request.user) and ceiling.state == Round.FIRST_UP,
            "transitions": CEILING.allowed(request.user, ceiling),
            "rounds": selectors.rounds_table(ceiling),
            "round_labels": [r.label for r in Round],
            "events": ceiling_events(ceiling),
        },
    )


def ceiling_events(ceiling):
    return events_of(ceiling)[:30]


@login_required
@require_POST
def ceiling_transition(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    ceiling = _ceiling(request, year, unit_code)
    action = request.POST.get("action", "")
    try:
        params = {}
        if action == "recut":
            params["total"] = parsing.amount(request.POST.get("total"))
        services.ceiling_act(actor=request.user, ceiling=ceiling, action=action, reason=request.POST.get("reason", ""),
                             **params)  # fmt: skip
        messages.success(request, _("Done: %(action)s.") % {"action": CEILING.get(action).label})
    except BusinessRuleError as error:
        _error(request, error)
    if request.POST.get("back") == "cycle":
        return redirect("ceilings:cycle", year)
    return redirect("ceilings:unit", year, unit_code)


@login_required
def scenarios(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    if not policy.is_bureau_wide(request.user):
        raise Http404
    ceilings = selectors.ceilings_of(request.user, cycle).exclude(state=Round.SECOND_DOWN)
    unit_code = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit", "")
    if unit_code:
        ceilings = ceilings.filter(unit__code=unit_code)
    if request.method == "POST":
        if not policy.can_set_ceilings(request.user):
            raise PermissionDenied
        try:
            rate = parsing.percent(request.POST.get("percent"))
            events = services.scenario_apply(actor=request.user, ceilings=list(ceilings), percent=rate)
            messages.success(
                request,
                _("Scenario %(rate)s %% applied to %(n)s ceilings.")
                % {"rate": f"{rate:+}", "n": len(events)},
            )
        except BusinessRuleError as error:
            _error(request, error)
            return redirect(f"{request.path}?unit={unit_code}")
        return redirect("ceilings:cycle", year)
    try:
        rates = parsing.percents(request.GET.get("rates", ""))
    except BusinessRuleError as error:
        _error(request, error)
        rates = parsing.percents("")
    ceilings = list(ceilings)
    columns = [(rate, {row.ceiling.pk: row for row in services.scenario(ceilings, rate)}) for rate in rates]
    current = {c.pk: selectors.ceiling_view(c) for c in ceilings if c.total is not None}
    rows = [
        {
            "ceiling": c,
            "current": current[c.pk],
            "scenarios": [by_ceiling[c.pk] for _rate, by_ceiling in columns],
        }
        for c in ceilings
        if c.pk in current
    ]
    totals = [sum((r["scenarios"][i].new_total for r in rows), 0) for i in range(len(rates))]
    return render(
        request,
        "ceilings/scenarios.html",
        {
            "cycle": cycle, "rates": rates, "rows": rows, "totals": totals, "unit_code": unit_code,
            "rates_text": ",".join(str(r) for r in rates), "units": visible_units(request.user),
            "may_apply": policy.can_set_ceilings(request.user),
            "current_total": sum((r["ceiling"].total for r in rows), 0),
        },
    )  # fmt: skip


@login_required
def standards(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    cycle = _cycle(year)
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    budget = get_object_or_404(
        budgets_with_totals(UnitBudget.objects.restrict(request.user)), cycle=cycle, unit=unit
    )
    may_change = policy.can_change(request.user, budget)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        try:
            if request.POST.get("form") == "reason":
                code = get_object_or_404(EconomicCode, pk=request.POST.get("economic_code"))
                services.above_standard_reason_save(actor=request.user, budget=budget, economic_code=code,
                                                    reason=request.POST.get("reason", ""))  # fmt: skip
                messages.success(request, _("Reason saved."))
            else:
                services.basic_compute(actor=request.user, budget=budget)
                messages.success(request, _("Basic expenditure filled from the standards."))
        except BusinessRuleError as error:
            _error(request, error)
        return redirect("ceilings:standards", year, unit_code)
    working = selectors.basic_working(budget)
    reasons = {r.economic_code_id: r.reason for r in AboveStandardReason.objects.filter(budget=budget)}
    codes = {line.standard.economic_code_id: line.standard.economic_code for line in working.lines}
    comparison = [
        {"code": codes[pk], "standard": amount, "entered": working.entered.get(pk), "reason": reasons.get(pk, ""),
         "over": (working.entered.get(pk) or 0) > amount}
        for pk, amount in working.by_code.items()
    ]  # fmt: skip
    return render(
        request,
        "ceilings/standards.html",
        {"cycle": cycle, "unit": unit, "budget": budget, "working": working, "comparison": comparison,
         "may_change": may_change},
    )  # fmt: skip


@login_required
def monitoring(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    """Spending against time elapsed, per project and for the unit, with the warnings holding now."""
    cycle = _cycle(year)
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    budget = get_object_or_404(
        budgets_with_totals(UnitBudget.objects.restrict(request.user)), cycle=cycle, unit=unit
    )
    as_of, unit_row, projects = selectors.execution_of(budget)
    rules = list(WarningRule.objects.filter(enabled=True))
    warnings = [w for w in cycle_warnings(cycle, rules) if w.unit.pk == unit.pk] if as_of else []
    months = list(range(1, (as_of or 0) + 1))
    chart = {
        "labels": [f"{m}" for m in months],
        "elapsed": [round(m / 12 * 100, 1) for m in months],
        "unit": [
            float(round(v / unit_row.budget * 100, 1)) if unit_row.budget else 0 for v in unit_row.cumulative
        ],
        "elapsed_label": _("Time elapsed (%)"),
        "unit_label": _("Execution (%)"),
    }
    return render(
        request,
        "ceilings/monitoring.html",
        {"cycle": cycle, "unit": unit, "as_of": as_of, "unit_row": unit_row, "projects": projects,
         "elapsed": None if not as_of else Decimal(as_of) / 12, "warnings": warnings, "chart": chart},
    )  # fmt: skip


@login_required
def peers(request: HttpRequest, year: int) -> HttpResponse:
    """HQ's peer view: each branch's basic expenditure per head on the establishment (or, with
    ``?standard=``, its lines of one standard's economic code per unit of the standard's basis:
    per vehicle, per retiree, per m²) against the median of the other branches; those further
    than the tolerance are flagged."""
    cycle = _cycle(year)
    if not policy.is_bureau_wide(request.user):
        raise Http404
    try:
        tolerance = abs(parsing.percent(request.GET.get("tolerance") or "30")) / 100
    except BusinessRuleError as error:
        _error(request, error)
        tolerance = DEFAULT_TOLERANCE
    standards = selectors.comparable_standards(cycle)
    chosen = next((s for s in standards if str(s.pk) == request.GET.get("standard", "")), None)
    if chosen is None:
        rows = [
            (unit, staffing.actual_headcount, basic) for unit, staffing, basic in selectors.peer_costs(cycle)
        ]
    else:
        rows = selectors.peer_costs_of_standard(cycle, chosen)
    values = {
        unit: None if quantity is None else per_head(amount, quantity) for unit, quantity, amount in rows
    }
    compared = {p.key: p for p in compare({u: v for u, v in values.items() if v is not None})}
    table = [
        {"unit": unit, "quantity": quantity, "amount": amount, "per_unit": values[unit], "peer": compared.get(unit),
         "flagged": unit in compared and compared[unit].flagged(tolerance)}
        for unit, quantity, amount in rows
    ]  # fmt: skip
    context = {"cycle": cycle, "rows": table, "tolerance": tolerance * 100, "standards": standards, "chosen": chosen,
               "quantity_label": quantity_label(chosen.basis if chosen else StandardBasis.ACTUAL_HEAD)}  # fmt: skip
    return render(request, "ceilings/peers.html", context)


@login_required
def rounds_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The rounds of every ceiling the user may see, one sheet per unit."""
    cycle = _cycle(year)
    ceilings = selectors.ceilings_of(request.user, cycle).prefetch_related("snapshots")
    response = HttpResponse(
        rounds_workbook(ceilings),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ceilings-rounds-{year}.xlsx"'
    return response
