"""Reads of the project library: assessments, the plan, a project's years and the facts its
suggestion is computed from (last year's evaluation, monitoring and spending, read through the
performance app's own selectors so that a grade or a light is computed one way only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from budgets.adjustments import initial_amount
from budgets.models import BudgetCycle, Project
from budgets.money import format_money
from budgets.states import LOCKED_STATES
from core.events import events_of
from core.models import Event, EventType
from performance.models import ProjectEvaluation, ProjectMonitoring, ReportState
from performance.selectors import evaluation_views, monitoring_views

from . import suggestions
from .models import (
    Assessment,
    LibraryProject,
    LibrarySettings,
    LibraryYear,
    PlanRow,
    SuggestionDecision,
    SuggestionRule,
)

ZERO = Decimal("0.00")
# A self-evaluation counts once the unit has sent it to HQ.
RESULT_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


def wan(amount: Decimal) -> str:
    return format_money(amount)


def latest_assessment(
    library_project: LibraryProject, *, cycle: BudgetCycle | None = None
) -> Assessment | None:
    assessments = Assessment.objects.filter(library_project=library_project)
    if cycle is not None:
        assessments = assessments.filter(cycle=cycle)
    return assessments.order_by("-assessed_at", "-id").first()


def assessment_threshold(cycle: BudgetCycle) -> Decimal:
    settings = LibrarySettings.objects.filter(cycle=cycle).first()
    return (
        settings.assessment_threshold
        if settings
        else LibrarySettings._meta.get_field("assessment_threshold").default
    )


# --- The three-year plan ---------------------------------------------------------------------


def plan_of(library_project: LibraryProject, *, made_in: int) -> dict[int, PlanRow]:
    return {r.year: r for r in PlanRow.objects.filter(library_project=library_project, made_in=made_in)}


def latest_plan_year(library_project: LibraryProject) -> int | None:
    row = PlanRow.objects.filter(library_project=library_project).order_by("-made_in").first()
    return row.made_in if row else None


def planned_amount(library_project: LibraryProject, *, year: int) -> Decimal:
    """What the plan says for ``year``: the plan made for that year, else last year's plan."""
    for made_in in (year, year - 1, year - 2):
        row = PlanRow.objects.filter(library_project=library_project, made_in=made_in, year=year).first()
        if row is not None:
            return row.amount
    return ZERO


def last_years_plan_for(library_project: LibraryProject, *, year: int) -> PlanRow | None:
    """What the plan made a year before said for ``year``: a request departing from it needs a reason."""
    return PlanRow.objects.filter(library_project=library_project, made_in=year - 1, year=year).first()


def plan_total(library_project: LibraryProject, *, made_in: int) -> Decimal:
    return sum((r.amount for r in plan_of(library_project, made_in=made_in).values()), ZERO)


# --- Years ---------------------------------------------------------------------------------------


def library_year_of(project: Project) -> LibraryYear | None:
    return (
        LibraryYear.objects.select_related("library_project", "cycle").filter(project_id=project.pk).first()
    )


def previous_request(library_project: LibraryProject, *, year: int) -> Project | None:
    link = (
        LibraryYear.objects.filter(library_project=library_project, cycle__year__lt=year)
        .select_related("project")
        .order_by("-cycle__year")
        .first()
    )
    return link.project if link else None


def approved_before(library_project: LibraryProject, *, year: int) -> bool:
    """An earlier year's request of the project was approved (it has been through HQ's review)."""
    return LibraryYear.objects.filter(
        library_project=library_project, cycle__year__lt=year, project__state__in=list(LOCKED_STATES)
    ).exists()


def requested_amount(project: Project) -> Decimal:
    """What the unit asked HQ for: the amount of the latest sign-off; without one, the amount
    before HQ's first cut; without either, the request as it is."""
    project_events = events_of(project)
    sign_off = project_events.filter(type=EventType.SIGN_OFF).first()
    fields = (sign_off.data.get("snapshot") or {}).get("fields", {}) if sign_off else {}
    if "fiscal_amount" not in fields:
        first_cut = project_events.filter(type=EventType.CUT).order_by("created_at", "id").first()
        fields = first_cut.data.get("before", {}) if first_cut else {}
    if "fiscal_amount" in fields:
        return Decimal(fields["fiscal_amount"] or 0) + Decimal(fields.get("other_amount") or 0)
    return project.amount


# --- The facts behind a suggestion ----------------------------------------------------------------


def facts_for(library_project: LibraryProject, *, year: int) -> suggestions.Facts:
    """From the project's latest earlier year with results: the self-evaluation's grade and its
    full-year spending; else the monitoring report's spending to date. Lights come from the
    latest earlier monitoring report."""
    earlier = list(
        Project.objects.filter(library_year__library_project=library_project, budget__cycle__year__lt=year)
        .select_related("budget__cycle")
        .order_by("-budget__cycle__year")
    )
    grade = None
    budget = spent = None
    source = ""
    evaluations = list(
        ProjectEvaluation.objects.filter(project__in=earlier, state__in=RESULT_STATES)
        .order_by("-project__budget__cycle__year")
    )  # fmt: skip
    if evaluations:
        view = evaluation_views(evaluations[:1])[0]
        grade = view.score.grade
        if view.evaluation.spending is not None:
            budget = view.evaluation.adjusted_budget or view.evaluation.project.amount
            spent = view.evaluation.spending
            source = _("%(year)s self-evaluation") % {"year": view.evaluation.project.budget.cycle.year}
    red = None
    monitorings = list(
        ProjectMonitoring.objects.filter(project__in=earlier).order_by("-project__budget__cycle__year")
    )
    if monitorings:
        view = monitoring_views(monitorings[:1])[0]
        red = view.lights.get("red", 0)
        if spent is None:
            budget, spent = view.budget, view.spending_to_date
            source = _("%(year)s monitoring, to month %(month)s") % {
                "year": view.monitoring.project.budget.cycle.year,
                "month": view.calendar.month,
            }
    return suggestions.Facts(grade=grade, red_lights=red, budget=budget, spent=spent, source=source)


def active_rules() -> list[suggestions.Rule]:
    return [
        suggestions.Rule(
            name=r.name,
            condition=r.condition,
            effect=r.effect,
            percent=r.percent,
            grade=r.grade,
            threshold=r.threshold,
        )
        for r in SuggestionRule.objects.filter(active=True)
    ]


def suggestion_for(project: Project) -> suggestions.Suggestion | None:
    """The suggested amount of a year's request of a library project that has an earlier year
    (a project new to the budget has no results to learn from)."""
    link = library_year_of(project)
    if link is None or previous_request(link.library_project, year=link.cycle.year) is None:
        return None
    return suggestions.suggest(
        requested=requested_amount(project),
        facts=facts_for(link.library_project, year=link.cycle.year),
        rules=active_rules(),
    )


# --- The timeline --------------------------------------------------------------------------------


@dataclass
class YearRow:
    link: LibraryYear
    project: Project
    initial: Decimal
    requested: Decimal
    evaluation: ProjectEvaluation | None = None
    grade: str | None = None
    monitoring: ProjectMonitoring | None = None
    lights: dict[str, int] = field(default_factory=dict)
    execution_rate: Decimal | None = None
    planned: PlanRow | None = None
    decisions: list[SuggestionDecision] = field(default_factory=list)


def timeline(library_project: LibraryProject) -> list[YearRow]:
    """Every year's request, approved amount, adjustments, targets, monitoring and evaluation."""
    links = list(
        library_project.years.select_related("cycle", "project__budget__unit", "project__budget__cycle")
        .prefetch_related("project__adjustments", "project__indicators", "project__suggestion_decisions")
        .order_by("cycle__year")
    )
    projects = [link.project for link in links]
    evaluations = {e.project_id: e for e in ProjectEvaluation.objects.filter(project__in=projects)}
    eval_views = {v.evaluation.project_id: v for v in evaluation_views(list(evaluations.values()))}
    monitorings = {m.project_id: m for m in ProjectMonitoring.objects.filter(project__in=projects)}
    mon_views = {v.monitoring.project_id: v for v in monitoring_views(list(monitorings.values()))}
    rows = []
    for link in links:
        project = link.project
        ev, mv = eval_views.get(project.pk), mon_views.get(project.pk)
        rows.append(
            YearRow(
                link=link,
                project=project,
                initial=initial_amount(project),
                requested=requested_amount(project),
                evaluation=evaluations.get(project.pk),
                grade=ev.score.grade if ev else None,
                monitoring=monitorings.get(project.pk),
                lights=mv.lights if mv else {},
                execution_rate=mv.execution_rate if mv else None,
                planned=last_years_plan_for(library_project, year=link.cycle.year),
                decisions=list(project.suggestion_decisions.all()),
            )
        )
    return rows


def plan_table(library_project: LibraryProject) -> list[tuple[int, list[PlanRow]]]:
    """Every plan made for the project, newest first: (the year it was made, its rows)."""
    plans: dict[int, list[PlanRow]] = {}
    for row in library_project.plan_rows.order_by("-made_in", "year"):
        plans.setdefault(row.made_in, []).append(row)
    return list(plans.items())


def events(library_project: LibraryProject) -> QuerySet[Event]:
    return events_of(library_project)


def visible_projects(user) -> QuerySet[LibraryProject]:
    return LibraryProject.objects.restrict(user).select_related("unit", "category")
