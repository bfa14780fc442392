"""Browser journeys of issue #5: HQ exports and downloads the workbook; a branch preparer uploads
a bad file and reads its errors by row and column."""

import openpyxl
import pytest
from playwright.sync_api import expect

from budgets.models import BudgetCycle, Project, UnitBudget
from core.models import Unit
from disclosure.template import build_template

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hq_exports_the_bureau_workbook_and_downloads_it(live_server, demo, page, shot, eager, tmp_path):
    log_in(page, live_server.url, "hq_reviewer")
    page.wait_for_url("**/workflow/dashboard/2021/")
    page.get_by_role("link", name="预算公开与导入").click()
    page.get_by_test_id("export-form").locator("select[name=year]").select_option("2020")
    shot("01-disclosure-page")
    page.get_by_test_id("export-form").get_by_role("button", name="导出").click()
    page.wait_for_url("**/disclosure/exports/*/")
    assert page.get_by_test_id("status").inner_text() == "完成"
    shot("02-export-done")
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "disclosure-2020-bureau.xlsx"
    workbook = openpyxl.load_workbook(saved)
    assert workbook.sheetnames[:3] == ["检查结果", "表1", "表3"]
    assert "表15" in workbook.sheetnames


def test_branch_preparer_reads_the_errors_of_a_bad_file(live_server, demo, page, shot, tmp_path):
    cycle = BudgetCycle.objects.get(year=2020)
    workbook = build_template(cycle=cycle, unit=Unit.objects.get(code="baoan"), with_data=True)
    workbook["基本支出"]["E3"] = "一百万"
    workbook["政府采购"]["E2"] = -5
    path = tmp_path / "宝安预算.xlsx"
    workbook.save(path)
    log_in(page, live_server.url, "baoan_preparer")
    page.wait_for_url("**/budgets/2021/baoan/")
    page.goto(f"{live_server.url}/disclosure/")
    # 宝安's 2020 budget reopened as a draft: an import changes drafts only.
    UnitBudget.objects.filter(cycle=cycle, unit__code="baoan").update(state="draft")
    Project.objects.filter(budget__cycle=cycle, budget__unit__code="baoan").update(state="draft")
    BudgetCycle.objects.filter(pk=cycle.pk).update(state="preparation")  # its targets open
    page.get_by_test_id("import-form").locator("select[name=year]").select_option("2020")
    form = page.get_by_test_id("import-form")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/disclosure/imports/*/")
    errors = page.get_by_test_id("errors")
    expect(errors.locator("tbody tr")).to_have_count(2)
    assert "金额（元）" in errors.inner_text()
    expect(page.get_by_test_id("confirm")).to_have_count(0)
    shot("01-import-errors")
