"""The 2020 demo: loaded from the transcription in budgets/demo_data, compared with the seed's
own printed figures (also in that transcription), and idempotent."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum

from budgets.models import (
    BasicExpenditureLine,
    ProcurementLine,
    Project,
    ProjectSubItem,
    PublishedFigure,
    StaffingFact,
    ThreePublicExpense,
    UnitBudget,
)
from budgets.money import to_wan
from budgets.selectors import budgets_with_totals, bureau_totals
from core.models import Membership, Unit
from core.roles import Role
from demo.loader import demo_load

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "budgets" / "demo_data" / "2020"


def _seed_table3() -> dict[str | None, dict]:
    rows = json.loads((DATA / "table03.json").read_text(encoding="utf-8"))["rows"]
    return {row["unit"]: row for row in rows}


def _snapshot() -> dict:
    models = [
        Unit,
        UnitBudget,
        StaffingFact,
        BasicExpenditureLine,
        Project,
        ProjectSubItem,
        ProcurementLine,
        ThreePublicExpense,
        PublishedFigure,
        Membership,
    ]
    return {m.__name__: sorted(map(str, m.objects.values_list())) for m in models}


def test_demo_has_the_thirteen_units_of_the_2020_budget(demo):
    units = list(Unit.objects.values_list("code", "kind"))
    assert len(units) == 13
    assert sum(1 for _, kind in units if kind == "branch") == 11
    assert UnitBudget.objects.filter(cycle=demo).count() == 13


@pytest.mark.parametrize("unit_code", [code for code in _seed_table3() if code])
def test_unit_totals_match_the_published_table3_within_rounding(demo, unit_code):
    seed = _seed_table3()[unit_code]
    budget = budgets_with_totals(UnitBudget.objects.filter(cycle=demo, unit__code=unit_code)).get()
    for field, column in [("total", "total"), ("basic_total", "basic"), ("project_total", "project")]:
        printed = Decimal(seed[column] or "0")
        assert abs(to_wan(getattr(budget, field)) - printed) <= 3, (unit_code, column)


def test_bureau_total_matches_the_published_62590(demo):
    bureau = bureau_totals(list(budgets_with_totals(UnitBudget.objects.filter(cycle=demo))))
    assert abs(to_wan(bureau.total) - 62590) <= 5
    assert abs(to_wan(bureau.project_total) - 25245) <= 5


def test_every_table13_project_is_loaded_with_its_yuan_amount_from_table15(demo):
    assert Project.objects.filter(budget__cycle=demo).count() == 69
    project = Project.objects.get(budget__unit__code="hq", name="社保政策法规研究")
    assert project.amount == Decimal("4512200.00")
    assert project.total_amount == Decimal("4512200.00")
    assert project.get_project_type_display() == "一般性项目支出" or project.project_type == "general"
    assert project.use_of_funds == "business"
    assert str(project.start_date) == "2020-01-01" and str(project.end_date) == "2020-12-31"
    assert project.purpose.startswith("对新颁布的政策法规进行宣传和调研论证")
    assert project.annual_goal.startswith("按时开展两次业务研讨会")
    assert project.category.name == "社保政策法规研究"


def test_investment_and_special_projects_keep_their_type_and_funding(demo):
    works = Project.objects.get(budget__unit__code="hq", name__startswith="罗湖社保办事大厅")
    assert works.project_type == "investment" and works.funding_source.code == "investment"
    assert works.amount == Decimal("1362387.04")
    special = Project.objects.get(budget__unit__code="special")
    assert special.funding_source.code == "special_funds" and special.amount == Decimal("69280000.00")


def test_longhua_comprehensive_management_has_its_eleven_sub_items(demo):
    project = Project.objects.get(budget__unit__code="longhua", name="社保综合管理")
    items = list(project.sub_items.values_list("name", "amount"))
    assert len(items) == 11
    assert ("租赁费", Decimal("2960000.00")) in items
    assert sum(amount for _, amount in items) == Decimal("10300000.00")  # 1,030 万 in the text


def test_basic_lines_keep_the_functional_breakdown_without_inventing_economic_codes(demo):
    lines = BasicExpenditureLine.objects.filter(budget__cycle=demo)
    assert not lines.filter(economic_code__isnull=False).exists()
    hq = lines.filter(budget__unit__code="hq").aggregate(s=Sum("amount"))["s"]
    assert hq == Decimal("49640000.00")  # 表7: 1111 + 336 + 3177 + 16 + 216 + 108 万


def test_procurement_reproduces_table3_reservations(demo):
    seed = _seed_table3()["hq"]
    lines = ProcurementLine.objects.filter(budget__unit__code="hq", budget__cycle=demo, carried_over=False)
    sums = lines.aggregate(a=Sum("amount"), s=Sum("sme_amount"), m=Sum("small_micro_amount"))
    assert to_wan(sums["a"]) == Decimal(seed["procurement"])
    # 2020 prints SMEs other than small/micro apart; stored, small/micro is a part of SMEs.
    assert to_wan(sums["s"] - sums["m"]) == Decimal(seed["sme"])
    assert to_wan(sums["m"]) == Decimal(seed["small_micro"])
    carried = ProcurementLine.objects.get(budget__unit__code="hq", budget__cycle=demo, carried_over=True)
    assert carried.project.name == "待支付以前年度采购项目" and carried.amount == Decimal("34843562.91")


def test_three_public_keeps_both_years(demo):
    nanshan = ThreePublicExpense.objects.get(budget__unit__code="nanshan", year=2020)
    assert nanshan.reception == Decimal("3500.00")  # printed 0.35 万元
    baoan_2019 = ThreePublicExpense.objects.get(budget__unit__code="baoan", year=2019)
    assert baoan_2019.vehicle_purchase == Decimal("200000.00")


def test_staffing_facts_from_the_text(demo):
    baoan = StaffingFact.objects.get(cycle=demo, unit__code="baoan")
    assert (baoan.authorised_headcount, baoan.actual_headcount, baoan.outsourced_staff) == (122, 128, 32)
    total = StaffingFact.objects.filter(cycle=demo).aggregate(s=Sum("authorised_headcount"))["s"]
    assert total == 793  # 系统事业编制总数793人


def test_demo_users_cover_every_role_in_hq_and_two_branches(demo):
    roles = set(Membership.objects.filter(unit__code="hq").values_list("role", flat=True))
    assert roles == set(Role.values)
    for branch in ("baoan", "luohu"):
        branch_roles = set(Membership.objects.filter(unit__code=branch).values_list("role", flat=True))
        assert branch_roles == {Role.BRANCH_PREPARER, Role.BRANCH_HEAD}


def test_loading_the_demo_again_changes_nothing(demo):
    before = _snapshot()
    result = demo_load()
    assert sum(result.created.values()) == 0
    assert _snapshot() == before


def test_loaddemo_if_empty_keeps_edits(demo, capsys):
    project = Project.objects.get(budget__unit__code="luohu", name="预算准备金")
    Project.objects.filter(pk=project.pk).update(fiscal_amount=Decimal("1.00"), total_amount=Decimal("1.00"))
    call_command("loaddemo", "--if-empty")
    project.refresh_from_db()
    assert project.fiscal_amount == Decimal("1.00")
    assert "nothing loaded" in capsys.readouterr().out
