"""Benchmark of the read paths that every page and API call uses.

Builds a throw-away SQLite database (or uses DATABASE_URL), loads the 2020 demo, adds a
synthetic cycle of 13 units x PROJECTS projects with as many basic and procurement lines, then
times, median of 7 runs: the per-unit totals query, the bureau overview page, the budgets API
list, and the consistency check of the 2020 demo.

    make bench                      # or: .venv/bin/python scripts/bench.py --projects 2000
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


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=500, help="projects per unit in the synthetic cycle")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="budget-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["BUDGET_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from budgets.consistency import check_cycle
    from budgets.models import (
        BasicExpenditureLine,
        BudgetCycle,
        CatalogueVersion,
        FunctionalCode,
        ProcurementItem,
        ProcurementLine,
        Project,
        UnitBudget,
    )
    from budgets.selectors import budgets_with_totals
    from core.models import Unit
    from demo.loader import demo_load

    call_command("migrate", verbosity=0)
    demo_load()
    cycle, _ = BudgetCycle.objects.get_or_create(
        year=2099, defaults={"procurement_catalogue": CatalogueVersion.objects.get(code="2020")}
    )
    code = FunctionalCode.objects.get(code="2080109")
    item = ProcurementItem.objects.get(catalogue__code="2020", code="A03")
    if not UnitBudget.objects.filter(cycle=cycle).exists():
        for unit in Unit.objects.all():
            budget = UnitBudget.objects.create(cycle=cycle, unit=unit)
            Project.objects.bulk_create(
                Project(
                    budget=budget,
                    name=f"项目{i}",
                    fiscal_amount=Decimal("12345.67"),
                    total_amount=Decimal("12345.67"),
                )
                for i in range(args.projects)
            )
            BasicExpenditureLine.objects.bulk_create(
                BasicExpenditureLine(budget=budget, functional_code=code, amount=Decimal("1000.01"))
                for _ in range(args.projects)
            )
            ProcurementLine.objects.bulk_create(
                ProcurementLine(
                    budget=budget, item=item, amount=Decimal("500.00"), sme_amount=Decimal("100.00")
                )
                for _ in range(args.projects)
            )
    lines = args.projects * 3 * Unit.objects.count()

    client = Client()
    client.login(username="hq_reviewer", password="demo-2020")

    def timed(label: str, fn) -> None:
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        print(
            f"{label:<58} median {statistics.median(samples):8.1f} ms   (min {min(samples):.1f}, max {max(samples):.1f})"
        )

    db = django.db.connection.vendor
    print(
        f"database: {db}; synthetic cycle 2099: 13 units, {args.projects} projects/unit, {lines:,} lines in all"
    )
    timed(
        "totals of 13 unit budgets (2099, one query)",
        lambda: list(budgets_with_totals(UnitBudget.objects.filter(cycle=cycle))),
    )
    timed("bureau overview page 2099 (totals + checks)", lambda: _ok(client.get("/budgets/2099/")))
    timed("GET /api/v1/budgets/?year=2099", lambda: _ok(client.get("/api/v1/budgets/?year=2099")))
    timed(
        "consistency check of the 2020 demo (1,031 rows)",
        lambda: check_cycle(BudgetCycle.objects.get(year=2020)),
    )
    timed("bureau overview page 2020 (demo)", lambda: _ok(client.get("/budgets/2020/")))


if __name__ == "__main__":
    main()
