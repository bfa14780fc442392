"""The Excel import of performance indicators against ``bulk_create`` of the same rows.

A draft cycle (year 2097) where 宝安分局 has rows/8 projects; the indicators are written with the
import template's 绩效指标 sheet (``disclosure.template.build_template``), then removed, so the
import creates every row. Ours: ``import_workbook`` dry run, then for real (each rolled back
afterwards). Plain: the same rows parsed into ``Indicator`` objects (targets parsed, as the
import does) and written with one ``bulk_create``. Then a profile of one real import: SQL
statements per row by kind, and where the time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from .measure import Samples, row

YEAR = 2097
SHAPE = [
    ("output", "quantity", "4期"),
    ("output", "quantity", "≥100万份"),
    ("output", "quality", "100%"),
    ("output", "timeliness", "11月前"),
    ("effect", "social", "≥99%"),
    ("effect", "social", "提升"),
    ("satisfaction", "service_satisfaction", "≥90%"),
    ("effect", "sustainable", "≤0宗"),
]


class Rollback(Exception):
    pass


def prepare(rows: int, workdir: Path):
    """The draft cycle with rows/8 projects; returns (cycle, unit, path of the workbook, rows)."""
    from django.db import transaction

    from budgets.models import BudgetCycle, CatalogueVersion, CycleState, Project, UnitBudget
    from core.models import Unit
    from disclosure.kinds import kinds
    from disclosure.template import REFERENCE_SHEETS, build_template
    from performance.models import Indicator

    unit = Unit.objects.get(code="baoan")
    cycle, _ = BudgetCycle.objects.get_or_create(
        year=YEAR,
        defaults={
            "procurement_catalogue": CatalogueVersion.objects.get(code="2020"),
            "state": CycleState.PREPARATION,
            "disclosure_format": "2020",
        },
    )
    budget, _ = UnitBudget.objects.get_or_create(cycle=cycle, unit=unit)
    Project.objects.filter(budget=budget).delete()
    projects = Project.objects.bulk_create(
        Project(
            budget=budget,
            name=f"导入项目{i}",
            fiscal_amount=Decimal("100000"),
            total_amount=Decimal("100000"),
        )
        for i in range(rows // len(SHAPE))
    )
    with transaction.atomic():
        Indicator.objects.bulk_create(_indicators(projects))
        workbook = build_template(cycle=cycle, unit=unit, with_data=True)
        Indicator.objects.filter(project__budget=budget).delete()
    keep = {kind.sheet for kind in kinds() if kind.sheet == "绩效指标"} | set(REFERENCE_SHEETS)
    for sheet in list(workbook.worksheets):
        if sheet.title not in keep:
            workbook.remove(sheet)
    path = workdir / f"indicators-{rows}.xlsx"
    workbook.save(path)
    return cycle, unit, path, projects


def _indicators(projects):
    from performance.models import Indicator

    for project in projects:
        for order, (level1, level2, target) in enumerate(SHAPE, start=1):
            indicator = Indicator(
                project=project,
                level1=level1,
                level2=level2,
                name=f"指标{order}",
                target_source="年度工作计划",
                sort_order=order,
                target_text=target,
                initial_target_text=target,
            )
            indicator.set_target(target)
            yield indicator


def ours(cycle, unit, path, *, dry_run: bool) -> None:
    from django.db import transaction

    from disclosure.importing import import_workbook

    try:
        with transaction.atomic():
            report = import_workbook(path=path, cycle=cycle, unit=unit, dry_run=dry_run)
            assert not report.problems, report.problems[:3]
            raise Rollback
    except Rollback:
        pass


def plain(projects) -> None:
    from django.db import transaction

    from performance.models import Indicator

    try:
        with transaction.atomic():
            Indicator.objects.bulk_create(_indicators(projects), batch_size=1000)
            raise Rollback
    except Rollback:
        pass


def run(report, *, sizes, workdir: Path) -> dict:
    results = {}
    report(
        row(
            "import of indicator rows",
            "dry rows/s",
            "real rows/s",
            "bulk_create rows/s",
            "real/bulk (target ≤ 10x)",
        )
    )
    for rows in sizes:
        cycle, unit, path, projects = prepare(rows, workdir)
        dry, real, bulk = Samples("dry"), Samples("real"), Samples("bulk")
        for kind, sample in (("plain", bulk), (True, dry), ("plain", bulk), (False, real), ("plain", bulk)):
            t = time.perf_counter()
            if kind == "plain":
                plain(projects)
            else:
                ours(cycle, unit, path, dry_run=kind)
            sample.values.append(time.perf_counter() - t)
        results[rows] = {"dry": dry, "real": real, "bulk": bulk}
        report(
            row(
                f"  {rows:,} rows",
                f"{rows / dry.median:.0f} ({dry.median:.1f} s)",
                f"{rows / real.median:.0f} ({real.median:.1f} s)",
                f"{rows / bulk.median:.0f}",
                f"{real.median / bulk.median:.0f}x",
            )
        )
    # Django keeps the last 9,000 statements: profile a size whose statements all fit.
    results["profile"] = profile(report, min(sizes[0], 800), workdir)
    return results


def profile(report, rows: int, workdir: Path) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cycle, unit, path, _projects = prepare(rows, workdir)
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        profiler.enable()
        ours(cycle, unit, path, dry_run=False)
        profiler.disable()
    kinds = Counter(q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries)
    per_row = {k: round(v / rows, 1) for k, v in kinds.most_common()}
    report(
        f"  profile of one real import of {rows:,} rows: {len(captured) / rows:.1f} SQL statements per row {per_row}"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"(disclosure|import_export|django/db/models|tablib|openpyxl)", 18)
    lines = [
        line for line in out.getvalue().splitlines() if line.strip() and ("/" in line or "ncalls" in line)
    ]
    for line in lines[:19]:
        report("    " + line.strip()[:150])
    return {"statements_per_row": len(captured) / rows, "by_kind": per_row, "top": lines[:19]}
