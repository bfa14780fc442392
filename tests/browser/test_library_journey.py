"""The project library in a real browser (issue #13, "Done when"): a branch proposes a new
project; HQ assesses and admits it; the branch takes it into the 2021 budget; a continuing 2020
project with a poor self-evaluation shows the HQ reviewer a suggested cut with its reasons; the
continuing project's timeline shows both years."""

import pytest
from playwright.sync_api import expect

from budgets.models import Project
from demo.library import library_demo_2021, poor_project
from demo.loader import DemoLoadResult
from library.models import LibraryProject, LibraryYear

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, live_server.url, username)
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_project_through_the_library_and_results_into_next_years_review(
    live_server, demo, as_user, request
):
    from .conftest import ARTIFACTS

    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def snap(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    library_demo_2021(result=DemoLoadResult())

    # 1. 罗湖's preparer proposes a new project with its three-year plan.
    branch = as_user("luohu_preparer")
    branch.goto(f"{live_server.url}/library/")
    branch.get_by_test_id("propose-link").click()
    form = branch.get_by_test_id("propose-form")
    form.locator("[name=name]").fill("社保窗口智能导办系统")
    form.locator("[name=kind]").select_option("continuing")
    form.locator("[name=necessity]").fill("窗口排队时间长，需智能分流。")
    for i, amount in enumerate(["800000", "600000", "400000"]):
        form.locator(f"[name=plan_{i}]").fill(amount)
    snap(branch, "01-propose")
    with branch.expect_navigation():
        form.locator("button").click()
    expect(branch.get_by_test_id("library-state")).to_have_text("储备")
    url = branch.url

    # 2. The HQ reviewer assesses it (事前绩效评估) and admits it.
    hq = as_user("hq_reviewer")
    hq.goto(url)
    assess = hq.get_by_test_id("assess-form")
    for name, score in {"necessity": "18", "feasibility": "16", "target_quality": "15", "cost": "17",
                        "funding": "16"}.items():  # fmt: skip
        assess.locator(f"[name={name}]").fill(score)
    assess.locator("[name=conclusion]").select_option("support")
    assess.locator("[name=reasons]").fill("必要性充分，测算基本合理。")
    with hq.expect_navigation():
        assess.locator("button").click()
    expect(hq.get_by_test_id("assessments")).to_contain_text("予以支持")
    with hq.expect_navigation():
        hq.locator("button[data-action=admit]").click()
    expect(hq.get_by_test_id("library-state")).to_have_text("入库")
    snap(hq, "02-admitted")

    # 3. The branch takes it into its 2021 budget: a draft request appears there.
    branch.goto(url)
    with branch.expect_navigation():
        branch.locator("button[data-action=take_into_budget]").click()
    expect(branch.get_by_test_id("library-state")).to_have_text("纳入预算")
    expect(branch.get_by_test_id("timeline").locator("tr[data-year='2021']")).to_have_count(1)
    new = LibraryProject.objects.get(name="社保窗口智能导办系统")
    assert Project.objects.get(library_year__library_project=new).budget.cycle.year == 2021
    snap(branch, "03-budgeted")

    # 4. A continuing 2020 project graded 差: the reviewer sees the suggested cut and its reasons.
    poor = LibraryYear.objects.get(project=poor_project()).library_project
    request_2021 = poor.years.get(cycle__year=2021).project
    hq.goto(f"{live_server.url}/budgets/2021/luohu/projects/{request_2021.pk}/")
    suggestion = hq.get_by_test_id("suggestion")
    expect(suggestion).to_contain_text("建议安排额")
    # Two rules apply; the third line says the light rules had no monitoring report to read.
    expect(suggestion.get_by_test_id("suggestion-reason")).to_have_count(3)
    expect(suggestion).to_contain_text("上年自评等级为差")
    expect(suggestion).to_contain_text("执行率低于80%")
    expect(suggestion).to_contain_text("没有以前年度的绩效监控")
    snap(hq, "04-suggestion")

    # 5. Its timeline shows both years.
    hq.goto(f"{live_server.url}/library/{poor.pk}/")
    rows = hq.get_by_test_id("timeline").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-year", "2020")
    expect(rows.nth(1)).to_have_attribute("data-year", "2021")
    expect(rows.nth(0).locator("[data-field=grade]")).to_contain_text("差")
    snap(hq, "05-timeline")
