from decimal import Decimal

import pytest
from django.urls import reverse

from approvals.services import adjustment_request
from budgets.services import item_transition

from .conftest import adjustment_through_the_chain, sub_items_for, user

pytestmark = pytest.mark.django_db


def test_inbox_lists_what_waits_for_the_user(draft_project, client):
    item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    client.force_login(user("baoan_head"))
    page = client.get(reverse("approvals:inbox")).content.decode()
    assert draft_project.name in page
    client.force_login(user("hq_reviewer"))
    assert draft_project.name not in client.get(reverse("approvals:inbox")).content.decode()
    item_transition(item=draft_project, action="sign_off", actor=user("baoan_head"))
    page = client.get(reverse("approvals:inbox"))
    assert draft_project.name in page.content.decode()
    assert page.context["notifications"][0].event.action == "sign_off"


def test_dashboard_shows_stages_amounts_and_rates(draft_project, client, django_assert_max_num_queries):
    for action, who in [("submit", "baoan_preparer"), ("sign_off", "baoan_head")]:
        item_transition(item=draft_project, action=action, actor=user(who))
    item_transition(item=draft_project, action="cut", actor=user("hq_reviewer"), reason="压减",
                    fiscal_amount=Decimal("500000"), sub_items=sub_items_for(draft_project, "500000"))  # fmt: skip
    for action, who in [("recommend", "hq_reviewer"), ("approve", "hq_approver")]:
        item_transition(item=draft_project, action=action, actor=user(who))
    adjustment = adjustment_request(project=draft_project, actor=user("baoan_head"), sub_items=sub_items_for(draft_project, "550000"), fiscal_amount=Decimal("550000"),
                                    other_amount=Decimal("0"), reason="增加")  # fmt: skip
    adjustment_through_the_chain(adjustment)
    client.force_login(user("hq_reviewer"))
    with django_assert_max_num_queries(30):
        response = client.get(reverse("approvals:dashboard", args=[2021]))
    rows = {r.unit.code: r for r in response.context["d"].rows}
    baoan = rows["baoan"]
    assert baoan.stage_counts["approved"] == 1
    assert baoan.requested == Decimal("600000.00")  # as first submitted to HQ
    assert baoan.approved == Decimal("550000.00")  # after the cut and the adjustment
    assert response.context["rates"][baoan.unit.pk] == Decimal("50000") / Decimal("550000")
    assert "chart-data" in response.content.decode()


def test_branch_users_do_not_get_the_dashboard(demo, client):
    client.force_login(user("baoan_head"))
    assert client.get(reverse("approvals:dashboard", args=[2021])).status_code == 403


def test_the_project_page_disables_submit_until_the_check_list_is_clean(budget_2021, client):
    from budgets.services import project_create

    from .conftest import complete_project_data

    project = project_create(budget=budget_2021, actor=user("baoan_preparer"),
                             data=complete_project_data(name="缺目标", annual_goal=""))  # fmt: skip
    client.force_login(user("baoan_preparer"))
    page = client.get(reverse("budgets:project", args=[2021, "baoan", project.pk])).content.decode()
    assert "请填写年度绩效目标" in page
    submit_form = page[page.index('data-action="submit"') :]
    assert "disabled" in submit_form[: submit_form.index("</form>")]
