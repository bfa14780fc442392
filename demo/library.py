"""The demo's project library (issue #13): the 2020 projects as library entries, and a 2021
cycle whose requests come from the library with a suggestion each.

``library_demo_load`` (part of every demo load, the tests' included) makes each 2020 project a
library entry in execution with its 2020 three-year plan, and rolls the plans into 2021: new
tables only, nothing any other part of the demo reads.

``library_demo_2021`` (``loaddemo`` runs it; the tests' demo does not, so that 2021 stays the
empty preparation other tests start from) gives one 罗湖 project a poor 2020 self-evaluation and
takes 罗湖's recurring and continuing 2020 projects into its 2021 budget (those planning more than
the 2021 assessment threshold wait for HQ's assessment), so that the HQ reviewer sees a suggested cut
with its reasons. The evaluation's figures are invented for the demo (the seed has none): every
indicator reached at 40 %, 55 % of the money spent.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from budgets.models import BudgetCycle, Project
from library import selectors as library_selectors
from library import services as library_services
from library.models import LibraryProject, LibraryState, LibraryYear, PlanRow, ProjectKind
from performance.lights import is_bound
from performance.models import IndicatorEvaluation, ProjectEvaluation, ReportState

DEMO_YEAR = 2020
POOR_UNIT = "luohu"


def kind_of(project: Project) -> str:
    """结转 (carried-over) and procurement left over are one-off; a project planned past the year
    continues; the rest recur every year."""
    category = project.category
    if "结转" in project.name or (category and category.is_carried_over_procurement):
        return ProjectKind.ONE_OFF
    if project.end_date and project.end_date.year > project.budget.cycle.year:
        return ProjectKind.CONTINUING
    return ProjectKind.RECURRING


def library_demo_load(*, result) -> None:
    cycle = BudgetCycle.objects.get(year=DEMO_YEAR)
    projects = (
        Project.objects.filter(budget__cycle=cycle)
        .select_related("budget__unit", "budget__cycle", "category")
        .order_by("budget__unit__sort_order", "sort_order", "pk")
    )
    numbers: dict[str, int] = {}
    for project in projects:
        unit = project.budget.unit
        numbers[unit.code] = numbers.get(unit.code, 0) + 1
        code = f"{unit.code}-{DEMO_YEAR}-{numbers[unit.code]:03d}"
        kind = kind_of(project)
        entry, created = LibraryProject.objects.get_or_create(
            code=code,
            defaults={
                "unit": unit, "name": project.name, "kind": kind, "category": project.category,
                "first_year": project.start_date.year if project.start_date else DEMO_YEAR,
                "content": project.content, "midterm_goal": project.midterm_goal,
                "state": LibraryState.EXECUTING,
            },
        )  # fmt: skip
        result.record(LibraryProject, created)
        _, created = LibraryYear.objects.get_or_create(
            project=project, defaults={"library_project": entry, "cycle": cycle}
        )
        result.record(LibraryYear, created)
        later = Decimal("0.00") if kind == ProjectKind.ONE_OFF else project.amount
        for offset, amount in enumerate([project.amount, later, later]):
            _, created = PlanRow.objects.get_or_create(
                library_project=entry, made_in=DEMO_YEAR, year=DEMO_YEAR + offset, defaults={"amount": amount}
            )
            result.record(PlanRow, created)
    next_cycle = BudgetCycle.objects.filter(year=DEMO_YEAR + 1).first()
    if next_cycle is not None:
        library_services.plan_roll_forward(actor=_user("hq_approver"), cycle=next_cycle)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def poor_project() -> Project:
    """The 罗湖 2020 project with the most indicators among those the demo takes into 2021
    (社保基金征收及偿付)."""
    threshold = library_selectors.assessment_threshold(BudgetCycle.objects.get(year=DEMO_YEAR + 1))
    projects = Project.objects.filter(budget__cycle__year=DEMO_YEAR, budget__unit__code=POOR_UNIT)
    candidates = [p for p in projects.order_by("sort_order", "pk") if p.amount <= threshold]
    return max(candidates, key=lambda p: p.indicators.count())


def _poor_line(indicator) -> dict:
    target = indicator.parsed
    reason = {"deviation_reason": "演示数据：受疫情影响，工作量未达预期。"}
    if target.kind in {"qualitative", "deadline"} or target.value is None:
        return {"achievement": "not_reached", "band_percent": Decimal(40), **reason}
    if is_bound(target):
        return {"actual_value": target.value * Decimal("2.5"), **reason}
    return {"actual_value": target.value * Decimal("0.4"), **reason}


@transaction.atomic
def library_demo_2021(*, result) -> None:
    project = poor_project()
    evaluation, created = ProjectEvaluation.objects.get_or_create(
        project=project,
        defaults={
            "state": ReportState.SUBMITTED, "adjusted_budget": project.amount,
            "adjusted_budget_source": "演示数据", "spending": (project.amount * Decimal("0.55")).quantize(Decimal("0.01")),
            "spending_source": "演示数据", "summary": "演示数据：绩效自评等级为差。",
        },
    )  # fmt: skip
    result.record(ProjectEvaluation, created)
    for indicator in project.indicators.all():
        _, created = IndicatorEvaluation.objects.get_or_create(
            evaluation=evaluation, indicator=indicator, defaults=_poor_line(indicator)
        )
        result.record(IndicatorEvaluation, created)
    cycle = BudgetCycle.objects.get(year=DEMO_YEAR + 1)
    preparer = _user(f"{POOR_UNIT}_preparer")
    entries = LibraryProject.objects.filter(
        unit__code=POOR_UNIT,
        state=LibraryState.EXECUTING,
        kind__in=[ProjectKind.RECURRING, ProjectKind.CONTINUING],
    )
    threshold = library_selectors.assessment_threshold(cycle)
    for entry in entries:
        # A project planning more than the threshold waits for HQ's 2021 assessment (the gate).
        if (
            entry.years.filter(cycle=cycle).exists()
            or library_selectors.planned_amount(entry, year=cycle.year) > threshold
        ):
            continue
        library_services.library_transition(
            library_project=entry, action="take_into_budget", actor=preparer, cycle=cycle
        )
        result.record(LibraryYear, True)
