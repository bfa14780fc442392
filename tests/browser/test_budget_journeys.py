"""Browser journeys of the foundation: HQ reads the bureau budget; a branch reads only its own."""

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hq_reviewer_reads_the_bureau_budget_down_to_a_project(live_server, demo, page, shot):
    log_in(page, live_server.url, "hq_reviewer")
    page.wait_for_url("**/workflow/dashboard/2021/")
    page.goto(f"{live_server.url}/budgets/2020/")
    table = page.get_by_test_id("bureau-table")
    assert "部门支出预算总表" in page.content()
    baoan = table.locator("tr[data-unit=baoan]")
    assert baoan.locator("td").nth(1).inner_text() == "7,656"
    assert table.locator("tr[data-unit=bureau] td").first.inner_text() in {"62,590", "62,591"}
    findings = page.get_by_test_id("findings")
    expect(findings.locator("tbody tr")).to_have_count(
        14
    )  # 12 of the published tables, 2 表13 projects without targets
    shot("01-bureau-overview")

    table.get_by_role("link", name="深圳市社会保险基金管理局龙华分局").click()
    page.wait_for_url("**/budgets/2020/longhua/")
    assert page.locator("[data-field=total]").inner_text() == "3,173.73"
    shot("02-unit-budget")

    page.get_by_test_id("projects").get_by_role("link", name="社保综合管理").click()
    expect(page.get_by_test_id("sub-items").locator("tbody tr")).to_have_count(11)
    assert "10,299,998.00" in page.locator("[data-field=amount]").inner_text()
    shot("03-project")

    page.select_option("select[name=language]", "en")
    with page.expect_navigation():
        page.get_by_role("button", name="切换").click()
    assert page.get_by_text("Sub-items").first.is_visible()
    shot("04-project-in-english")


def test_branch_preparer_sees_only_their_own_unit(live_server, demo, page, shot):
    log_in(page, live_server.url, "baoan_preparer")
    page.wait_for_url("**/budgets/2021/baoan/")
    page.goto(f"{live_server.url}/budgets/2020/baoan/")
    assert page.locator("[data-field=total]").inner_text() == "7,656.27"
    assert page.get_by_test_id("current-user").inner_text().startswith("宝安分局经办人")
    shot("01-own-unit")

    response = page.goto(f"{live_server.url}/budgets/2020/")
    assert response.status == 403
    shot("02-bureau-overview-refused")
    response = page.goto(f"{live_server.url}/budgets/2020/luohu/")
    assert response.status == 404
    shot("03-other-unit-not-found")
