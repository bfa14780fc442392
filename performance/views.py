"""Pages. Thin: find what the user may see (core.policy), parse the form, call one service,
render. A BusinessRuleError becomes a form error; another unit's page answers 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets.deadlines import owed_deadline
from budgets.models import BudgetCycle, Project
from budgets.money import to_wan
from core import policy
from core.errors import BusinessRuleError
from core.models import EventType, Unit
from core.next_step import next_step, start_step

from . import exports, rubric, selectors, services
from .forms import (
    DepartmentEvaluationForm,
    DepartmentGoalForm,
    EvaluationForm,
    EvaluationLineForm,
    EvaluationScopeForm,
    IndicatorFormSet,
    MonitoringForm,
    MonitoringLineForm,
    ReviewForm,
    SpendingImportForm,
    TargetChangeForm,
    TaskFormSet,
    indicator_initial,
)
from .models import (
    EDITABLE_STATES,
    LEVEL1_OF,
    TARGET_SOURCES,
    Indicator,
    ProjectEvaluation,
    ProjectMonitoring,
    ReportState,
    TargetChange,
)
from .rules import TargetRow, target_problems

# --- Helpers -------------------------------------------------------------------------------

PROJECTS_PAGE = 50  # projects per page of a unit's performance page


def _cycle(year: int) -> BudgetCycle:
    return get_object_or_404(BudgetCycle.objects.prefetch_related("deadlines"), year=year)


def _unit(request: HttpRequest, unit_code: str) -> Unit:
    # Another unit's page answers 404, so that its existence is not confirmed either.
    return get_object_or_404(policy.visible_units(request.user), code=unit_code)


def _project(request: HttpRequest, year: int, unit_code: str, pk: int) -> Project:
    unit = _unit(request, unit_code)
    return get_object_or_404(
        Project.objects.select_related("budget__unit", "budget__cycle", "category"),
        pk=pk,
        budget__unit=unit,
        budget__cycle__year=year,
    )


def _rule_error(request: HttpRequest, exc: BusinessRuleError, form=None) -> None:
    """Show a broken rule where the user acts: on the form, with each problem it lists."""
    details = [p["message"] for p in exc.params.get("problems", [])]
    details += [f"{e['row']}: {e['message']}" for e in exc.params.get("errors", []) if isinstance(e, dict)]
    if form is not None:
        form.add_error(None, str(exc.message))
        for detail in details:
            form.add_error(None, detail)
    else:
        messages.error(request, " ".join([str(exc.message), *details]))


def _act(request: HttpRequest, action: Callable[[], Any], done: str, form=None) -> bool:
    try:
        action()
    except BusinessRuleError as exc:
        _rule_error(request, exc, form)
        return False
    messages.success(request, done)
    return True


def _review(request: HttpRequest, approve: Callable[..., Any], give_back: Callable[..., Any], **key) -> bool:
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if request.POST.get("action") == "approve":
        return _act(request, lambda: approve(**key, actor=request.user, comment=comment), _("Approved."))
    return _act(
        request, lambda: give_back(**key, actor=request.user, comment=comment), _("Returned for revision.")
    )


def _report_post(
    request: HttpRequest,
    *,
    here: str,
    editable: bool,
    form_class,
    line_form_class,
    line_ids,
    save: Callable[..., Any],
    submit: Callable[[], Any],
    approve: Callable[..., Any],
    give_back: Callable[..., Any],
    key: dict,
):
    """The POST of a monitoring report or a self-evaluation: HQ approves or returns it; the unit
    saves it, and submits it when asked. Returns (redirect, None, None) when done, else
    (None, bound form, bound line forms) to show the errors."""
    action = request.POST.get("action")
    if action in ("approve", "return"):
        _review(request, approve, give_back, **key)
        return redirect(here), None, None
    if not editable:
        raise PermissionDenied
    form = form_class(request.POST)
    line_forms = {i: line_form_class(request.POST, prefix=f"i{i}") for i in line_ids}
    if form.is_valid() and all(f.is_valid() for f in line_forms.values()):
        lines = {i: f.line_data() for i, f in line_forms.items()}
        saved = _act(request, lambda: save(lines=lines, **form.cleaned_data), _("Saved."), form)
        if saved and action == "submit":
            saved = _act(request, submit, _("Submitted to HQ."), form)
        if saved:
            return redirect(here), None, None
    return None, form, line_forms


# --- Overview pages ------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cycle = BudgetCycle.objects.order_by("-year").first()
    if cycle is None:
        raise Http404
    return redirect("performance:bureau", year=cycle.year)


@login_required
def bureau(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    if not policy.can_view_bureau(request.user):
        membership = policy.membership_of(request.user)
        if membership is None:
            raise PermissionDenied
        return redirect("performance:unit", year=year, unit_code=membership.unit.code)
    units = policy.visible_units(request.user)
    return render(
        request,
        "performance/bureau.html",
        {
            "cycle": cycle,
            "statuses": selectors.bureau_overview(cycle=cycle, units=units),
            "round": selectors.monitoring_round_of(cycle),
            "calendar": selectors.monitoring_calendar(cycle),
            "waiting": selectors.reports_waiting_for_review(cycle=cycle),
            "open_changes": selectors.open_target_changes(units).filter(
                indicator__project__budget__cycle=cycle
            ),
            "can_run_rounds": policy.can_run_performance_rounds(request.user),
        },
    )


@login_required
@require_POST
def monitoring_open(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    _act(
        request,
        lambda: services.monitoring_round_open(cycle=cycle, actor=request.user),
        _("Monitoring opened."),
    )
    return redirect("performance:bureau", year=year)


@login_required
def unit_page(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    cycle = _cycle(year)
    page = Paginator(selectors.projects_of_unit(cycle=cycle, unit=unit), PROJECTS_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "performance/unit.html",
        {
            "cycle": cycle,
            "unit": unit,
            "page": page,
            "statuses": selectors.unit_overview(cycle=cycle, unit=unit, projects=list(page.object_list)),
            "department_target": selectors.department_target_detail(cycle=cycle, unit=unit),
            "department_evaluation": selectors.department_evaluation_get(cycle=cycle, unit=unit),
            "round": selectors.monitoring_round_of(cycle),
            "calendar": selectors.monitoring_calendar(cycle),
            "can_edit": policy.can_edit_unit_performance(request.user, unit),
        },
    )


# --- Targets -------------------------------------------------------------------------------


def _target_page_context(request: HttpRequest, unit: Unit, cycle: BudgetCycle) -> dict[str, Any]:
    can_edit = policy.can_edit_unit_performance(request.user, unit)
    return {
        "cycle": cycle,
        "unit": unit,
        "can_edit": can_edit,
        "editable": can_edit and services.targets_editable(cycle),
        "sources": TARGET_SOURCES,
        "level1_of": json.dumps(LEVEL1_OF),
    }


@login_required
def project_targets(request: HttpRequest, year: int, unit_code: str, pk: int) -> HttpResponse:
    project = _project(request, year, unit_code, pk)
    context = _target_page_context(request, project.budget.unit, project.budget.cycle)
    context["editable"] = services.project_targets_editable(project=project, actor=request.user)
    indicators = list(selectors.indicators_of_project(project))
    formset = IndicatorFormSet(initial=indicator_initial(indicators), prefix="ind")
    if request.method == "POST":
        if not context["editable"]:
            raise PermissionDenied
        formset = IndicatorFormSet(request.POST, prefix="ind")
        if formset.is_valid():
            saved = _act(
                request,
                lambda: services.project_targets_save(
                    project=project, rows=formset.rows(), actor=request.user
                ),
                _("Targets saved."),
            )
            if saved:
                return redirect("performance:project_targets", year=year, unit_code=unit_code, pk=pk)
    return render(
        request,
        "performance/project_targets.html",
        {
            **context,
            "project": project,
            "indicators": indicators,
            "problems": selectors.problems_of_project(project),
            "formset": formset,
            "events": selectors.events_of(project).filter(type=EventType.TARGETS_SAVED),
        },
    )


@login_required
@require_POST
def targets_check(request: HttpRequest, year: int, unit_code: str, pk: int) -> JsonResponse:
    """The live check of the entry form: the DOMAIN §6 problems of the rows as typed, and how
    each target is read. Nothing is saved."""
    _project(request, year, unit_code, pk)
    formset = IndicatorFormSet(request.POST, prefix="ind")
    rows = []
    previews = {}
    for index, form in enumerate(formset.forms):
        prefix = form.prefix
        if request.POST.get(f"{prefix}-DELETE"):
            continue
        target = request.POST.get(f"{prefix}-target_text", "")
        rows.append(
            TargetRow(
                level1=request.POST.get(f"{prefix}-level1", ""),
                level2=request.POST.get(f"{prefix}-level2", ""),
                name=request.POST.get(f"{prefix}-name", ""),
                target_text=target,
                target_source=request.POST.get(f"{prefix}-target_source", ""),
                position=index,
            )
        )
        previews[index] = services.parse_target_preview(target)
    return JsonResponse(
        {"problems": [p.as_dict() for p in target_problems(rows)], "targets": previews},
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def department_targets(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    cycle = _cycle(year)
    context = _target_page_context(request, unit, cycle)
    target = selectors.department_target_detail(cycle=cycle, unit=unit)
    tasks = list(target.tasks.all()) if target else []
    indicators = list(target.indicators.all()) if target else []
    goal_form = DepartmentGoalForm(initial={"overall_goal": target.overall_goal if target else ""})
    task_formset = TaskFormSet(
        initial=[
            {
                "id": t.pk,
                "name": t.name,
                "content": t.content,
                "fiscal_wan": to_wan(t.fiscal_amount, 6).normalize(),
                "other_wan": to_wan(t.other_amount, 6).normalize(),
            }
            for t in tasks
        ],
        prefix="task",
    )
    formset = IndicatorFormSet(initial=indicator_initial(indicators), prefix="ind")
    if request.method == "POST":
        if not context["editable"]:
            raise PermissionDenied
        goal_form = DepartmentGoalForm(request.POST)
        task_formset = TaskFormSet(request.POST, prefix="task")
        formset = IndicatorFormSet(request.POST, prefix="ind")
        if goal_form.is_valid() and task_formset.is_valid() and formset.is_valid():
            tasks_data = [
                f.data_row()
                for f in task_formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            saved = _act(
                request,
                lambda: services.department_target_save(
                    cycle=cycle,
                    unit=unit,
                    overall_goal=goal_form.cleaned_data["overall_goal"],
                    tasks=tasks_data,
                    rows=formset.rows(),
                    actor=request.user,
                ),
                _("Targets saved."),
                goal_form,
            )
            if saved:
                return redirect("performance:department_targets", year=year, unit_code=unit_code)
    return render(
        request,
        "performance/department_targets.html",
        {
            **context,
            "target": target,
            "tasks": tasks,
            "tasks_total": sum((t.total_amount for t in tasks), start=0),
            "indicators": indicators,
            "goal_form": goal_form,
            "task_formset": task_formset,
            "formset": formset,
        },
    )


# --- The August checkpoint -----------------------------------------------------------------


def _report_next_step(
    request: HttpRequest, item, *, machine, problems, can_edit: bool, unit: Unit, cycle, where: str = ""
):
    """The page's "what to do next" (``core.next_step``): the report's machine, its problems as
    the submit guard sees them, the unit's edit rule and the deadline it still owes."""
    return next_step(
        request.user,
        item,
        machine=machine,
        problems=problems,
        can_edit=can_edit,
        deadline=lambda: owed_deadline(
            kind=machine.deadline_kind, unit=unit, cycle=cycle, today=timezone.localdate()
        ),
        where=where,
    )


def _start_step(can_start: bool, action: str, *, machine, unit: Unit, cycle):
    deadline = owed_deadline(kind=machine.deadline_kind, unit=unit, cycle=cycle, today=timezone.localdate())
    return start_step(can_start=can_start, action=action, deadline=deadline)


@login_required
def project_monitoring(request: HttpRequest, year: int, unit_code: str, pk: int) -> HttpResponse:
    project = _project(request, year, unit_code, pk)
    unit, cycle = project.budget.unit, project.budget.cycle
    round_ = selectors.monitoring_round_of(cycle)
    can_edit = policy.can_edit_unit_performance(request.user, unit)
    here = reverse("performance:project_monitoring", args=[year, unit_code, pk])
    monitoring = ProjectMonitoring.objects.filter(round=round_, project=project).first() if round_ else None
    if monitoring is None:
        if request.method == "POST" and round_ is not None:
            _act(
                request,
                lambda: services.project_monitoring_start(round=round_, project=project, actor=request.user),
                _("Monitoring form created."),
            )
            return redirect(here)
        return render(
            request,
            "performance/monitoring.html",
            {
                "cycle": cycle,
                "unit": unit,
                "project": project,
                "round": round_,
                "can_edit": can_edit,
                "next_step": _start_step(
                    can_edit,
                    _("Start the monitoring form"),
                    machine=services.MONITORING,
                    unit=unit,
                    cycle=cycle,
                )
                if round_
                else None,
            },
        )
    monitoring = selectors.monitoring_get(monitoring.pk, units=policy.visible_units(request.user))
    editable = can_edit and monitoring.state in EDITABLE_STATES
    form = MonitoringForm(
        initial={
            "adjusted_budget": monitoring.adjusted_budget,
            "adjusted_budget_source": monitoring.adjusted_budget_source,
            "expected_spending": monitoring.expected_spending,
            "remarks": monitoring.remarks,
        }
    )
    view = selectors.monitoring_detail(monitoring)
    line_forms = {
        row.indicator.pk: MonitoringLineForm(
            initial={name: getattr(row.line, name) for name in MonitoringLineForm.base_fields}
            if row.line
            else {},
            prefix=f"i{row.indicator.pk}",
        )
        for row in view.rows
    }
    if request.method == "POST":
        response, bound_form, bound_lines = _report_post(
            request,
            here=here,
            editable=editable,
            form_class=MonitoringForm,
            line_form_class=MonitoringLineForm,
            line_ids=line_forms,
            save=lambda **data: services.project_monitoring_save(
                monitoring=monitoring, actor=request.user, **data
            ),
            submit=lambda: services.project_monitoring_submit(monitoring=monitoring, actor=request.user),
            approve=services.project_monitoring_approve,
            give_back=services.project_monitoring_return,
            key={"monitoring": monitoring},
        )
        if response:
            return response
        form, line_forms = bound_form, bound_lines
        monitoring = selectors.monitoring_get(monitoring.pk, units=policy.visible_units(request.user))
        view = selectors.monitoring_detail(monitoring)
    return render(
        request,
        "performance/monitoring.html",
        {
            "cycle": cycle,
            "unit": unit,
            "project": project,
            "round": round_,
            "monitoring": monitoring,
            "view": view,
            "rows": [(row, line_forms[row.indicator.pk]) for row in view.rows],
            "form": form,
            "can_edit": can_edit,
            "editable": editable,
            "can_submit": policy.can_submit_unit_performance(request.user, unit) and editable,
            "can_review": policy.can_review_performance(request.user)
            and monitoring.state == ReportState.SUBMITTED,
            "can_decide_changes": policy.can_approve_target_change(request.user),
            "next_step": _report_next_step(
                request,
                monitoring,
                machine=services.MONITORING,
                problems=lambda: services.monitoring_problems(monitoring),
                can_edit=can_edit,
                unit=unit,
                cycle=cycle,
            ),
            "review_form": ReviewForm(),
            "events": selectors.events_of(monitoring),
            "changes": TargetChange.objects.filter(indicator__project=project).select_related(
                "indicator", "requested_by", "decided_by"
            ),
        },
    )


@login_required
def target_change_request(
    request: HttpRequest, year: int, unit_code: str, pk: int, indicator: int
) -> HttpResponse:
    project = _project(request, year, unit_code, pk)
    indicator_obj = get_object_or_404(Indicator, pk=indicator, project=project)
    form = TargetChangeForm()
    if request.method == "POST":
        form = TargetChangeForm(request.POST)
        if form.is_valid():
            done = _act(
                request,
                lambda: services.target_change_request(
                    indicator=indicator_obj, actor=request.user, **form.cleaned_data
                ),
                _("Target change requested from HQ."),
                form,
            )
            if done:
                return redirect("performance:project_monitoring", year=year, unit_code=unit_code, pk=pk)
    return render(
        request,
        "performance/target_change_form.html",
        {
            "cycle": project.budget.cycle,
            "unit": project.budget.unit,
            "project": project,
            "indicator": indicator_obj,
            "form": form,
        },
    )


@login_required
def target_changes(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    units = policy.visible_units(request.user)
    changes = (
        TargetChange.objects.filter(
            indicator__project__budget__cycle=cycle, indicator__project__budget__unit__in=units
        )
        .select_related("indicator__project__budget__unit", "requested_by", "decided_by")
        .order_by("state", "-requested_at")
    )
    return render(
        request,
        "performance/target_changes.html",
        {
            "cycle": cycle,
            "changes": changes,
            "can_decide": policy.can_approve_target_change(request.user),
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def target_change_decide(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    change = get_object_or_404(
        TargetChange.objects.select_related("indicator__project__budget__unit"),
        pk=pk,
        indicator__project__budget__cycle__year=year,
        indicator__project__budget__unit__in=policy.visible_units(request.user),
    )
    comment = request.POST.get("comment", "")
    if request.POST.get("action") == "approve":
        _act(
            request,
            lambda: services.target_change_approve(change=change, actor=request.user, comment=comment),
            _("Target change approved."),
        )
    else:
        _act(
            request,
            lambda: services.target_change_reject(change=change, actor=request.user, comment=comment),
            _("Target change rejected."),
        )
    project = change.indicator.project
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse(
            "performance:project_monitoring", args=[year, project.budget.unit.code, project.pk]
        )
    return redirect(next_url)


@login_required
def spending_import(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(year)
    if not policy.can_run_performance_rounds(request.user):
        raise PermissionDenied
    form = SpendingImportForm()
    row_errors: list[dict[str, Any]] = []
    if request.method == "POST":
        form = SpendingImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.spending_import(
                    cycle=cycle, filename=upload.name, content=upload.read(), actor=request.user
                )
            except BusinessRuleError as exc:
                form.add_error(None, str(exc.message))
                row_errors = (
                    exc.params.get("errors", []) if isinstance(exc.params.get("errors"), list) else []
                )
            else:
                messages.success(request, _("%(rows)s rows imported.") % {"rows": batch.rows})
                return redirect("performance:spending_import", year=year)
    return render(
        request,
        "performance/spending_import.html",
        {
            "cycle": cycle,
            "form": form,
            "row_errors": row_errors,
            "imports": cycle.spending_imports.select_related("imported_by")[:20],
        },
    )


# --- Self-evaluation -----------------------------------------------------------------------


@login_required
def project_evaluation(request: HttpRequest, year: int, unit_code: str, pk: int) -> HttpResponse:
    project = _project(request, year, unit_code, pk)
    unit, cycle = project.budget.unit, project.budget.cycle
    can_edit = policy.can_edit_unit_performance(request.user, unit)
    here = reverse("performance:project_evaluation", args=[year, unit_code, pk])
    evaluation = ProjectEvaluation.objects.filter(project=project).first()
    if evaluation is None:
        if request.method == "POST":
            _act(
                request,
                lambda: services.project_evaluation_start(project=project, actor=request.user),
                _("Self-evaluation created."),
            )
            return redirect(here)
        return render(
            request,
            "performance/evaluation.html",
            {
                "cycle": cycle,
                "unit": unit,
                "project": project,
                "can_edit": can_edit,
                "next_step": _start_step(
                    can_edit,
                    _("Start the self-evaluation"),
                    machine=services.PROJECT_EVALUATION,
                    unit=unit,
                    cycle=cycle,
                ),
            },
        )
    evaluation = selectors.evaluation_get(evaluation.pk, units=policy.visible_units(request.user))
    editable = can_edit and evaluation.state in EDITABLE_STATES
    view = selectors.evaluation_detail(evaluation)
    form = EvaluationForm(initial={name: getattr(evaluation, name) for name in EvaluationForm.base_fields})
    line_forms = {
        indicator.pk: EvaluationLineForm(
            initial={name: getattr(line, name) for name in EvaluationLineForm.base_fields} if line else {},
            prefix=f"i{indicator.pk}",
        )
        for indicator, line, _score in view.rows()
    }
    if request.method == "POST":
        response, bound_form, bound_lines = _report_post(
            request,
            here=here,
            editable=editable,
            form_class=EvaluationForm,
            line_form_class=EvaluationLineForm,
            line_ids=line_forms,
            save=lambda **data: services.project_evaluation_save(
                evaluation=evaluation, actor=request.user, **data
            ),
            submit=lambda: services.project_evaluation_submit(evaluation=evaluation, actor=request.user),
            approve=services.project_evaluation_approve,
            give_back=services.project_evaluation_return,
            key={"evaluation": evaluation},
        )
        if response:
            return response
        form, line_forms = bound_form, bound_lines
        evaluation = selectors.evaluation_get(evaluation.pk, units=policy.visible_units(request.user))
        view = selectors.evaluation_detail(evaluation)
    return render(
        request,
        "performance/evaluation.html",
        {
            "cycle": cycle,
            "unit": unit,
            "project": project,
            "evaluation": evaluation,
            "view": view,
            "rows": [(i, line, score, line_forms[i.pk]) for i, line, score in view.rows()],
            "form": form,
            "can_edit": can_edit,
            "editable": editable,
            "can_submit": policy.can_submit_unit_performance(request.user, unit) and editable,
            "can_review": policy.can_review_performance(request.user)
            and evaluation.state == ReportState.SUBMITTED,
            "next_step": _report_next_step(
                request,
                evaluation,
                machine=services.PROJECT_EVALUATION,
                problems=lambda: services.evaluation_problems(evaluation),
                can_edit=can_edit,
                unit=unit,
                cycle=cycle,
            ),
            "review_form": ReviewForm(),
            "events": selectors.events_of(evaluation),
        },
    )


def _rubric_rows(
    score: rubric.DepartmentScore, form: DepartmentEvaluationForm | None, inputs: dict[str, Any]
):
    """The rubric as a table: one row per item, with the level cells' row spans."""
    figures = inputs.get("figures") or {}
    deductions = inputs.get("deductions") or {}
    checklist = inputs.get("checklist") or {}
    rows = []
    # A figure used by several items (实有在编人数, 调整后预算 …) is one input, where it is first used:
    # two inputs of the same name would post two values, and the empty one would win.
    entered_at: dict[str, str] = {}
    for n, item_score in enumerate(score.items):
        item = item_score.item
        previous = score.items[n - 1].item if n else None
        level2_first = previous is None or previous.level2 != item.level2
        level1_first = previous is None or rubric.PARENT[previous.level2] != rubric.PARENT[item.level2]
        rows.append(
            {
                "item": item,
                "score": item_score,
                "level1": next(level for level in rubric.LEVEL1 if level.key == rubric.PARENT[item.level2]),
                "level2": next(level for level in rubric.LEVEL2 if level.key == item.level2),
                "level1_first": level1_first,
                "level2_first": level2_first,
                "level1_span": sum(
                    1 for s in score.items if rubric.PARENT[s.item.level2] == rubric.PARENT[item.level2]
                ),
                "level2_span": sum(1 for s in score.items if s.item.level2 == item.level2),
                "level1_max": rubric.level1_max(rubric.PARENT[item.level2]),
                "level2_max": rubric.level2_max(item.level2),
                "figures": [_figure_row(key, item, figures, form, entered_at) for key in item.figures],
                "deductions": [
                    {
                        "deduction": d,
                        "entry": deductions.get(d.key) or {},
                        "points_field": form[f"{d.key}__deduction"] if form else None,
                        "reason_field": form[f"{d.key}__deduction_reason"] if form else None,
                    }
                    for d in item.deductions
                ],
                "checklist": checklist.get(item.key) or {},
                "points_field": form[f"{item.key}__points"] if form and not item.is_formula else None,
                "reason_field": form[f"{item.key}__reason"] if form and not item.is_formula else None,
            }
        )
    return rows


def _figure_row(key: str, item, figures: dict, form, entered_at: dict[str, str]) -> dict:
    first = key not in entered_at
    entered_at.setdefault(key, item.name)
    figure = rubric.FIGURES[key]
    entry = figures.get(key) or {}
    return {
        "figure": figure,
        "entry": entry,
        "shown": exports.figure_text(figure, entry.get("value")),
        "value_field": form[f"{key}__value"] if form and first else None,
        "source_field": form[f"{key}__source"] if form and first else None,
        "entered_at": None if first else entered_at[key],
    }


def _scope_candidates(request: HttpRequest, unit: Unit) -> list[Unit]:
    return [
        u
        for u in selectors.scope_candidates(unit)
        if policy.can_evaluate_scope(request.user, unit, [unit, u])
    ]


@login_required
def department_evaluation(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    cycle = _cycle(year)
    can_edit = policy.can_edit_unit_performance(request.user, unit)
    here = reverse("performance:department_evaluation", args=[year, unit_code])
    evaluation = selectors.department_evaluation_get(cycle=cycle, unit=unit)
    candidates = _scope_candidates(request, unit) if can_edit else []
    if evaluation is None:
        scope_form = EvaluationScopeForm(
            request.POST or None, candidates=candidates, initial_scope=selectors.default_scope(unit)
        )
        if request.method == "POST":
            if not can_edit:
                raise PermissionDenied
            if scope_form.is_valid():
                started = _act(
                    request,
                    lambda: services.department_evaluation_start(
                        cycle=cycle, unit=unit, actor=request.user, scope=scope_form.units()
                    ),
                    _("Self-evaluation created."),
                    scope_form,
                )
                if started:
                    return redirect(here)
        return render(
            request,
            "performance/department_evaluation.html",
            {"cycle": cycle, "unit": unit, "can_edit": can_edit, "scope_form": scope_form},
        )
    editable = can_edit and evaluation.state in EDITABLE_STATES
    scope = list(evaluation.scope.all())
    form = DepartmentEvaluationForm(inputs=evaluation.inputs) if editable else None
    scope_form = (
        EvaluationScopeForm(candidates=candidates, initial_scope=scope)
        if editable and len(candidates) > 1
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("approve", "return"):
            _review(
                request,
                services.department_evaluation_approve,
                services.department_evaluation_return,
                evaluation=evaluation,
            )
            return redirect(here)
        if not editable:
            raise PermissionDenied
        if action == "scope":
            scope_form = EvaluationScopeForm(request.POST, candidates=candidates, initial_scope=scope)
            if scope_form.is_valid() and _act(
                request,
                lambda: services.department_evaluation_set_scope(
                    evaluation=evaluation, scope=scope_form.units(), actor=request.user
                ),
                _("Scope changed; the figures from the application's records now cover it."),
                scope_form,
            ):
                return redirect(here)
        else:
            form = DepartmentEvaluationForm(request.POST, inputs=evaluation.inputs)
            if form.is_valid():
                try:
                    services.department_evaluation_save(
                        evaluation=evaluation, inputs=form.inputs(), actor=request.user
                    )
                    if action == "submit":
                        services.department_evaluation_submit(evaluation=evaluation, actor=request.user)
                except rubric.RubricInputError as exc:
                    form.add_error(None, str(exc.message))
                    form.add_rubric_errors(exc.params["errors"])
                except BusinessRuleError as exc:
                    _rule_error(request, exc, form)
                else:
                    messages.success(request, _("Submitted to HQ.") if action == "submit" else _("Saved."))
                    return redirect(here)
                evaluation.refresh_from_db()
    score = selectors.department_score(evaluation)
    can_submit = policy.can_submit_unit_performance(request.user, unit) and editable
    can_review = policy.can_review_performance(request.user) and evaluation.state == ReportState.SUBMITTED
    return render(
        request,
        "performance/department_evaluation.html",
        {
            "cycle": cycle,
            "unit": unit,
            "evaluation": evaluation,
            "scope": scope,
            "scope_label": selectors.scope_label(scope),
            "scope_form": scope_form,
            "score": score,
            "rows": _rubric_rows(score, form, evaluation.inputs),
            "levels": _level_totals(score),
            "form": form,
            "can_edit": can_edit,
            "editable": editable,
            "can_submit": can_submit,
            "can_review": can_review,
            "next_step": _report_next_step(
                request,
                evaluation,
                machine=services.DEPARTMENT_EVALUATION,
                problems=[{"message": key} for key in [*score.missing, *score.errors]],
                can_edit=can_edit,
                unit=unit,
                cycle=cycle,
                where=_("the rubric, marked in red"),
            ),
            "review_form": ReviewForm(),
            "events": selectors.events_of(evaluation),
            "department_target": selectors.department_target_detail(cycle=cycle, unit=unit),
        },
    )


def _level_totals(score: rubric.DepartmentScore) -> list[dict[str, Any]]:
    return [
        {"level": level, "max": rubric.level1_max(level.key), "points": score.level1_points(level.key)}
        for level in rubric.LEVEL1
    ]


@login_required
def department_report(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    cycle = _cycle(year)
    evaluation = selectors.department_evaluation_get(cycle=cycle, unit=unit)
    if evaluation is None:
        raise Http404
    score = selectors.department_score(evaluation)
    return render(
        request,
        "performance/department_report.html",
        {
            "cycle": cycle,
            "unit": unit,
            "evaluation": evaluation,
            "score": score,
            "rows": _rubric_rows(score, None, evaluation.inputs),
            "levels": _level_totals(score),
            "scope_label": selectors.scope_label(list(evaluation.scope.all())),
            "events": selectors.events_of(evaluation),
        },
    )


@login_required
def department_xlsx(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    unit = _unit(request, unit_code)
    cycle = _cycle(year)
    evaluation = selectors.department_evaluation_get(cycle=cycle, unit=unit)
    if evaluation is None:
        raise Http404
    content = exports.department_evaluation_xlsx(evaluation, selectors.department_score(evaluation))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="self-evaluation-{year}-{unit.code}.xlsx"'
    return response
