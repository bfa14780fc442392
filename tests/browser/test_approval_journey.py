"""The whole approval path in a real browser, one person at a time, a screenshot at each step:
preparer creates a project with sub-items and submits → branch head signs off → HQ reviewer
returns it with a comment on one field → preparer sees the comment, edits, sees the diff and
resubmits → head signs off → reviewer cuts the amount with a reason and recommends → approver
approves → the item is locked → an adjustment is asked, confirmed, signed off by the head,
recommended by the reviewer and approved by the approver."""

import pytest
from playwright.sync_api import expect

from budgets.models import Project

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def as_user(browser, live_server, shot):
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        log_in(page, live_server.url, username)
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


def act(page, action, **fields):
    form = page.locator(f"form[data-action={action}]")
    for name, value in fields.items():
        if name == "comment_target":
            form.locator("select[name=comment_target]").select_option(value)
        elif name == "first_sub_item":
            form.locator("input[name^=sub_item_]").first.fill(value)
        else:
            form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("button").click()


def test_a_project_request_from_draft_to_approved_adjustment(live_server, demo, as_user, request):
    from .conftest import ARTIFACTS

    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def snap(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    # 1. The preparer creates the request with two sub-items.
    preparer = as_user("baoan_preparer")
    preparer.wait_for_url("**/budgets/2021/baoan/")
    preparer.get_by_test_id("new-project").click()
    preparer.fill("#id_name", "社保政策宣传与培训")
    preparer.select_option("#id_category", label="社保政策法规研究")
    preparer.fill("#id_start_date", "2021-01-01")
    preparer.fill("#id_end_date", "2021-12-31")
    preparer.fill("#id_fiscal_amount", "600000.00")
    preparer.fill("#id_other_amount", "0")
    preparer.select_option("#id_functional_code", label="2080109 社会保险经办机构")
    preparer.select_option("#id_funding_source", label="履职类项目拨款")
    preparer.fill("#id_purpose", "社保政策法规宣传、培训。")
    preparer.fill("#id_annual_goal", "开展宣传活动不少于 4 次。")
    preparer.fill("#id_sub-0-name", "宣传册印刷")
    preparer.fill("#id_sub-0-amount", "400000.00")
    preparer.fill("#id_sub-1-name", "业务培训")
    preparer.fill("#id_sub-1-amount", "200000.00")
    snap(preparer, "01-new-project-form")
    with preparer.expect_navigation():
        preparer.get_by_role("button", name="保存").click()
    expect(preparer.get_by_test_id("sub-items").locator("tbody tr")).to_have_count(2)
    project = Project.objects.get(name="社保政策宣传与培训")
    project_url = f"{live_server.url}/budgets/2021/baoan/projects/{project.pk}/"
    # No performance targets yet: the check list says so and submitting is disabled.
    assert "产出指标" in preparer.get_by_test_id("checklist").inner_text()
    assert preparer.locator("form[data-action=submit] button").is_disabled()
    preparer.get_by_test_id("targets-link").click()
    for n, (level1, name, target, source) in enumerate(
        [
            ("output", "宣传活动次数", "≥6次", "年度工作计划"),
            ("satisfaction", "参训人员满意度", "≥90%", "行业标准"),
        ]
    ):
        preparer.locator("[data-add-row]").click()
        row = preparer.locator("tr.indicator-row").nth(n)
        row.locator("select[name$='-level1']").select_option(level1)
        row.locator("input[name$='-name']").fill(name)
        row.locator("input[name$='-target_text']").fill(target)
        row.locator("input[name$='-target_source']").fill(source)
    preparer.locator("[data-live-problems]").wait_for(state="hidden")
    preparer.get_by_test_id("save-targets").click()
    preparer.get_by_test_id("target-problems-none").wait_for()
    snap(preparer, "01b-targets-entered")
    preparer.goto(project_url)
    expect(preparer.get_by_test_id("indicators").locator("tbody tr")).to_have_count(2)
    assert preparer.locator("form[data-action=submit] button").is_enabled()
    act(preparer, "submit")
    assert preparer.get_by_test_id("state").inner_text() == "待分局负责人审核"
    snap(preparer, "02-submitted-to-head")

    # 2. The branch head signs off to HQ.
    head = as_user("baoan_head")
    head.goto(project_url)
    act(head, "sign_off")
    assert head.get_by_test_id("state").inner_text() == "已报市局"
    snap(head, "03-signed-off")

    # 3. The HQ reviewer returns it with a comment on the annual goal.
    reviewer = as_user("hq_reviewer")
    reviewer.goto(project_url)
    act(reviewer, "return", comment_target="field:annual_goal", comment_text="年度目标请量化到次数和人数",
        reason="目标不够具体")  # fmt: skip
    assert reviewer.get_by_test_id("state").inner_text() == "退回修改"
    snap(reviewer, "04-returned-with-comment")

    # 4. The preparer sees the comment, edits, sees the diff and resubmits.
    preparer.goto(project_url)
    assert "年度目标请量化到次数和人数" in preparer.get_by_test_id("open-comments").inner_text()
    preparer.get_by_test_id("edit").click()
    assert "年度目标请量化" in preparer.locator("[data-comment-for=annual_goal]").inner_text()
    preparer.fill("#id_annual_goal", "开展宣传活动 6 次，培训 2000 人次。")
    with preparer.expect_navigation():
        preparer.get_by_role("button", name="保存").click()
    diff = preparer.get_by_test_id("diff")
    expect(diff.locator("tr[data-field=annual_goal]")).to_have_count(1)
    assert "培训 2000 人次" in diff.inner_text()
    snap(preparer, "05-edited-diff-against-what-hq-saw")
    act(preparer, "submit")
    head.goto(project_url)
    act(head, "sign_off")
    assert head.get_by_test_id("state").inner_text() == "已重新报送"
    snap(head, "06-resubmitted")

    # 5. The reviewer cuts the amount with a reason, then recommends approval.
    reviewer.goto(project_url)
    expect(reviewer.get_by_test_id("diff").locator("tr[data-field=annual_goal]")).to_have_count(1)
    # An itemised project's cut names each sub-item's new amount (they add up to the new amount).
    act(reviewer, "cut", fiscal_amount="500000.00", first_sub_item="300000.00", reason="印刷费按定额压减")
    assert "500,000.00" in reviewer.locator("[data-field=amount]").inner_text()
    assert "30.00" in reviewer.get_by_test_id("sub-items").inner_text()  # 万元
    act(reviewer, "recommend")
    snap(reviewer, "07-cut-and-recommended")

    # 6. The approver approves; the item is locked.
    approver = as_user("hq_approver")
    approver.goto(project_url)
    act(approver, "approve")
    assert approver.get_by_test_id("state").inner_text() == "已批复"
    snap(approver, "08-approved")
    preparer.goto(project_url)
    expect(preparer.get_by_test_id("edit")).to_have_count(0)
    assert preparer.goto(f"{project_url}edit/").status == 403
    preparer.goto(project_url)

    # 7. An adjustment takes the budget's path: the preparer asks (labelled 元 boxes, then a
    # summary to confirm), the branch head signs off, the HQ reviewer recommends, the HQ approver
    # approves; both amounts stay on record.
    preparer.get_by_test_id("adjustment-link").click()
    form = preparer.get_by_test_id("adjustment-form")
    expect(form).to_be_visible()
    expect(form.locator("input[name^=sub_item_]")).to_have_count(2)
    form.locator("[name=fiscal_amount]").fill("550000.00")
    form.locator("input[name^=sub_item_]").first.fill("350000.00")
    form.locator("[name=reason]").fill("增加一期培训")
    snap(preparer, "09-adjustment-form")
    form.locator("button[name=preview]").click()
    confirm = preparer.get_by_test_id("adjustment-confirm")
    expect(confirm).to_be_visible()
    summary = preparer.get_by_test_id("adjustment-summary")
    expect(summary.locator("[data-field=before]")).to_have_text("500,000.00")
    expect(summary.locator("[data-field=after]")).to_have_text("550,000.00")
    expect(summary.locator("[data-field=delta]")).to_contain_text("50,000.00")
    snap(preparer, "10-adjustment-confirm")
    confirm.locator("button[name=confirm]").click()
    adjustment = preparer.get_by_test_id("adjustments").locator("[data-adjustment]")
    expect(adjustment).to_have_attribute("data-state", "with_branch_head")
    # Nothing changes before HQ approves.
    expect(preparer.locator("[data-field=amount]")).to_contain_text("500,000.00")
    snap(preparer, "11-adjustment-requested")

    for page, action, state in (
        (head, "sign_off", "submitted"),
        (reviewer, "recommend", "recommended"),
        (approver, "approve", "approved"),
    ):
        page.goto(project_url)
        steps = page.get_by_test_id("adjustments")
        steps.locator(f"form[data-step={action}] button").click()
        expect(steps.locator("[data-adjustment]")).to_have_attribute("data-state", state)
        snap(page, f"12-adjustment-{action}")

    adjustments = approver.get_by_test_id("adjustments")
    expect(adjustments).to_contain_text("500,000.00 元 → 调整后 550,000.00 元")
    expect(approver.locator("[data-field=amount]")).to_contain_text("550,000.00")
    expect(approver.get_by_test_id("sub-items")).to_contain_text("35.00")  # 万元: the sub-items follow
    snap(approver, "13-adjustment-approved")
