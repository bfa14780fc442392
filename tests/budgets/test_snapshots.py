"""What HQ saw against what the unit has now: the comparison is of values, whatever language
the snapshot was taken or is read in (issue #10, points 2 and 8)."""

from decimal import Decimal

import pytest
from django.utils import translation

from budgets.models import FundUse, ProjectType, UnitBudget
from budgets.snapshots import diff, snapshot
from tests.approvals.conftest import new_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(demo):
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    return new_project(budget, project_type=ProjectType.SPECIAL, use_of_funds=FundUse.IT)


def test_a_snapshot_taken_in_chinese_equals_the_item_read_in_english(project):
    with translation.override("zh-hans"):
        seen_by_hq = snapshot(project)
    with translation.override("en"):
        assert diff(seen_by_hq, snapshot(project)) == []


def test_one_change_is_one_change_in_either_language(project):
    with translation.override("zh-hans"):
        seen_by_hq = snapshot(project)
    project.use_of_funds = FundUse.EQUIPMENT
    project.fiscal_amount = Decimal("1200000.00")
    project.total_amount = Decimal("1200000.00")
    for language, label, amount in (
        ("zh-hans", "设备购置及维护", "1,200,000.00 元"),
        ("en", "Equipment purchase and maintenance", "1,200,000.00 yuan"),
    ):
        with translation.override(language):
            changes = {c.name: c for c in diff(seen_by_hq, snapshot(project))}
            assert set(changes) == {"use_of_funds", "fiscal_amount", "total_amount"}
            assert changes["use_of_funds"].after == label
            assert changes["fiscal_amount"].after == amount
