"""The department rubric in Chromium (issue #10): HQ's preparer starts 局本级's evaluation over HQ
and the special-funds unit, sees the summed budget, is stopped at the field by a deduction without
a reason, and is told what to do next; at 1280 px and at 390 px the page body does not scroll."""

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def body_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_hq_evaluates_its_scope_and_is_stopped_at_the_field(live_server, demo, page, shot):
    log_in(page, live_server.url, "hq_preparer")
    page.goto(f"{live_server.url}/performance/2020/hq/evaluation/")
    scope = page.get_by_test_id("scope-form")
    assert scope.get_by_label("深圳市社会保险基金管理局(社保专项)").is_checked()
    page.get_by_test_id("start").click()

    assert "局本级、社保专项" in page.get_by_test_id("scope").inner_text()
    budget = page.locator("[data-figure=budget_adjusted] input[name=budget_adjusted__value]")
    assert budget.input_value() == "211951529.95"  # 142,671,529.95 + 69,280,000.00
    assert "21,195.15 万元" in page.locator("[data-figure=budget_adjusted]").first.inner_text()
    assert "下一步" in page.get_by_test_id("next-step").inner_text()

    page.fill("input[name=accounting__deduction]", "0.5")
    page.get_by_test_id("save").click()
    error = page.locator("[data-error-for='deductions.accounting']")
    assert error.inner_text() == "扣分须写明理由"
    shot("01-deduction-needs-a-reason-1280")
    assert not body_scrolls_sideways(page)

    page.set_viewport_size({"width": 390, "height": 844})
    assert not body_scrolls_sideways(page)
    shot("02-deduction-needs-a-reason-390")
