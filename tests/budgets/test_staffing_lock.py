"""A unit's staffing facts follow its budget's lock (core.policy reads
``StaffingFact.access_state_path``): its preparer changes them while the budget is a draft or
returned, never once it is approved, through the admin or an import alike."""

import openpyxl
import pytest
from django.urls import reverse

from budgets.models import StaffingFact, UnitBudget
from core import policy
from disclosure.importing import import_workbook
from disclosure.kinds import kinds
from disclosure.resources import Lookups

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparer(staff_preparer):
    return staff_preparer


@pytest.fixture
def fact(demo):
    return StaffingFact.objects.get(cycle=demo, unit__code="baoan")


def reopen(fact) -> None:
    UnitBudget.objects.filter(cycle=fact.cycle, unit=fact.unit).update(state="draft")


def test_the_policy_locks_the_facts_with_the_budget(preparer, fact):
    assert UnitBudget.objects.get(cycle=fact.cycle, unit=fact.unit).is_locked  # the published demo
    assert not policy.can_change(preparer, fact)
    assert policy.change_refusal(preparer, fact) == "state"
    assert not StaffingFact.objects.restrict(preparer, "change").filter(pk=fact.pk).exists()
    reopen(fact)
    fact = StaffingFact.objects.get(pk=fact.pk)
    assert policy.can_change(preparer, fact)
    assert StaffingFact.objects.restrict(preparer, "change").filter(pk=fact.pk).exists()


def _admin_post(client, fact, actual: int):
    data = {
        "cycle": fact.cycle_id, "unit": fact.unit_id, "authorised_headcount": fact.authorised_headcount,
        "actual_headcount": actual, "retired": fact.retired, "retired_pre1949": fact.retired_pre1949,
        "outsourced_staff": fact.outsourced_staff, "vehicles": fact.vehicles,
        "fixed_assets_original_value": fact.fixed_assets_original_value or "",
        "fixed_assets_in_use_value": fact.fixed_assets_in_use_value or "",
    }  # fmt: skip
    return client.post(reverse("admin:budgets_staffingfact_change", args=[fact.pk]), data)


def test_the_admin_refuses_a_change_of_an_approved_budgets_facts(preparer, fact, client):
    client.force_login(preparer)
    before = fact.actual_headcount
    response = _admin_post(client, fact, before + 1)
    assert response.status_code == 403
    fact.refresh_from_db()
    assert fact.actual_headcount == before
    reopen(fact)
    response = _admin_post(client, fact, before + 1)
    assert response.status_code == 302, response.content.decode()[:2000]
    fact.refresh_from_db()
    assert fact.actual_headcount == before + 1


def staffing_file(fact, path, actual: int):
    resource = next(k for k in kinds() if k.sheet == "人员编制").resource(Lookups(fact.cycle, None))
    header = [f.column_name for f in resource.fields.values()]
    values = {"单位代码": "baoan", "编制数": fact.authorised_headcount, "实有在编人数": actual}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员编制"
    sheet.append(header)
    sheet.append([values.get(column) for column in header])
    book.save(path)
    return path


def test_an_import_refuses_the_facts_of_an_approved_budget(preparer, fact, tmp_path):
    before = fact.actual_headcount
    path = staffing_file(fact, tmp_path / "staffing.xlsx", before + 2)
    report = import_workbook(path=path, cycle=fact.cycle, unit=fact.unit, dry_run=False, user=preparer)
    assert [(p.sheet, p.row) for p in report.problems] == [("人员编制", 2)]
    fact.refresh_from_db()
    assert fact.actual_headcount == before
    reopen(fact)
    report = import_workbook(path=path, cycle=fact.cycle, unit=fact.unit, dry_run=False, user=preparer)
    assert report.ok, [p.line() for p in report.problems]
    fact.refresh_from_db()
    assert fact.actual_headcount == before + 2
