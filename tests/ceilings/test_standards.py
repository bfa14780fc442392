"""Basic expenditure from the expenditure standards and the staffing facts, with the working;
lines above the standard need a reason before the submission goes on; the xlsx import."""

from decimal import Decimal
from io import BytesIO

import pytest
import tablib
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets import checks
from budgets.models import BasicExpenditureLine, EconomicCode, StaffingFact, UnitBudget
from ceilings import services
from ceilings.models import AboveStandardReason, ExpenditureStandard, StandardBasis
from ceilings.resources import StandardResource
from ceilings.selectors import basic_working
from ceilings.standards import compute_basic
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import EventType

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def budget(cycle, baoan):
    StaffingFact.objects.update_or_create(
        cycle=cycle,
        unit=baoan,
        defaults={"authorised_headcount": 50, "actual_headcount": 45, "retired": 12, "vehicles": 3},
    )
    return UnitBudget.objects.get(cycle=cycle, unit=baoan)


@pytest.fixture
def standards(cycle):
    code = EconomicCode.objects.get
    rows = [
        ("办公费定额", StandardBasis.ACTUAL_HEAD, "3000.00", "30201"),
        ("差旅费定额", StandardBasis.AUTHORISED_HEAD, "2000.00", "30211"),
        ("公务用车运行维护费定额", StandardBasis.VEHICLE, "25000.00", "30231"),
        ("退休人员活动经费", StandardBasis.RETIREE, "500.00", "30201"),
        ("物业管理费定额", StandardBasis.AREA, "60.00", "30201"),
    ]
    return [
        ExpenditureStandard.objects.create(
            cycle=cycle, kind=k, basis=b, amount=D(a), economic_code=code(code=c)
        )
        for k, b, a, c in rows
    ]


def test_the_working_is_quantity_times_standard_line_by_line(budget, standards):
    working = basic_working(budget)
    amounts = {line.standard.kind: (line.quantity, line.amount) for line in working.lines}
    assert amounts["办公费定额"] == (45, D("135000.00"))
    assert amounts["差旅费定额"] == (50, D("100000.00"))
    assert amounts["公务用车运行维护费定额"] == (3, D("75000.00"))
    assert amounts["退休人员活动经费"] == (12, D("6000.00"))
    assert amounts["物业管理费定额"] == (None, D("0.00"))  # the unit's floor area is not recorded
    assert working.total == D("316000.00")
    office = EconomicCode.objects.get(code="30201").pk
    assert working.by_code[office] == D("141000.00")


def test_a_per_area_standard_computes_from_the_recorded_floor_area(budget, standards):
    StaffingFact.objects.filter(cycle=budget.cycle, unit=budget.unit).update(floor_area=1500)
    working = basic_working(budget)
    amounts = {line.standard.kind: (line.quantity, line.amount) for line in working.lines}
    assert amounts["物业管理费定额"] == (1500, D("90000.00"))
    assert working.total == D("406000.00")
    # Zero square metres is recorded (gives zero); only empty is "not recorded".
    StaffingFact.objects.filter(cycle=budget.cycle, unit=budget.unit).update(floor_area=0)
    line = next(x for x in basic_working(budget).lines if x.standard.kind == "物业管理费定额")
    assert (line.recorded, line.amount) == (True, D("0.00"))


def test_without_staffing_facts_nothing_is_computed(standards):
    assert all(line.quantity is None and line.amount == 0 for line in compute_basic(standards, None))


def test_compute_fills_the_lines_of_the_codes_the_standards_feed_and_keeps_the_others(
    users, budget, standards
):
    other = BasicExpenditureLine.objects.create(budget=budget, economic_code=EconomicCode.objects.get(code="30228"),
                                                amount=D("8000.00"))  # fmt: skip
    BasicExpenditureLine.objects.create(
        budget=budget, economic_code=EconomicCode.objects.get(code="30201"), amount=D(1)
    )
    services.basic_compute(actor=users["baoan_preparer"], budget=budget)
    lines = {
        (line.economic_code.code, line.amount) for line in budget.basic_lines.select_related("economic_code")
    }
    assert lines == {
        ("30201", D("141000.00")),
        ("30211", D("100000.00")),
        ("30231", D("75000.00")),
        ("30228", D("8000.00")),
    }
    assert BasicExpenditureLine.objects.filter(pk=other.pk).exists()
    assert events_of(budget).first().type == EventType.BASIC_COMPUTED


@pytest.mark.parametrize("who", ["luohu_preparer", "hq_reviewer", "auditor"])
def test_only_the_units_own_staff_compute_its_basic_expenditure(users, budget, standards, who):
    with pytest.raises(BusinessRuleError):
        services.basic_compute(actor=users[who], budget=budget)
    assert not budget.basic_lines.exists()


def test_a_line_above_its_standard_blocks_the_submission_until_a_reason_is_given(users, budget, standards):
    travel = EconomicCode.objects.get(code="30211")
    BasicExpenditureLine.objects.create(budget=budget, economic_code=travel, amount=D("120000.00"))
    codes = [p.code for p in checks.blocking(checks.problems_for(budget))]
    assert "above_standard:30211" in codes
    services.above_standard_reason_save(actor=users["baoan_preparer"], budget=budget, economic_code=travel,
                                        reason="全年异地稽核任务增加")  # fmt: skip
    assert "above_standard:30211" not in [p.code for p in checks.problems_for(budget)]
    assert AboveStandardReason.objects.get(budget=budget).reason == "全年异地稽核任务增加"


def test_a_line_within_its_standard_needs_no_reason(budget, standards):
    BasicExpenditureLine.objects.create(budget=budget, economic_code=EconomicCode.objects.get(code="30211"),
                                        amount=D("100000.00"))  # fmt: skip
    assert not [p for p in checks.problems_for(budget) if p.code.startswith("above_standard")]


def test_standards_import_from_xlsx_by_code_or_chinese_name(cycle):
    data = tablib.Dataset(
        headers=["年度", "标准名称", "计算依据", "标准金额（元）", "经济分类", "功能分类", "说明"]
    )
    data.append([cycle.year, "办公费定额", "actual_head", "3000", "30201", "", ""])
    data.append([cycle.year, "差旅费定额", "per authorised head", "2000.50", "30211", "", "市财政标准"])
    xlsx = tablib.Dataset().load(BytesIO(data.export("xlsx")).read(), format="xlsx")
    result = StandardResource().import_data(xlsx, dry_run=False, raise_errors=False)
    assert not result.has_errors() and not result.has_validation_errors()
    travel = ExpenditureStandard.objects.get(cycle=cycle, kind="差旅费定额")
    assert (travel.basis, travel.amount, travel.note) == (
        StandardBasis.AUTHORISED_HEAD,
        D("2000.50"),
        "市财政标准",
    )


def test_a_bad_amount_in_the_import_writes_nothing(cycle):
    data = tablib.Dataset(
        headers=["年度", "标准名称", "计算依据", "标准金额（元）", "经济分类", "功能分类", "说明"]
    )
    data.append([cycle.year, "办公费定额", "actual_head", "3000", "30201", "", ""])
    data.append([cycle.year, "差旅费定额", "actual_head", "-5", "30211", "", ""])
    result = StandardResource().import_data(data, dry_run=False, raise_errors=False, use_transactions=True)
    assert result.has_errors() or result.has_validation_errors()
    assert not ExpenditureStandard.objects.filter(cycle=cycle).exists()


def test_the_standards_page_shows_the_working_to_the_unit_and_404s_for_another(
    client, users, budget, standards
):
    client.force_login(users["baoan_preparer"])
    page = client.get(reverse("ceilings:standards", args=[budget.cycle.year, "baoan"]))
    assert page.status_code == 200
    assert "45 × 3,000.00 = 135,000.00" in page.content.decode()
    client.force_login(users["luohu_preparer"])
    assert client.get(reverse("ceilings:standards", args=[budget.cycle.year, "baoan"])).status_code == 404


def test_hq_edits_and_imports_the_standards_in_the_admin_and_the_auditor_only_reads(client, users, standards):
    client.force_login(users["hq_reviewer"])
    assert client.get("/admin/ceilings/expenditurestandard/import/").status_code == 200
    assert client.get(f"/admin/ceilings/expenditurestandard/{standards[0].pk}/change/").status_code == 200
    client.force_login(users["auditor"])
    assert client.get("/admin/ceilings/expenditurestandard/").status_code == 200
    assert client.get("/admin/ceilings/expenditurestandard/import/").status_code == 403
    response = client.post(f"/admin/ceilings/expenditurestandard/{standards[0].pk}/change/", {"amount": "1"})
    assert response.status_code == 403
    standards[0].refresh_from_db()
    assert standards[0].amount == D("3000.00")


@settings(max_examples=100, deadline=None)
@given(
    heads=st.integers(0, 5000),
    vehicles=st.integers(0, 500),
    area=st.integers(0, 100000),
    rates=st.lists(st.decimals(min_value=0, max_value=100000, places=2), min_size=1, max_size=6),
)
def test_property_the_total_is_the_sum_of_quantity_times_standard(heads, vehicles, area, rates):
    staffing = StaffingFact(authorised_headcount=heads, actual_headcount=heads, retired=0, vehicles=vehicles,
                            floor_area=area)  # fmt: skip
    bases = [StandardBasis.ACTUAL_HEAD, StandardBasis.VEHICLE, StandardBasis.AREA]
    standards = [ExpenditureStandard(kind=str(i), basis=bases[i % 3], amount=r, economic_code_id=1)
                 for i, r in enumerate(rates)]  # fmt: skip
    lines = compute_basic(standards, staffing)
    quantity = {StandardBasis.ACTUAL_HEAD: heads, StandardBasis.VEHICLE: vehicles, StandardBasis.AREA: area}
    assert sum(line.amount for line in lines) == sum(s.amount * quantity[s.basis] for s in standards)
