"""Issue #9 from the UI: HQ starts the 2022 cycle, a branch preparer imports its whole budget
through the template (表11's 主管部门, goal, main tasks and indicators included), HQ exports the
2022 workbook and its figures are the ones computed from the rows in ``tests/disclosure/unit_2022``."""

from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect

from budgets.models import BudgetCycle, CatalogueVersion
from core.models import Unit
from tests.disclosure import unit_2022 as u22
from tests.disclosure.test_workbook_2022 import assert_typed_table11, fill_unit_template

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hq_starts_2022_a_branch_imports_it_and_hq_exports_the_2022_tables(
    live_server, demo, browser, eager, tmp_path
):
    hq = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
    log_in(hq, live_server.url, "hq_approver")
    hq.goto(f"{live_server.url}/workflow/dashboard/2021/")
    hq.get_by_test_id("new-cycle").click()
    form = hq.get_by_test_id("cycle-start-form")
    assert form.locator("input[name=year]").input_value() == "2022"
    form.locator("select[name=disclosure_format]").select_option("2022")
    form.locator("select[name=procurement_catalogue]").select_option(
        str(CatalogueVersion.objects.get(code="2022").pk)
    )
    form.locator("button[type=submit]").click()
    hq.wait_for_url("**/workflow/cycles/2022/")
    cycle = BudgetCycle.objects.get(year=2022)
    assert cycle.disclosure_format == "2022" and cycle.budgets.filter(unit__code=u22.UNIT).exists()

    path = tmp_path / "宝安2022.xlsx"
    fill_unit_template(cycle, Unit.objects.get(code=u22.UNIT), path, typed_tasks=True)
    branch = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
    log_in(branch, live_server.url, "baoan_preparer")
    branch.goto(f"{live_server.url}/disclosure/")
    upload = branch.get_by_test_id("import-form")
    upload.locator("select[name=year]").select_option("2022")
    upload.locator("input[type=file]").set_input_files(str(path))
    upload.get_by_role("button", name="上传并检查").click()
    branch.wait_for_url("**/disclosure/imports/*/")
    expect(branch.get_by_test_id("errors")).to_have_count(0)
    branch.get_by_test_id("confirm").click()
    branch.wait_for_url("**/disclosure/imports/*/")

    hq.goto(f"{live_server.url}/disclosure/")
    export = hq.get_by_test_id("export-form")
    export.locator("select[name=year]").select_option("2022")
    export.locator("select[name=unit]").select_option(u22.UNIT)
    export.get_by_role("button", name="导出").click()
    hq.wait_for_url("**/disclosure/exports/*/")
    with hq.expect_download() as download:
        hq.get_by_test_id("download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == ["检查结果", *[f"表{n}" for n in range(1, 12)]]
    row = [c.value for c in book["表2"][7]]
    one = lambda *s: u22.wan(u22.amount(sources=set(s)))  # noqa: E731
    assert row[:8] == [
        u22.UNIT_NAME, u22.wan(u22.amount()), u22.wan(u22.amount(sources=u22.GENERAL_BUDGET_LEAVES)),
        one("general_operating"), one("duty_projects"), one("special_funds"), one("investment"), 0,
    ]  # fmt: skip
    three = [c.value for c in book["表3"][6]]
    assert three[4] == u22.wan(sum(Decimal(p[2]) for p in u22.PROCUREMENT))
    assert book["检查结果"]["A2"].value == "全部检查通过，未发现超出尾数误差的不一致。"
    assert_typed_table11(book)
