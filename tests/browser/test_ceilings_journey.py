"""Issue #14's journey in Chromium: HQ sets ceilings for two branches and issues one; the branch
ranks its requests and sees what falls below the line; HQ compares two cut scenarios and applies
one; the branch computes its basic expenditure from the standards and sees the working; a
late-spending project raises a warning that reaches the branch head by email."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from budgets.models import BudgetCycle, EconomicCode, Project, ProjectCategory, StaffingFact, UnitBudget
from ceilings.models import ExpenditureStandard, StandardBasis, UnitCeiling
from core.mail import send, unsent
from core.models import Unit
from performance.models import SpendingImport, SpendingRecord
from reminders.services import reminders_scan
from tests.factories import ProjectFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


@pytest.fixture
def autumn(demo):
    """宝安's 2021 requests (50, 30, 20 万 and its 10 万 reserve), staffing and two standards."""
    cycle = BudgetCycle.objects.get(year=2021)
    baoan = Unit.objects.get(code="baoan")
    budget = UnitBudget.objects.get(cycle=cycle, unit=baoan)
    reserve = ProjectCategory.objects.filter(is_reserve=True).first()
    projects = {
        name: ProjectFactory(budget=budget, name=name, fiscal_amount=D(amount), category=category)
        for name, amount, category in [
            ("社保档案数字化", "500000.00", None), ("办事大厅维护", "300000.00", None),
            ("宣传材料印制", "200000.00", None), ("预算准备金", "100000.00", reserve),
        ]
    }  # fmt: skip
    StaffingFact.objects.update_or_create(
        cycle=cycle, unit=baoan, defaults={"authorised_headcount": 50, "actual_headcount": 45, "vehicles": 3}
    )
    for kind, basis, amount, code in [("办公费定额", StandardBasis.ACTUAL_HEAD, "3000.00", "30201"),
                                      ("公务用车运行维护费定额", StandardBasis.VEHICLE, "25000.00", "30231")]:  # fmt: skip
        ExpenditureStandard.objects.create(cycle=cycle, kind=kind, basis=basis, amount=D(amount),
                                           economic_code=EconomicCode.objects.get(code=code))  # fmt: skip
    return cycle, projects


def late_spending(demo):
    project = Project.objects.filter(
        budget__cycle=demo, budget__unit__code="baoan", fiscal_amount__gt=0
    ).first()
    hq = Unit.objects.get(code="hq").memberships.first().user
    source = SpendingImport.objects.create(cycle=demo, filename="财务系统.xlsx", rows=6, imported_by=hq)
    for month in range(1, 7):
        SpendingRecord.objects.create(cycle=demo, unit=project.budget.unit, project=project, month=month,
                                      amount=(project.amount / 100).quantize(D("0.01")), source=source)  # fmt: skip
    return project


def test_ceilings_ranking_scenarios_standards_and_a_warning(live_server, demo, autumn, page, shot):
    cycle, projects = autumn
    base = live_server.url

    # HQ sets the ceilings of 宝安 (90 万) and 罗湖 (200 万) by hand and issues 宝安's.
    log_in(page, base, "hq_reviewer")
    page.goto(f"{base}/ceilings/2021/")
    for unit, total in [("baoan", "900000"), ("luohu", "2000000")]:
        form = page.get_by_test_id("set-ceiling")
        form.locator("select[name=unit]").select_option(unit)
        form.locator("input[name=total]").fill(total)
        with page.expect_navigation():
            form.get_by_role("button").click()
    expect(page.locator("tr[data-unit='baoan'] td[data-field='ceiling']")).to_have_text("90.00")
    expect(page.locator("tr[data-unit='luohu'] td[data-field='ceiling']")).to_have_text("200.00")
    with page.expect_navigation():
        page.locator("tr[data-unit='baoan'] button[data-action='issue']").click()
    expect(page.locator("tr[data-unit='baoan'] td[data-field='round']")).to_contain_text("一下")
    shot("01-hq-sets-ceilings")
    log_out(page)

    # The branch ranks: 宣传材料印制 first, then 社保档案数字化, then 办事大厅维护.
    log_in(page, base, "baoan_preparer")
    page.goto(f"{base}/ceilings/2021/baoan/")
    for name, rank in [("宣传材料印制", "1"), ("社保档案数字化", "2"), ("办事大厅维护", "3")]:
        page.locator(f"input[name='rank-{projects[name].pk}']").fill(rank)
    with page.expect_navigation():
        page.get_by_test_id("save-ranking").click()
    expect(page.get_by_test_id("ceiling-line")).to_be_visible()
    expect(page.locator(f"tr[data-project='{projects['办事大厅维护'].pk}']")).to_have_attribute(
        "data-kept", "0"
    )
    expect(page.locator("[data-field='below']").first).to_have_text("30.00")
    shot("02-branch-ranks-and-sees-the-line")
    log_out(page)

    # HQ compares −4 % and −8 % side by side and applies −4 %.
    log_in(page, base, "hq_approver")
    page.goto(f"{base}/ceilings/2021/scenarios/?rates=-4,-8")
    rows = page.locator("table[data-testid='scenarios'] tr[data-unit='baoan'] td[data-field='ceiling']")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text("86.40")
    expect(rows.nth(1)).to_have_text("82.80")
    shot("03-hq-compares-scenarios")
    with page.expect_navigation():
        page.get_by_test_id("apply-1").get_by_role("button").click()
    expect(page.locator("tr[data-unit='baoan'] td[data-field='ceiling']")).to_have_text("86.40")
    expect(page.locator("tr[data-unit='luohu'] td[data-field='ceiling']")).to_have_text("192.00")
    assert UnitCeiling.objects.get(cycle=cycle, unit__code="baoan").total == D("864000.00")
    log_out(page)

    # The branch computes its basic expenditure from the standards and sees the working.
    log_in(page, base, "baoan_preparer")
    page.goto(f"{base}/ceilings/2021/baoan/standards/")
    expect(page.locator("tr[data-standard='办公费定额'] td[data-field='amount']")).to_have_text(
        "45 × 3,000.00 = 135,000.00"
    )
    with page.expect_navigation():
        page.get_by_test_id("compute-basic").click()
    expect(page.get_by_test_id("comparison").locator("tr[data-code='30231'] td").nth(2)).to_have_text("7.50")
    shot("04-branch-computes-basic-expenditure")
    log_out(page)

    # A 2020 project that spent 6 % by June: the daily scan warns the branch head by email.
    project = late_spending(demo)
    mail.outbox.clear()
    reminders_scan(today=datetime.date(2020, 7, 10))
    send(message_ids=unsent())
    to_head = [m for m in mail.outbox if "baoan_head@demo.invalid" in m.to and project.name in m.body]
    assert len(to_head) == 1 and "低于20%" in to_head[0].body
    log_in(page, base, "baoan_head")
    page.goto(f"{base}/ceilings/2020/baoan/monitoring/")
    expect(page.get_by_test_id("warnings")).to_contain_text(project.name)
    shot("05-branch-head-sees-the-warning")
