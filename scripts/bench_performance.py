"""Benchmark of the performance app (issue #4): the pages and API lists HQ and a branch use
during the August checkpoint and the self-evaluation, at the 2020 size and at a synthetic size.

Builds a throw-away SQLite database (or uses DATABASE_URL), loads the 2020 demo, then adds to
宝安分局 a synthetic cycle of PROJECTS projects with 8 indicators each, every one with a
monitoring report answered and a self-evaluation, and 12 months of imported spending. Times,
median of RUNS runs, with the number of queries:

    .venv/bin/python scripts/bench_performance.py --projects 300
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="performance-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["BUDGET_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from budgets.models import BudgetCycle, CatalogueVersion, CycleState, Project, UnitBudget
    from core.models import Unit
    from demo.loader import demo_load
    from performance import rubric
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
    from tests.performance.test_rubric import INPUTS

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    demo_load()
    print(f"demo load (2020 budget + performance targets): {time.perf_counter() - started:.2f} s")

    users = {u.username: u for u in get_user_model().objects.all()}
    baoan = Unit.objects.get(code="baoan")
    cycle, _ = BudgetCycle.objects.get_or_create(
        year=2098,
        defaults={
            "procurement_catalogue": CatalogueVersion.objects.get(code="2020"),
            "state": CycleState.EXECUTION,
        },
    )
    if not UnitBudget.objects.filter(cycle=cycle).exists():
        budget = UnitBudget.objects.create(cycle=cycle, unit=baoan)
        projects = Project.objects.bulk_create(
            Project(
                budget=budget,
                name=f"项目{i}",
                fiscal_amount=Decimal("660000"),
                total_amount=Decimal("660000"),
            )
            for i in range(args.projects)
        )
        shape = [
            ("output", "quantity", "4期"),
            ("output", "quantity", "≥100万份"),
            ("output", "quality", "100%"),
            ("output", "timeliness", "2098年11月前"),
            ("effect", "social", "≥99%"),
            ("effect", "social", "提升"),
            ("satisfaction", "service_satisfaction", "≥90%"),
            ("effect", "sustainable", "≤0宗"),
        ]
        indicators = []
        for project in projects:
            for order, (level1, level2, target) in enumerate(shape, start=1):
                indicator = Indicator(
                    project=project,
                    level1=level1,
                    level2=level2,
                    name=f"指标{order}",
                    target_source="年度工作计划",
                )
                indicator.set_target(target)
                indicator.initial_target_text = target
                indicator.sort_order = order
                indicators.append(indicator)
        Indicator.objects.bulk_create(indicators)
        round_ = MonitoringRound.objects.create(cycle=cycle)
        reports = ProjectMonitoring.objects.bulk_create(
            ProjectMonitoring(round=round_, project=p, expected_spending=Decimal("600000")) for p in projects
        )
        evaluations = ProjectEvaluation.objects.bulk_create(
            ProjectEvaluation(
                project=p,
                adjusted_budget=Decimal("660000"),
                adjusted_budget_source="年初预算",
                spending=Decimal("600000"),
                spending_source="决算",
            )
            for p in projects
        )
        by_project = {}
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
        batch = SpendingImport.objects.create(
            cycle=cycle, filename="bench.csv", rows=0, imported_by=users["admin"]
        )
        SpendingRecord.objects.bulk_create(
            SpendingRecord(cycle=cycle, unit=baoan, project=p, month=m, amount=Decimal("50000"), source=batch)
            for p in projects
            for m in range(1, 13)
        )

    hq, branch = Client(), Client()
    hq.force_login(users["hq_reviewer"])
    branch.force_login(users["baoan_head"])
    demo_project = Project.objects.get(budget__cycle__year=2020, budget__unit=baoan, name="社保政策法规研究")
    first = Project.objects.filter(budget__cycle=cycle).order_by("id").first()
    paths = [
        ("rubric: score one department (pure)", None),
        ("HQ bureau page 2020", (hq, "/performance/2020/")),
        ("unit page 2020 宝安 (9 projects)", (branch, "/performance/2020/baoan/")),
        (
            "project targets page 2020",
            (branch, f"/performance/2020/baoan/projects/{demo_project.pk}/targets/"),
        ),
        (f"unit page, {args.projects} projects x 8 indicators", (branch, "/performance/2098/baoan/")),
        (
            "monitoring page of one project",
            (branch, f"/performance/2098/baoan/projects/{first.pk}/monitoring/"),
        ),
        ("API monitoring list, 100 reports", (hq, "/api/v1/performance/monitoring/?year=2098")),
        ("API project evaluations, 100", (hq, "/api/v1/performance/project-evaluations/?year=2098")),
        ("API indicators, 100", (hq, "/api/v1/performance/indicators/?year=2098")),
    ]
    print(f"{'path':48} {'median ms':>10} {'queries':>8}")
    for label, target in paths:
        timings = []
        queries = 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                if target is None:
                    rubric.score_department(INPUTS)
                else:
                    client, url = target
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                timings.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        print(f"{label:48} {statistics.median(timings):10.1f} {queries:8}")


if __name__ == "__main__":
    main()
