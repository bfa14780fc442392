"""Pages. Thin: ask the policy who may see what, the selectors for data, then render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets import checks
from core import policy
from core.errors import BusinessRuleError
from core.next_step import next_step
from core.policy import can_view_bureau, membership_of, visible_units

from . import history as workflow
from . import notes, services
from .adjustments import initial_amount
from .consistency import cycle_figures
from .deadlines import owed_deadline, unit_deadlines
from .forms import (
    BasicLineFormSet,
    ProcurementLineFormSet,
    ProjectForm,
    SubItemFormSet,
    ThreePublicForm,
    model_rows,
    sub_item_rows,
)
from .models import BudgetCycle, Project, StaffingFact, UnitBudget
from .selectors import bureau_totals, cycle_budgets, unit_budget_detail
from .services import PROJECT_FIELDS
from .states import not_editable_message
from .workflow import machine_of

FINDINGS_PAGE = 50  # consistency findings per page of the bureau overview


def _latest_cycle() -> BudgetCycle | None:
    return BudgetCycle.objects.order_by("-year").first()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cycle = _latest_cycle()
    if cycle is None:
        return render(request, "budgets/empty.html")
    if can_view_bureau(request.user):
        return redirect("approvals:dashboard", year=cycle.year)
    if policy.works_in_admin_only(request.user):
        return redirect("admin:index")
    membership = membership_of(request.user)
    if membership is None:
        raise PermissionDenied
    return redirect("budgets:unit", year=cycle.year, unit_code=membership.unit.code)


@login_required
def bureau_overview(request: HttpRequest, year: int) -> HttpResponse:
    if not can_view_bureau(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, year=year)
    figures = cycle_figures(cycle)
    budgets = cycle_budgets(cycle, figures.totals)
    return render(
        request,
        "budgets/bureau.html",
        {
            "cycle": cycle,
            "budgets": budgets,
            "bureau": bureau_totals(budgets),
            "findings": Paginator(figures.findings, FINDINGS_PAGE).get_page(request.GET.get("page")),
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
    deadlines = unit_deadlines(unit=unit, cycle=cycle, today=timezone.localdate())
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
            "may_add_projects": services.can_add_project(request.user, budget),
            "line_adjustments": budget.adjustments.filter(basic_line__isnull=False).select_related(
                "basic_line__functional_code",
                "basic_line__economic_code",
                "basic_line__funding_source",
                "requested_by",
                "decided_by",
            ),
            "can_request_line_adjustment": policy.can_request_adjustment(request.user, budget),
            "deadlines": deadlines,
            **_workflow_context(request.user, budget, deadlines=deadlines),
        },
    )


def _workflow_context(user, item, *, deadlines=None) -> dict:
    problems = checks.problems_for(item)
    machine = machine_of(item)
    budget = getattr(item, "budget", item)

    def deadline():
        return owed_deadline(
            kind=machine.deadline_kind,
            unit=budget.unit,
            cycle=budget.cycle,
            today=timezone.localdate(),
            among=deadlines,
        )

    return {
        "next_step": next_step(
            user,
            item,
            machine=machine,
            problems=problems,
            deadline=deadline,
            waiting_hint=not_editable_message(item) if policy.can_request_adjustment(user, item) else "",
            where=_("Before submitting"),
        ),
        "transitions": machine.allowed(user, item),
        "problems": problems,
        "blocking_problems": checks.blocking(problems),
        "can_edit": policy.can_change(user, item),
        "can_comment": policy.can_comment(user),
        "events": workflow.events_of(item),
        "open_comments": workflow.open_comments(item),
        "return_reason": workflow.return_reason(item) if item.state == "returned" else "",
        "changes": workflow.changes_since_hq_saw(item),
        "field_history": workflow.field_history(item),
    }


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
    context = {
        "unit": unit,
        "cycle": budget.cycle,
        "project": project,
        "adjustments": project.adjustments.select_related("requested_by", "decided_by"),
        "initial_amount": initial_amount(project),
        "can_request_adjustment": policy.can_request_adjustment(request.user, project),
        "comment_targets": _comment_targets(project),
        "project_notes": notes.project_notes(project, bureau_wide=policy.is_bureau_wide(request.user)),
        **_workflow_context(request.user, project),
    }
    return render(request, "budgets/project.html", context)


def _comment_targets(project) -> list[tuple[str, str]]:
    targets = [("", _("the whole request"))]
    targets += [(f"field:{name}", str(Project._meta.get_field(name).verbose_name)) for name in PROJECT_FIELDS]
    targets += [(f"sub_item:{s.pk}", f"{_('Sub-item')}: {s.name}") for s in project.sub_items.all()]
    targets += [(f"indicator:{i.pk}", f"{_('Indicator')}: {i.name}") for i in project.indicators.all()]
    return targets


def _project_form_page(request, *, budget, project=None):
    form = ProjectForm(request.POST or None, instance=project)
    formset = SubItemFormSet(
        request.POST or None,
        prefix="sub",
        initial=[{"id": s.pk, "name": s.name, "amount": s.amount, "description": s.description}
                 for s in project.sub_items.all()] if project else None,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            if project is None:
                project = services.project_create(
                    budget=budget, actor=request.user, data=data, sub_items=sub_item_rows(formset)
                )
            else:
                project = services.project_update(
                    project=project,
                    actor=request.user,
                    version=form.cleaned_data.get("expected_version"),
                    data=data,
                    sub_items=sub_item_rows(formset),
                )
        except BusinessRuleError as error:
            field = error.params.get("field")
            form.add_error(field if field in form.fields else None, str(error.message))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("budgets:project", budget.cycle.year, budget.unit.code, project.pk)
    return render(
        request,
        "budgets/project_form.html",
        {
            "form": form,
            "formset": formset,
            "budget": budget,
            "unit": budget.unit,
            "cycle": budget.cycle,
            "project": project,
            "open_comments": workflow.open_comments(project) if project else [],
            "return_reason": workflow.return_reason(project)
            if project and project.state == "returned"
            else "",
            "changes": workflow.changes_since_hq_saw(project) if project else [],
        },
    )


def _require_change(user, item) -> None:
    """403 unless the user may change the item, saying why: the role, or the item's state."""
    refusal = policy.change_refusal(user, item)
    if refusal == "state":
        raise PermissionDenied(not_editable_message(item))
    if refusal == "role":
        raise PermissionDenied


@login_required
def project_new(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    budget = get_object_or_404(
        UnitBudget.objects.select_related("cycle", "unit"), cycle__year=year, unit=unit
    )
    if not services.can_add_project(request.user, budget):
        raise PermissionDenied
    return _project_form_page(request, budget=budget)


@login_required
def project_edit(request: HttpRequest, year: int, unit_code: str, pk: int) -> HttpResponse:
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    budget = get_object_or_404(
        UnitBudget.objects.select_related("cycle", "unit"), cycle__year=year, unit=unit
    )
    project = get_object_or_404(budget.projects.all(), pk=pk)
    _require_change(request.user, project)
    return _project_form_page(request, budget=budget, project=project)


@login_required
def budget_edit(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    """The unit's own submission: basic expenditure, procurement and 三公 on one page."""
    unit = get_object_or_404(visible_units(request.user), code=unit_code)
    budget = get_object_or_404(
        UnitBudget.objects.select_related("cycle", "unit"), cycle__year=year, unit=unit
    )
    _require_change(request.user, budget)
    data = request.POST or None
    basic = BasicLineFormSet(data, prefix="basic", queryset=budget.basic_lines.all())
    procurement = ProcurementLineFormSet(
        data, prefix="proc", queryset=budget.procurement_lines.all(), form_kwargs={"budget": budget}
    )
    years = [year, year - 1]
    three_public = [
        ThreePublicForm(data, prefix=f"tp{y}", instance=budget.three_public.filter(year=y).first())
        for y in years
    ]
    version = request.POST.get("expected_version") if request.method == "POST" else budget.version
    if (
        request.method == "POST"
        and basic.is_valid()
        and procurement.is_valid()
        and all(f.is_valid() for f in three_public)
    ):
        try:
            services.budget_lines_save(
                budget=budget,
                actor=request.user,
                version=int(version) if version else None,
                basic_lines=model_rows(basic),
                procurement_lines=model_rows(procurement),
                three_public=[
                    {"year": y, **f.cleaned_data} for y, f in zip(years, three_public, strict=True)
                ],
            )
        except services.RowInvalid as error:
            formset = {"basic": basic, "procurement": procurement}[error.section]
            form = formset.forms[error.row]
            for field, texts in error.errors.items():
                for text in texts:
                    form.add_error(None if field == "__all__" or field not in form.fields else field, text)
            messages.error(request, _("A row has an error: it is marked below. Nothing was saved."))
        except (BusinessRuleError, ValidationError) as error:
            messages.error(request, str(getattr(error, "message", error)))
        else:
            messages.success(request, _("Saved."))
            return redirect("budgets:unit", year, unit.code)
    return render(
        request,
        "budgets/budget_form.html",
        {
            "unit": unit,
            "cycle": budget.cycle,
            "budget": budget,
            "basic": basic,
            "procurement": procurement,
            "three_public": list(zip(years, three_public, strict=True)),
            "version": version,
        },
    )
