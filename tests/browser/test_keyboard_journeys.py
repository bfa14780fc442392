"""The approval journey (create, submit, sign off, return, resubmit, approve, adjust) and the August
monitoring form with the keyboard alone: Tab to move, typing, arrow keys in a list, Enter and
Space to act. Every stop of the focus is visible (an outline or a ring) and the focus moves
forward through the page in document order; errors are announced and tied to their field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgets.models import Project

from .scan import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Whether an element shows a focus ring: an outline of at least 2 px, or a box shadow.
HAS_RING_JS = r"""
el => { const style = getComputedStyle(el);
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
               || (!!style.boxShadow && style.boxShadow !== 'none'); }
"""
# The focused element, whether its focus can be seen, and whether it follows the previous one.
FOCUS_JS = (
    r"""
(previous) => {
  const hasRing = """
    + HAS_RING_JS
    + r""";
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const ring = hasRing(el);
  const r = el.getBoundingClientRect();
  if (!window.__focusOrder) window.__focusOrder = [];
  const last = window.__focusOrder[window.__focusOrder.length - 1];
  // Past the last control the focus wraps round to the first: the skip link.
  const wrapped = el.classList.contains('skip-link');
  const forward = !last || !document.contains(last) || last === el || wrapped
                  || !!(last.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__focusOrder.push(el);
  const name = el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText)
               || el.innerText || el.getAttribute('name') || el.tagName;
  return {ring, forward, same: last === el, visible: r.width > 0 && r.height > 0, tag: el.tagName.toLowerCase(),
          name: (name || '').trim().slice(0, 60)};
}
"""
)


class Keys:
    """The keyboard alone: `to(selector)` presses Tab until the focus is on it, checking every
    stop on the way."""

    def __init__(self, page):
        self.page = page
        self.stops: list[dict] = []

    def to(self, selector: str, max_tabs: int = 250) -> None:
        page = self.page
        target = page.locator(selector).first
        target.wait_for(state="attached")
        if target.evaluate("el => el === document.activeElement"):  # autofocus
            return
        for _ in range(max_tabs):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_JS, None)
            if stop is None:
                continue
            if stop["same"]:
                # Still inside the control of the previous stop: Chromium's date field moves the
                # focus through its own parts (month, day, year, its picker) before leaving it.
                continue
            self.stops.append(stop)
            assert stop["visible"], f"the focus is on an invisible element: {stop} on {page.url}"
            assert stop["ring"], f"no visible focus on {stop} on {page.url}"
            assert stop["forward"], f"the focus jumped backwards to {stop} on {page.url}"
            if target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"{selector} not reached with {max_tabs} Tabs on {page.url}")

    def type(self, selector: str, text: str) -> None:
        self.to(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def type_date(self, selector: str, iso: str) -> None:
        """A date field's digits, typed in the order its segments show: Chromium lays date fields
        out in its own UI language (en-US here: month, day, year), not the page's."""
        self.to(selector)
        year, month, day = iso.split("-")
        self.page.keyboard.type(month + day + year)
        assert self.page.locator(selector).input_value() == iso

    def choose(self, selector: str, label: str) -> None:
        """A <select> with the arrow keys, until the option shown is `label`."""
        self.to(selector)
        select = self.page.locator(selector).first
        for _ in range(300):
            if label in select.evaluate("el => el.options[el.selectedIndex].text"):
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option {label!r} in {selector}")

    def press(self, selector: str, key: str = "Enter") -> None:
        self.to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.page.evaluate("() => { window.__focusOrder = []; }")

    def start(self, url: str) -> None:
        self.page.goto(url)


def log_in_by_keyboard(keys: Keys, base_url: str, username: str) -> None:
    keys.start(f"{base_url}/accounts/login/")
    keys.type("#id_username", username)
    keys.type("#id_password", "demo-2020")
    keys.press("form button[type=submit]")


@pytest.fixture
def keys_for(browser, live_server):
    contexts = []

    def open_as(username: str, width: int = 1280) -> Keys:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        keys = Keys(page)
        log_in_by_keyboard(keys, live_server.url, username)
        return keys

    yield open_as
    for context in contexts:
        context.close()


def act(keys: Keys, action: str, **fields: str) -> None:
    form = f"form[data-action={action}]"
    for name, value in fields.items():
        keys.type(f"{form} [name={name}]", value)
    keys.press(f"{form} button", "Space" if action in ("submit", "approve") else "Enter")


def focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement;
          return {id: el.id, testid: el.dataset.testid || '', skip: el.classList.contains('skip-link'),
                  inMain: !!el.closest('main'), href: el.getAttribute('href') || ''}; }"""
    )


def test_the_skip_link_and_the_collapsed_navigation_with_the_keyboard_at_390_px(live_server, demo, keys_for):
    preparer = keys_for("baoan_preparer", width=390)
    page = preparer.page
    page.wait_for_url("**/budgets/2021/baoan/")
    # The first Tab of a page reaches the skip link, shown with its focus ring; Enter moves the
    # focus to the content, and the next Tab stops on the content's first control.
    page.keyboard.press("Tab")
    assert focused(page)["skip"]
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")
    page.keyboard.press("Tab")
    assert focused(page)["inMain"]
    # At 390 px the navigation is collapsed behind its button: links hidden, never tabbed to.
    preparer.start(page.url.split("#")[0])
    menu = page.get_by_test_id("nav-performance")
    assert not menu.is_visible()
    preparer.to("[data-testid=nav-toggle]")
    assert page.get_by_test_id("nav-toggle").get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    menu.wait_for(state="visible")
    assert page.get_by_test_id("nav-toggle").get_attribute("aria-expanded") == "true"
    preparer.press("[data-testid=nav-performance]")
    assert "/performance/2021/baoan/" in page.url  # /performance/ leads a unit to its own page


def test_the_approval_journey_with_the_keyboard_alone(live_server, demo, keys_for):
    from performance.services import project_targets_save
    from tests.approvals.conftest import VALID_TARGETS, user

    base = live_server.url
    preparer = keys_for("baoan_preparer")
    preparer.page.wait_for_url("**/budgets/2021/baoan/")
    assert preparer.stops, "logging in by keyboard stopped nowhere"
    # Create: the new-project link, the form, the first sub-item, Save.
    preparer.press("[data-testid=new-project]")
    # Saved empty: each error is announced and tied to its field (aria-describedby).
    preparer.press("[data-testid=project-form] button[type=submit]")
    name = preparer.page.locator("#id_name")
    assert name.get_attribute("aria-invalid") == "true"
    assert "id_name_error" in name.get_attribute("aria-describedby").split()
    error = preparer.page.locator("#id_name_error")
    assert error.get_attribute("role") == "alert"
    assert error.inner_text().strip()
    assert axe_violations(preparer.page) == []  # the error state passes axe too
    preparer.type("#id_name", "键盘操作的项目")
    preparer.choose("#id_category", "社保政策法规研究")
    preparer.type_date("#id_start_date", "2021-01-01")
    preparer.type_date("#id_end_date", "2021-12-31")
    preparer.type("#id_fiscal_amount", "600000.00")
    preparer.type("#id_other_amount", "0")
    preparer.choose("#id_functional_code", "2080109")
    preparer.choose("#id_funding_source", "履职类项目拨款")
    preparer.type("#id_purpose", "社保政策法规宣传、培训。")
    preparer.type("#id_annual_goal", "开展宣传活动不少于 4 次。")
    preparer.type("#id_sub-0-name", "宣传册印刷")
    preparer.type("#id_sub-0-amount", "600000.00")
    preparer.press("[data-testid=project-form] button[type=submit]")
    errors = preparer.page.locator("[data-testid=project-form] .text-danger, [data-testid=form-error]")
    assert errors.all_inner_texts() == []
    project = Project.objects.get(name="键盘操作的项目")
    assert project.start_date.isoformat() == "2021-01-01"
    assert project.amount == Decimal("600000.00")
    # The performance targets have their own page (tests/browser/test_approval_journey.py).
    project_targets_save(project=project, rows=VALID_TARGETS, actor=user("baoan_preparer"))
    url = f"{base}/budgets/2021/baoan/projects/{project.pk}/"

    preparer.start(url)
    act(preparer, "submit")
    assert preparer.page.get_by_test_id("state").inner_text() == "待分局负责人审核"

    head = keys_for("baoan_head")
    head.start(url)
    act(head, "sign_off")
    assert head.page.get_by_test_id("state").inner_text() == "已报市局"

    reviewer = keys_for("hq_reviewer")
    reviewer.start(url)
    act(reviewer, "return", reason="目标不够具体")
    assert reviewer.page.get_by_test_id("state").inner_text() == "退回修改"

    preparer.start(url)
    act(preparer, "submit")
    head.start(url)
    act(head, "sign_off")
    assert head.page.get_by_test_id("state").inner_text() == "已重新报送"

    reviewer.start(url)
    act(reviewer, "recommend")
    approver = keys_for("hq_approver")
    approver.start(url)
    act(approver, "approve")
    assert approver.page.get_by_test_id("state").inner_text() == "已批复"
    project.refresh_from_db()
    assert project.state == "approved"

    # Adjust: the preparer asks (the 元 boxes, then the summary to confirm); the head signs off,
    # HQ's reviewer recommends and HQ's approver approves, each from the project page.
    preparer.start(url)
    preparer.press("[data-testid=adjustment-link]")
    form = "[data-testid=adjustment-form]"
    preparer.type(f"{form} [name=fiscal_amount]", "650000.00")
    preparer.type(f"{form} input[name^=sub_item_]", "650000.00")
    preparer.type(f"{form} [name=reason]", "增加一期宣传")
    preparer.press(f"{form} button[name=preview]")
    assert axe_violations(preparer.page) == []  # the confirmation has no URL of its own to scan
    preparer.press("[data-testid=adjustment-confirm] button[name=confirm]")
    adjustment = "[data-testid=adjustments] [data-adjustment]"
    assert preparer.page.locator(adjustment).get_attribute("data-state") == "with_branch_head"
    for keys, step, state in ((head, "sign_off", "submitted"), (reviewer, "recommend", "recommended"),
                              (approver, "approve", "approved")):  # fmt: skip
        keys.start(url)
        keys.press(f"[data-testid=adjustments] form[data-step={step}] button")
        assert keys.page.locator(adjustment).get_attribute("data-state") == state
    project.refresh_from_db()
    assert project.amount == Decimal("650000.00")


def test_the_august_monitoring_form_with_the_keyboard_alone(live_server, demo, keys_for):
    from budgets.models import BudgetCycle
    from performance.services import monitoring_round_open
    from tests.approvals.conftest import user

    monitoring_round_open(cycle=BudgetCycle.objects.get(year=2020), actor=user("hq_reviewer"))
    project = Project.objects.get(
        budget__cycle__year=2020, budget__unit__code="baoan", name="社保政策法规研究"
    )
    training = project.indicators.order_by("sort_order").first()
    head = keys_for("baoan_head")
    head.start(f"{live_server.url}/performance/2020/baoan/projects/{project.pk}/monitoring/")
    head.press("[data-testid=start]")
    head.type("input[name=expected_spending]", "600000")
    row = f"tr[data-indicator='{training.pk}']"
    head.type(f"{row} input[name$='-actual_value']", "1")
    head.type(f"{row} input[name$='-forecast_value']", "2")
    head.press("[data-testid=submit]", "Space")
    # Behind schedule without a reason: the error is announced and the form stays a draft.
    errors = head.page.get_by_test_id("form-errors")
    assert "进度滞后" in errors.inner_text()
    assert errors.get_attribute("role") == "alert"
    assert "草稿" in head.page.locator("h1").inner_text()
    assert axe_violations(head.page) == []
    # The reason, chosen and typed with the keyboard; Save keeps it.
    head.choose(f"{row} select[name$='-deviation_category']", "其他")
    head.type(f"{row} textarea[name$='-deviation_reason']", "受疫情影响，集中培训暂停")
    head.press("[data-testid=save]")
    from performance.models import IndicatorMonitoring

    assert IndicatorMonitoring.objects.get(indicator=training).deviation_reason == "受疫情影响，集中培训暂停"
    assert (
        head.page.locator(f"{row} textarea[name$='-deviation_reason']").input_value()
        == "受疫情影响，集中培训暂停"
    )
