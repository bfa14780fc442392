"""One approved adjustment, seen everywhere: every page, selector, API and table that shows the
adjusted project or its unit must show the same figures.

On the 2020 demo (published, so its projects are locked and adjustable), 宝安分局 asks to raise an
itemised project and to cut one without sub-items; the HQ approver approves both. The expected
figures are computed here from the request (old amount + delta), never by the code under test.
"""

import re
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model

from approvals.selectors import adjustment_rates
from approvals.services import adjustment_request
from budgets.models import AdjustmentState, BasicExpenditureLine, Project, ProjectSubItem, UnitBudget
from core.errors import BusinessRuleError
from core.models import Unit
from disclosure.exporting import build_workbook
from performance.models import MonitoringRound
from performance.selectors import department_prefill
from performance.services import monitoring_round_open, project_monitoring_start

from .conftest import adjustment_through_the_chain

pytestmark = pytest.mark.django_db

RAISE = D("40000.00")  # 社保政策法规研究, itemised: 660,000 → 700,000
CUT = D("-5000.00")  # 社保档案管理, no sub-items: 30,000 → 25,000


def user(username):
    return get_user_model().objects.get(username=username)


def fmt(amount: D) -> str:
    return f"{amount:,.2f}"


def field_text(html: str, name: str) -> str:
    match = re.search(rf'data-field="{name}"[^>]*>([^<]*)<', html)
    assert match, f"no {name} on the page"
    return match.group(1)


@pytest.fixture
def adjusted(demo):
    """Both adjustments requested and approved; the figures as they were before."""
    baoan = UnitBudget.objects.get(cycle=demo, unit__code="baoan")
    itemised = Project.objects.get(budget=baoan, name="社保政策法规研究")
    plain = Project.objects.get(budget=baoan, name="社保档案管理")
    assert itemised.state == plain.state == "published" and not plain.sub_items.exists()
    # The demo's 宝安 projects have no sub-items: itemise one as the unit did at preparation.
    assert itemised.amount == D("660000.00")
    first = ProjectSubItem.objects.create(
        project=itemised, name="政策研究课题", amount=D("400000.00"), sort_order=1
    )
    second = ProjectSubItem.objects.create(
        project=itemised, name="法规宣传", amount=D("260000.00"), sort_order=2
    )
    before = {
        "itemised": itemised.amount,
        "plain": plain.amount,
        "total": sum(BasicExpenditureLine.objects.filter(budget=baoan).values_list("amount", flat=True), D(0))
        + sum((p.fiscal_amount + p.other_amount for p in Project.objects.filter(budget=baoan)), D(0)),
    }
    preparer = user("baoan_preparer")

    # An itemised project's adjustment must say the new amount of each sub-item …
    with pytest.raises(BusinessRuleError) as refused:
        adjustment_request(project=itemised, actor=preparer, fiscal_amount=before["itemised"] + RAISE,
                           reason="新增课题")  # fmt: skip
    assert refused.value.code == "sub_items_required" and "明细" in str(refused.value.message)
    # … and they must add up to the new amount.
    with pytest.raises(BusinessRuleError) as wrong_sum:
        adjustment_request(project=itemised, actor=preparer, fiscal_amount=before["itemised"] + RAISE,
                           reason="新增课题", sub_items={first.pk: D("400000"), second.pk: D("260000")})  # fmt: skip
    assert wrong_sum.value.code == "sub_items_sum"

    raise_request = adjustment_request(
        project=itemised,
        actor=preparer,
        fiscal_amount=before["itemised"] + RAISE,
        reason="新增课题",
        sub_items={first.pk: D("430000.00"), second.pk: D("270000.00")},
    )
    cut_request = adjustment_request(project=plain, actor=preparer, fiscal_amount=before["plain"] + CUT,
                                     reason="档案数字化延后")  # fmt: skip
    for request in (raise_request, cut_request):
        adjustment_through_the_chain(request)
        assert request.state == AdjustmentState.APPROVED
    return {
        "cycle": demo,
        "budget": baoan,
        "itemised": itemised,
        "plain": plain,
        "sub_items": {first.pk: D("430000.00"), second.pk: D("270000.00")},
        "before": before,
        "requests": (raise_request, cut_request),
    }


def test_the_adjusted_figures_agree_everywhere(adjusted, client):
    cycle, budget = adjusted["cycle"], adjusted["budget"]
    before = adjusted["before"]
    new = {"itemised": before["itemised"] + RAISE, "plain": before["plain"] + CUT}
    initial_total, adjusted_total = before["total"], before["total"] + RAISE + CUT
    rate = abs(RAISE + CUT) / adjusted_total

    # The records: amounts, total amount (one-year projects: the year's amount), sub-items.
    for key in ("itemised", "plain"):
        project = Project.objects.get(pk=adjusted[key].pk)
        assert project.amount == new[key]
        assert project.total_amount == new[key]
    assert (
        dict(ProjectSubItem.objects.filter(project=adjusted["itemised"]).values_list("id", "amount"))
        == (adjusted["sub_items"])
    )
    assert sum(adjusted["sub_items"].values()) == new["itemised"]
    # The original amounts stay on the requests.
    assert [r.original_amount for r in adjusted["requests"]] == [before["itemised"], before["plain"]]

    # The project pages: the new amount, the original one, the sub-items.
    client.force_login(user("baoan_preparer"))
    for key in ("itemised", "plain"):
        html = client.get(f"/budgets/2020/baoan/projects/{adjusted[key].pk}/").content.decode()
        assert field_text(html, "amount").startswith(fmt(new[key]))
        assert field_text(html, "initial-amount").startswith(fmt(before[key]))
        assert field_text(html, "adjusted-amount").startswith(fmt(new[key]))
        assert field_text(html, "total-amount").startswith(fmt(new[key]))
    html = client.get(f"/budgets/2020/baoan/projects/{adjusted['itemised'].pk}/").content.decode()
    shown = {
        int(pk): D(amount)
        for pk, amount in re.findall(
            r'data-sub-item="(\d+)"><td>[^<]*</td><td[^>]*data-yuan="([\d.]+)"', html
        )
    }
    assert shown == adjusted["sub_items"]

    # The monitoring page: 年初预算 is the amount before the adjustment, 调整后预算 the new one.
    if not MonitoringRound.objects.filter(cycle=cycle).exists():
        monitoring_round_open(cycle=cycle, actor=user("hq_approver"))
    round_ = MonitoringRound.objects.get(cycle=cycle)
    for key in ("itemised", "plain"):
        project_monitoring_start(round=round_, project=adjusted[key], actor=user("baoan_preparer"))
        html = client.get(f"/performance/2020/baoan/projects/{adjusted[key].pk}/monitoring/").content.decode()
        assert field_text(html, "initial-budget").strip() == fmt(before[key])
        assert field_text(html, "adjusted-budget").strip() == fmt(new[key])

    # The rubric pre-fill and the dashboard: the same initial, adjusted and rate.
    figures = department_prefill(cycle=cycle, units=[budget.unit])
    initial, adjusted_budget = D(figures["budget_initial"]["value"]), D(figures["budget_adjusted"]["value"])
    assert (initial, adjusted_budget) == (initial_total, adjusted_total)
    rates, _bureau = adjustment_rates(cycle=cycle, units=Unit.objects.all())
    assert rates[budget.unit_id] == rate == abs(adjusted_budget - initial) / adjusted_budget

    # The API.
    for key in ("itemised", "plain"):
        data = client.get(f"/api/v1/projects/{adjusted[key].pk}/").json()
        assert (D(data["amount"]), D(data["initial_amount"]), D(data["total_amount"])) == (
            new[key],
            before[key],
            new[key],
        )
    data = client.get(f"/api/v1/projects/{adjusted['itemised'].pk}/").json()
    assert sorted(D(s["amount"]) for s in data["sub_items"]) == sorted(adjusted["sub_items"].values())
    listed = client.get("/api/v1/projects/?year=2020&unit=baoan").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    by_id = {row["id"]: row for row in rows}
    if adjusted["itemised"].pk in by_id:
        assert D(by_id[adjusted["itemised"].pk]["initial_amount"]) == before["itemised"]
    budgets = client.get("/api/v1/budgets/?year=2020").json()
    rows = budgets["results"] if isinstance(budgets, dict) else budgets
    (row,) = [r for r in rows if r["unit"]["code"] == "baoan"]
    assert D(row["total"]) == adjusted_total

    # The disclosure workbook: the project rows of 表13 and the unit's total in 表3.
    tables = {t.number: t for t in build_workbook(cycle=cycle).tables}
    rows13 = {r.key: r for r in tables["表13"].rows}
    for key in ("itemised", "plain"):
        cells = rows13[f"baoan:{adjusted[key].name}"].cells
        assert (cells[2].yuan, cells[3].yuan) == (new[key], new[key])
    (unit_row,) = [r for r in tables["表3"].rows if r.key == "baoan"]
    assert unit_row.cells[1].yuan == adjusted_total


def test_a_multi_year_project_total_changes_by_the_delta(demo):
    project = Project.objects.get(budget__cycle=demo, budget__unit__code="baoan", name="社保基金管理和运营")
    from datetime import date

    Project.objects.filter(pk=project.pk).update(
        start_date=date(2019, 7, 1), end_date=date(2021, 6, 30), total_amount=D("90000.00")
    )
    request = adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=D("45000.00"),
                                 reason="进度加快")  # fmt: skip
    adjustment_through_the_chain(request)
    project.refresh_from_db()
    assert (project.amount, project.total_amount) == (D("45000.00"), D("90000.00") + D("15000.00"))
