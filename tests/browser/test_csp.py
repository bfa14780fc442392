"""The pages, the admin and the API's documentation pages raise no Content-Security-Policy
violation in a real Chromium (the `page` fixture fails on any). A page made to break the
policy is caught, so the listener is known to work."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/workflow/dashboard/2020/",
    "/budgets/2020/",
    "/budgets/2020/baoan/",
    "/performance/",
    "/admin/",
    "/admin/budgets/project/",
    "/api/docs/",
    # ReDoc's bundle without its CDN logo (config/apidocs.py).
    "/api/redoc/",
]


def test_hq_pages_have_no_csp_violation(page, live_server, demo):
    log_in(page, live_server.url, "hq_reviewer")
    page.wait_for_url("**/workflow/dashboard/**")
    for url in PAGES:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    # ReDoc rendered the schema (its bundle ran under the policy), footer included.
    expect(page.get_by_text("API docs by Redocly")).to_be_visible()


def test_the_listener_sees_an_inline_script_refused(browser, live_server, demo):
    context = browser.new_context()
    page = context.new_page()
    seen = []
    page.on("console", lambda message: seen.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(300)
    context.close()
    assert any("Content Security Policy" in text for text in seen), seen
