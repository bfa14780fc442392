"""The indicator sheet written in bulk (issue #12): the queries do not grow with the rows, and a
second import of the same file updates every indicator in place, its parsed target included."""

from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.importing import prepare
from disclosure.importing import import_workbook
from performance.models import Indicator

pytestmark = pytest.mark.django_db


def test_an_indicator_import_takes_as_many_queries_at_three_times_the_rows(demo, tmp_path):
    counts = []
    for rows in (40, 120):
        cycle, unit, path, projects = prepare(rows, tmp_path)
        with CaptureQueriesContext(connection) as captured:
            report = import_workbook(path=path, cycle=cycle, unit=unit, dry_run=False)
        assert report.ok, report.problems[:3]
        assert report.counts["绩效指标"] == {"rows": rows, "new": rows, "update": 0}
        assert Indicator.objects.filter(project__in=projects).count() == rows
        inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
        # One INSERT per batch: 1,000 rows, or as many as the database takes in one statement
        # (SQLite: 999 parameters, about 40 indicators).
        assert len(inserts) <= rows // 40 + 1, len(inserts)
        counts.append(len(captured) - len(inserts))
    assert counts[0] == counts[1], counts


def test_a_second_import_updates_the_indicators_and_their_parsed_targets(demo, tmp_path):
    cycle, unit, path, projects = prepare(16, tmp_path)
    assert import_workbook(path=path, cycle=cycle, unit=unit, dry_run=False).ok
    first = {(i.project_id, i.sort_order): i.pk for i in Indicator.objects.filter(project__in=projects)}

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["绩效指标"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("指标值") + 1, value="≥50%")
    workbook.save(path)
    report = import_workbook(path=path, cycle=cycle, unit=unit, dry_run=False)

    assert report.ok, report.problems[:3]
    assert report.counts["绩效指标"] == {"rows": 16, "new": 0, "update": 16}
    again = {(i.project_id, i.sort_order): i.pk for i in Indicator.objects.filter(project__in=projects)}
    assert again == first  # the same rows, updated
    changed = Indicator.objects.get(pk=first[(projects[0].pk, 1)])
    assert changed.target_text == "≥50%"
    assert (changed.target_comparator, changed.target_value) == ("≥", Decimal(50))
    assert changed.parsed.value == 50
