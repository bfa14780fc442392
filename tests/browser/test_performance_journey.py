"""The August checkpoint end to end, in Chromium: a branch reports an indicator behind schedule,
cannot submit without a reason, asks for a lower target and submits; HQ sees the red light and
approves the change; the self-evaluation then scores against the adjusted target."""

import re

import pytest
from playwright.sync_api import expect

from budgets.models import Project

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page):
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()


def row(page, indicator):
    return page.locator(f"tr[data-indicator='{indicator.pk}']")


def test_august_checkpoint_to_self_evaluation(live_server, demo, page, shot):
    project = Project.objects.get(budget__cycle=demo, budget__unit__code="baoan", name="社保政策法规研究")
    training, printed, quality, deadline, coverage, satisfaction = project.indicators.order_by("sort_order")
    assert (training.name, training.target_text) == ("社保政策法规培训场次", "4期")

    # HQ opens the mid-year monitoring of 2020.
    log_in(page, live_server.url, "hq_reviewer")
    page.goto(f"{live_server.url}/performance/2020/")
    page.get_by_test_id("open-round").click()
    assert page.get_by_text("年中绩效监控已启动").first.is_visible()
    shot("01-hq-opens-monitoring")
    log_out(page)

    # The branch head reports July: one training of four, 1.0 expected 2.33 → red.
    log_in(page, live_server.url, "baoan_head")
    page.goto(f"{live_server.url}/performance/2020/baoan/")
    page.locator(f"tr[data-project='{project.pk}']").get_by_role("link", name="未开始").first.click()
    page.get_by_test_id("start").click()
    page.fill("input[name=expected_spending]", "600000")
    row(page, training).locator("input[name$='-actual_value']").fill("1")
    row(page, training).locator("input[name$='-forecast_value']").fill("2")
    row(page, printed).locator("input[name$='-actual_value']").fill("600000")
    row(page, quality).locator("input[name$='-actual_value']").fill("100")
    row(page, deadline).locator("select[name$='-progress']").select_option("reached")
    row(page, coverage).locator("input[name$='-actual_value']").fill("99.2")
    row(page, satisfaction).locator("input[name$='-actual_value']").fill("99.5")
    page.get_by_test_id("submit").click()
    errors = page.get_by_test_id("form-errors")
    assert "社保政策法规培训场次进度滞后" in errors.inner_text()
    assert row(page, training).get_attribute("data-light") == "red"
    assert "草稿" in page.locator("h1").inner_text()
    shot("02-cannot-submit-without-a-reason")

    # The reason, then a request to lower the target to what the epidemic allows.
    row(page, training).locator("select[name$='-deviation_category']").select_option("other")
    row(page, training).locator("textarea[name$='-deviation_reason']").fill("受疫情影响，集中培训暂停")
    row(page, training).locator("select[name$='-likelihood']").select_option("impossible")
    page.get_by_test_id("save").click()
    row(page, training).get_by_test_id("ask-change").click()
    assert page.locator("[data-field=current-target]").inner_text() == "4期"
    page.fill("input[name=new_text]", "2期")
    page.fill("textarea[name=reason]", "受疫情影响，全年集中培训由4期调整为2期")
    page.get_by_role("button", name="报送市局").click()
    assert "4期 → 2期" in row(page, training).get_by_test_id("pending-change").inner_text()
    page.get_by_test_id("submit").click()
    assert "已报市局" in page.locator("h1").inner_text()
    shot("03-submitted-with-reason-and-change-request")
    log_out(page)

    # The HQ approver sees the red light and approves the change.
    log_in(page, live_server.url, "hq_approver")
    page.goto(f"{live_server.url}/performance/2020/")
    assert page.locator("tr[data-unit=baoan] [data-field=red]").inner_text() == "1"
    shot("04-hq-sees-the-red-light")
    page.locator("[data-testid=waiting]").get_by_role(
        "link", name=re.compile("社保政策法规研究")
    ).first.click()
    assert row(page, training).locator("[data-light=red]").is_visible()
    with page.expect_navigation():
        row(page, training).get_by_test_id("approve-change").click()
    target = row(page, training).locator("[data-field=target]").inner_text()
    assert target.startswith("2期") and "原目标 4期" in target
    page.get_by_test_id("review-form").get_by_role("button", name="批准").click()
    assert "已批复" in page.locator("h1").inner_text()  # "Approved", as the project catalogue words it
    shot("05-change-approved")
    log_out(page)

    # After the year: the self-evaluation scores the two trainings held against the new target.
    log_in(page, live_server.url, "baoan_head")
    page.goto(f"{live_server.url}/performance/2020/baoan/projects/{project.pk}/evaluation/")
    page.get_by_test_id("start").click()
    assert page.input_value("input[name=adjusted_budget]") == "660000"
    page.fill("input[name=spending]", "600000")
    page.fill("input[name=spending_source]", "2020年度决算")
    row(page, training).locator("input[name$='-actual_value']").fill("2")
    row(page, printed).locator("input[name$='-actual_value']").fill("1000000")
    row(page, quality).locator("input[name$='-actual_value']").fill("100")
    row(page, deadline).locator("select[name$='-achievement']").select_option("reached")
    row(page, deadline).locator("input[name$='-band_percent']").fill("100")
    row(page, coverage).locator("input[name$='-actual_value']").fill("99.5")
    row(page, satisfaction).locator("input[name$='-actual_value']").fill("99.5")
    page.get_by_test_id("save").click()
    assert row(page, training).locator("[data-field=points]").inner_text() == "12.50"  # full: 2 of 2
    assert page.get_by_test_id("score").locator("[data-field=total]").inner_text() == "99.09"
    assert page.get_by_test_id("score").locator("[data-field=grade]").inner_text() == "优"
    shot("06-self-evaluation-against-the-adjusted-target")
    page.get_by_test_id("submit").click()
    assert "已报市局" in page.locator("h1").inner_text()


def test_branch_enters_targets_with_live_checks(live_server, demo, page, shot):
    from core.models import Unit
    from tests.factories import BudgetFactory, CycleFactory, ProjectFactory

    budget = BudgetFactory(cycle=CycleFactory(year=2031), unit=Unit.objects.get(code="baoan"))
    project = ProjectFactory(budget=budget, name="档案数字化")
    log_in(page, live_server.url, "baoan_preparer")
    page.goto(f"{live_server.url}/performance/2031/baoan/projects/{project.pk}/targets/")
    live = page.locator("[data-live-problems]")
    live.get_by_text("至少须有一项产出指标").wait_for()

    page.locator("[data-add-row]").click()
    first = page.locator("tr.indicator-row").nth(0)
    first.locator("select[name$='-level1']").select_option("output")
    assert first.locator("select[name$='-level2']").input_value() == "quantity"
    first.locator("input[name$='-name']").fill("扫描页数")
    first.locator("input[name$='-target_text']").fill("≥50万页")
    first.locator("input[name$='-target_source']").fill("年度工作计划")
    expect(first.locator("[data-preview]")).to_contain_text("≥ 500000 页")

    page.locator("[data-add-row]").click()
    second = page.locator("tr.indicator-row").nth(1)
    second.locator("select[name$='-level1']").select_option("satisfaction")
    assert second.locator("select[name$='-level2']").input_value() == "service_satisfaction"
    second.locator("input[name$='-name']").fill("查档人满意度")
    second.locator("input[name$='-target_text']").fill("满意")
    live.get_by_text("满意度指标须为百分比").wait_for()
    shot("01-live-check-names-the-problem")

    second.locator("input[name$='-target_text']").fill("≥90%")
    second.locator("input[name$='-target_source']").fill("历史标准")
    live.wait_for(state="hidden")
    page.get_by_test_id("save-targets").click()
    expect(page.get_by_test_id("indicators").locator("tbody tr")).to_have_count(2)
    assert page.get_by_test_id("target-problems-none").is_visible()
    shot("02-targets-saved")


def test_hq_reads_a_department_rubric_report_and_xlsx(live_server, demo, page, shot):
    from django.contrib.auth import get_user_model

    from core.models import Unit
    from performance import services
    from tests.performance.test_rubric import INPUTS

    head = get_user_model().objects.get(username="baoan_head")
    evaluation = services.department_evaluation_start(
        cycle=demo, unit=Unit.objects.get(code="baoan"), actor=head
    )
    inputs = {
        "figures": {
            k: v if isinstance(v, dict) else {"value": v, "source": "2020年决算"}
            for k, v in INPUTS["figures"].items()
        },
        "deductions": INPUTS["deductions"],
        "checklist": INPUTS["checklist"],
    }
    services.department_evaluation_save(evaluation=evaluation, inputs=inputs, actor=head)
    services.department_evaluation_submit(evaluation=evaluation, actor=head)

    log_in(page, live_server.url, "hq_reviewer")
    page.goto(f"{live_server.url}/performance/2020/baoan/evaluation/")
    rubric = page.get_by_test_id("rubric")
    assert rubric.locator("[data-field=total]").inner_text() == "82.56"
    assert rubric.locator("[data-field=grade]").inner_text() == "良"
    assert rubric.locator("tr[data-item=financial_compliance] [data-field=score]").inner_text() == "2.51"
    shot("01-rubric-for-review")
    with page.expect_download() as download:
        page.get_by_test_id("xlsx").click()
    assert download.value.suggested_filename == "self-evaluation-2020-baoan.xlsx"
    page.get_by_role("link", name="打印版报告").click()
    assert page.locator("[data-field=report-total]").inner_text() == "82.56"
    page.emulate_media(media="print")
    shot("02-printable-report")
