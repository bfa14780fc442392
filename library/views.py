"""The library's pages: parse, call one service, render. Another unit's project answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets.models import BudgetCycle, CycleState, ProjectCategory
from core import policy
from core.errors import BusinessRuleError
from core.roles import UNIT_STAFF_ROLES

from . import importing, selectors, services
from .models import DIMENSIONS, Conclusion, LibraryProject, LibraryYear, ProjectKind
from .workflow import LIBRARY


def _preparing_cycle() -> BudgetCycle | None:
    return BudgetCycle.objects.filter(state=CycleState.PREPARATION).order_by("-year").first()


def _cycle_being_prepared() -> BudgetCycle:
    """The cycle an assessment, a plan or a roll belongs to; refused when none is in preparation."""
    cycle = _preparing_cycle()
    if cycle is None:
        raise BusinessRuleError("no_cycle", _("No budget is being prepared."))
    return cycle


def _visible(user, pk: int) -> LibraryProject:
    return get_object_or_404(selectors.visible_projects(user), pk=pk)


def _fail(request, error: BusinessRuleError) -> None:
    messages.error(request, str(error.message))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    projects = selectors.visible_projects(request.user)
    state = request.GET.get("state", "")
    if state:
        projects = projects.filter(state=state)
    membership = policy.membership_of(request.user)
    cycle = _preparing_cycle()
    return render(request, "library/index.html", {
        "projects": projects,
        "state": state,
        "states": LIBRARY.states.choices,
        "cycle": cycle,
        "can_propose": membership is not None and policy.acts_for_unit(request.user, membership.unit_id, UNIT_STAFF_ROLES),
        "can_roll": cycle is not None and policy.is_hq_decider(request.user),
    })  # fmt: skip


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    membership = policy.membership_of(request.user)
    cycle = _preparing_cycle()
    if (
        membership is None
        or cycle is None
        or not policy.acts_for_unit(request.user, membership.unit_id, UNIT_STAFF_ROLES)
    ):
        raise Http404
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        category = ProjectCategory.objects.filter(pk=values.get("category") or None).first()
        try:
            project = services.library_propose(
                actor=request.user, unit=membership.unit, cycle=cycle, name=values.get("name", ""),
                kind=values.get("kind", ""), category=category, content=values.get("content", ""),
                necessity=values.get("necessity", ""), midterm_goal=values.get("midterm_goal", ""),
                plan=[values.get(f"plan_{i}", "") for i in range(3)],
                targets=[values.get(f"target_{i}", "") for i in range(3)],
            )  # fmt: skip
        except BusinessRuleError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Proposed to the library: %(code)s.") % {"code": project.code})
            return redirect("library:project", project.pk)
    return render(request, "library/propose.html", {
        "cycle": cycle, "kinds": ProjectKind.choices, "categories": ProjectCategory.objects.all(),
        "values": values, "years": [cycle.year + i for i in range(3)],
    })  # fmt: skip


@login_required
def import_rows(request: HttpRequest) -> HttpResponse:
    membership = policy.membership_of(request.user)
    cycle = _preparing_cycle()
    if (
        membership is None
        or cycle is None
        or not policy.acts_for_unit(request.user, membership.unit_id, UNIT_STAFF_ROLES)
    ):
        raise Http404
    errors = []
    if request.method == "POST" and request.FILES.get("file"):
        try:
            created = importing.library_import(actor=request.user, unit=membership.unit, cycle=cycle,
                                               file=request.FILES["file"])  # fmt: skip
        except importing.ImportRefused as refused:
            errors = refused.errors
        else:
            messages.success(
                request, _("Proposed to the library: %(count)d projects.") % {"count": len(created)}
            )
            return redirect("library:index")
    return render(request, "library/import.html", {
        "cycle": cycle, "errors": errors, "years": [cycle.year + i for i in range(3)],
    })  # fmt: skip


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    library_project = _visible(request.user, pk)
    cycle = _preparing_cycle()
    rows = selectors.timeline(library_project)
    current = next((r for r in rows if cycle and r.link.cycle_id == cycle.pk), None)
    return render(request, "library/project.html", {
        "lp": library_project,
        "cycle": cycle,
        "rows": rows,
        "current": current,
        "can_edit_reason": current is not None and policy.can_change(request.user, current.project),
        "plans": selectors.plan_table(library_project),
        "assessments": library_project.assessments.select_related("cycle", "assessed_by"),
        "transitions": LIBRARY.allowed(request.user, library_project),
        "can_assess": policy.is_hq_decider(request.user) and library_project.is_open,
        "can_plan": library_project.is_open and policy.acts_for_unit(request.user, library_project.unit_id, UNIT_STAFF_ROLES),
        "plan_year": cycle.year if cycle else None,
        "current_plan": selectors.plan_of(library_project, made_in=cycle.year) if cycle else {},
        "dimensions": DIMENSIONS,
        "conclusions": Conclusion.choices,
        "events": selectors.events(library_project),
    })  # fmt: skip


@require_POST
@login_required
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    library_project = _visible(request.user, pk)
    try:
        services.library_transition(
            library_project=library_project, action=request.POST.get("action", ""), actor=request.user,
            reason=request.POST.get("reason", ""), cycle=_preparing_cycle(),
        )  # fmt: skip
    except BusinessRuleError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("library:project", pk)


@require_POST
@login_required
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    library_project = _visible(request.user, pk)
    try:
        cycle = _cycle_being_prepared()
        services.assessment_record(
            actor=request.user, library_project=library_project, cycle=cycle,
            scores={d: request.POST.get(d, "") for d in DIMENSIONS},
            conclusion=request.POST.get("conclusion", ""), reasons=request.POST.get("reasons", ""),
        )  # fmt: skip
    except BusinessRuleError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Assessment recorded."))
    return redirect("library:project", pk)


@require_POST
@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    library_project = _visible(request.user, pk)
    try:
        cycle = _cycle_being_prepared()
        services.plan_save(
            actor=request.user, library_project=library_project, made_in=cycle.year,
            amounts=[request.POST.get(f"plan_{i}", "") for i in range(3)],
            targets=[request.POST.get(f"target_{i}", "") for i in range(3)],
        )  # fmt: skip
    except BusinessRuleError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Plan saved."))
    return redirect("library:project", pk)


@require_POST
@login_required
def departure_reason(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(LibraryYear.objects.restrict(request.user), pk=pk)
    try:
        services.plan_departure_reason_save(
            actor=request.user, link=link, reason=request.POST.get("reason", "")
        )
    except BusinessRuleError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Reason saved."))
    return redirect("library:project", link.library_project_id)


@require_POST
@login_required
def roll(request: HttpRequest) -> HttpResponse:
    try:
        cycle = _cycle_being_prepared()
        count = services.plan_roll_forward(actor=request.user, cycle=cycle)
    except BusinessRuleError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("Plans rolled forward into %(year)s: %(count)d projects.")
            % {"year": cycle.year, "count": count},
        )
    return redirect("library:index")
