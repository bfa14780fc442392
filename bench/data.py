"""The bench's database and its synthetic data, generated here (nothing read from outside).

The bureau (1x) is the 2020 demo: 13 units, 69 projects with their sub-items and indicators, 93
basic lines, 29 procurement lines, 733 published figures. A scaled cycle (year 2100 + scale) is
the demo copied ``scale`` times into every unit's budget, published, each project signed off
once (an event with its snapshot, as the workflow writes it). A review cycle (year 2200)
holds the same projects waiting for HQ, for the inbox. The unit performance page gets its own
cycle (year 2098): 300 projects x 8 indicators with monitoring and self-evaluation lines.
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path

SCALED_YEAR = 2100
REVIEW_YEAR = 2200
PERFORMANCE_YEAR = 2098


def configure(database_url: str | None) -> str:
    """Environment of this process and of the ones it starts; returns the database URL used."""
    workdir = Path(tempfile.mkdtemp(prefix="budget-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["BUDGET_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEBUG"] = "0"
    return url


def recreate_database(url: str) -> None:
    """A PostgreSQL database of the bench's own, dropped and created again (never another's)."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    assert name.startswith("bench"), f"the bench only recreates a database named bench*: {name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def load_demo() -> None:
    from django.core.management import call_command

    from demo.loader import demo_load

    call_command("migrate", verbosity=0)
    demo_load()


def _copy(obj, **changes):
    obj.pk = None
    obj.id = None
    obj._state.adding = True
    for name, value in changes.items():
        setattr(obj, name, value)
    return obj


def scaled_cycle(scale: int):
    """The demo's 2020 cycle copied ``scale`` times, published; returns the cycle."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from budgets.models import (
        BasicExpenditureLine,
        BudgetCycle,
        CycleState,
        ProcurementLine,
        Project,
        ProjectFunctionalPart,
        ProjectSubItem,
        PublishedFigure,
        ThreePublicExpense,
        UnitBudget,
    )
    from budgets.snapshots import snapshot
    from core.models import Event, EventType
    from performance.models import DepartmentTarget, DepartmentTask, Indicator

    year = SCALED_YEAR + scale
    existing = BudgetCycle.objects.filter(year=year).first()
    if existing:
        return existing
    demo = BudgetCycle.objects.get(year=2020)
    actor = get_user_model().objects.get(username="baoan_head")
    project_type = ContentType.objects.get_for_model(Project)
    with transaction.atomic():
        cycle = _copy(BudgetCycle.objects.get(pk=demo.pk), year=year, state=CycleState.PUBLISHED)
        cycle.save()
        PublishedFigure.objects.bulk_create(
            _copy(f, cycle=cycle) for f in PublishedFigure.objects.filter(cycle=demo)
        )
        events = []
        for budget in UnitBudget.objects.filter(cycle=demo).select_related("unit"):
            old_pk = budget.pk
            new = _copy(budget, cycle=cycle)
            new.save()
            lines = list(BasicExpenditureLine.objects.filter(budget_id=old_pk))
            BasicExpenditureLine.objects.bulk_create(
                _copy(line, budget=new) for _k in range(scale) for line in [*map(_clone, lines)]
            )
            ThreePublicExpense.objects.bulk_create(
                _copy(t, budget=new) for t in ThreePublicExpense.objects.filter(budget_id=old_pk)
            )
            ProjectFunctionalPart.objects.bulk_create(
                _copy(p, budget=new) for p in ProjectFunctionalPart.objects.filter(budget_id=old_pk)
            )
            projects = list(Project.objects.filter(budget_id=old_pk).order_by("sort_order", "id"))
            procurement = list(ProcurementLine.objects.filter(budget_id=old_pk))
            for k in range(scale):
                copies = {}
                for project in projects:
                    copy = _copy(
                        _clone(project), budget=new, name=project.name if k == 0 else f"{project.name}（{k}）"
                    )
                    copies[project.pk] = copy
                Project.objects.bulk_create(copies.values())
                ProjectSubItem.objects.bulk_create(
                    _copy(s, project=copies[s.project_id])
                    for s in ProjectSubItem.objects.filter(project__in=projects)
                )
                Indicator.objects.bulk_create(
                    _copy(i, project=copies[i.project_id])
                    for i in Indicator.objects.filter(project__in=projects)
                )
                ProcurementLine.objects.bulk_create(
                    _copy(_clone(line), budget=new, project=copies.get(line.project_id))
                    for line in procurement
                )
                for copy in copies.values():
                    events.append(
                        Event(
                            content_type=project_type,
                            object_id=copy.pk,
                            unit=budget.unit,
                            actor=actor,
                            type=EventType.SIGN_OFF,
                            from_state="with_branch_head",
                            to_state="submitted",
                            data={"snapshot": snapshot(copy)},
                        )
                    )
        Event.objects.bulk_create(events, batch_size=500)
        for target in DepartmentTarget.objects.filter(cycle=demo):
            old_pk = target.pk
            new = _copy(target, cycle=cycle)
            new.save()
            DepartmentTask.objects.bulk_create(
                _copy(t, department_target=new)
                for t in DepartmentTask.objects.filter(department_target_id=old_pk)
            )
            Indicator.objects.bulk_create(
                _copy(i, department_target=new) for i in Indicator.objects.filter(department_target_id=old_pk)
            )
    return cycle


def _clone(obj):
    """A fresh instance of the same row (copying one row several times needs one per copy)."""
    clone = type(obj)()
    clone.__dict__.update({k: v for k, v in obj.__dict__.items() if k != "_state"})
    return clone


def review_cycle(scale: int):
    """The bureau's projects x ``scale`` waiting for HQ (submitted), for the inbox: one cycle
    (year 2200), its projects replaced at each scale so that the inbox shows this scale only."""
    from django.db import transaction

    from budgets.models import BudgetCycle, CycleState, Project, UnitBudget

    demo = BudgetCycle.objects.get(year=2020)
    with transaction.atomic():
        cycle = BudgetCycle.objects.filter(year=REVIEW_YEAR).first()
        if cycle is None:
            cycle = _copy(BudgetCycle.objects.get(pk=demo.pk), year=REVIEW_YEAR, state=CycleState.REVIEW)
            cycle.save()
            for budget in UnitBudget.objects.filter(cycle=demo):
                _copy(budget, cycle=cycle, state="submitted").save()
        Project.objects.filter(budget__cycle=cycle).delete()
        budgets = {b.unit_id: b for b in UnitBudget.objects.filter(cycle=cycle)}
        Project.objects.bulk_create(
            _copy(_clone(p), budget=budgets[p.budget.unit_id], state="submitted", name=f"{p.name}（{k}）")
            for k in range(scale)
            for p in Project.objects.filter(budget__cycle=demo).select_related("budget")
        )
    return cycle


def performance_cycle(projects: int = 300, *, year: int = PERFORMANCE_YEAR):
    """宝安分局's synthetic execution cycle: ``projects`` projects x 8 indicators, monitored and
    self-evaluated, 12 months of spending."""
    from django.contrib.auth import get_user_model

    from budgets.models import BudgetCycle, CatalogueVersion, CycleState, Project, UnitBudget
    from core.models import Unit
    from performance.models import (
        Indicator,
        IndicatorEvaluation,
        IndicatorMonitoring,
        MonitoringRound,
        ProjectEvaluation,
        ProjectMonitoring,
        SpendingImport,
        SpendingRecord,
    )

    existing = BudgetCycle.objects.filter(year=year).first()
    if existing:
        return existing
    baoan = Unit.objects.get(code="baoan")
    cycle = BudgetCycle.objects.create(
        year=year,
        procurement_catalogue=CatalogueVersion.objects.get(code="2020"),
        state=CycleState.EXECUTION,
    )
    budget = UnitBudget.objects.create(cycle=cycle, unit=baoan)
    rows = Project.objects.bulk_create(
        Project(
            budget=budget, name=f"项目{i}", fiscal_amount=Decimal("660000"), total_amount=Decimal("660000")
        )
        for i in range(projects)
    )
    shape = [
        ("output", "quantity", "4期"),
        ("output", "quantity", "≥100万份"),
        ("output", "quality", "100%"),
        ("output", "timeliness", f"{year}年11月前"),
        ("effect", "social", "≥99%"),
        ("effect", "social", "提升"),
        ("satisfaction", "service_satisfaction", "≥90%"),
        ("effect", "sustainable", "≤0宗"),
    ]
    indicators = []
    for project in rows:
        for order, (level1, level2, target) in enumerate(shape, start=1):
            indicator = Indicator(
                project=project,
                level1=level1,
                level2=level2,
                name=f"指标{order}",
                target_source="年度工作计划",
                sort_order=order,
                initial_target_text=target,
            )
            indicator.set_target(target)
            indicators.append(indicator)
    Indicator.objects.bulk_create(indicators)
    round_ = MonitoringRound.objects.create(cycle=cycle)
    reports = ProjectMonitoring.objects.bulk_create(
        ProjectMonitoring(round=round_, project=p, expected_spending=Decimal("600000")) for p in rows
    )
    evaluations = ProjectEvaluation.objects.bulk_create(
        ProjectEvaluation(
            project=p,
            adjusted_budget=Decimal("660000"),
            adjusted_budget_source="年初预算",
            spending=Decimal("600000"),
            spending_source="决算",
        )
        for p in rows
    )
    by_project: dict[int, list] = {}
    for indicator in Indicator.objects.filter(project__budget=budget):
        by_project.setdefault(indicator.project_id, []).append(indicator)
    IndicatorMonitoring.objects.bulk_create(
        IndicatorMonitoring(monitoring=r, indicator=i, actual_value=Decimal(1), progress="partly")
        for r in reports
        for i in by_project[r.project_id]
    )
    IndicatorEvaluation.objects.bulk_create(
        IndicatorEvaluation(
            evaluation=e,
            indicator=i,
            actual_value=Decimal(1),
            achievement="reached",
            band_percent=Decimal(90),
        )
        for e in evaluations
        for i in by_project[e.project_id]
    )
    admin = get_user_model().objects.get(username="admin")
    batch = SpendingImport.objects.create(cycle=cycle, filename="bench.csv", rows=0, imported_by=admin)
    SpendingRecord.objects.bulk_create(
        SpendingRecord(cycle=cycle, unit=baoan, project=p, month=m, amount=Decimal("50000"), source=batch)
        for p in rows
        for m in range(1, 13)
    )
    return cycle
