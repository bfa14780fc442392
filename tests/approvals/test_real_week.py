"""The 市局退回意见 box holds the reason of the return and every comment, each pointing at its
field or row by name, in Chinese (issue #10, point 4)."""

import re

import pytest
from django.urls import reverse

from budgets.services import item_transition
from core.workflow import CommentInput

from .conftest import user

pytestmark = pytest.mark.django_db


def test_the_return_reason_and_comments_are_in_the_yellow_box(draft_project, client):
    project = draft_project
    item_transition(item=project, action="submit", actor=user("baoan_preparer"))
    item_transition(item=project, action="sign_off", actor=user("baoan_head"))
    sub_item = project.sub_items.get(name="培训")
    item_transition(
        item=project, action="return", actor=user("hq_reviewer"), reason="培训费标准偏高，请按定额重算。",
        comments=[CommentInput(target=f"sub_item:{sub_item.pk}", text="两期改为一期")],
    )  # fmt: skip
    client.force_login(user("baoan_preparer"))
    for url in (
        reverse("budgets:project", args=[2021, "baoan", project.pk]),
        reverse("budgets:project-edit", args=[2021, "baoan", project.pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        box = re.search(r'data-testid="open-comments">(.*?)</div>\s*</?(?!li)', page, re.S)
        assert box, url
        text = page[box.start() : box.start() + 1500]
        assert "培训费标准偏高，请按定额重算。" in text, url
        assert "明细" in text and "培训" in text and "两期改为一期" in text
        shown = re.sub(r"<[^>]+>", "", text.split("</ul>")[0])
        assert "#" not in shown and str(sub_item.pk) not in shown and "Sub-item" not in shown


def test_a_locked_item_says_it_is_approved_and_points_to_an_adjustment(demo, client):
    """A 403 on an approved item names the reason and the way out (issue #10, point 5)."""
    from budgets.models import Project

    project = Project.objects.filter(budget__cycle__year=2020, budget__unit__code="baoan").first()
    client.force_login(user("baoan_preparer"))
    response = client.get(
        reverse("budgets:project-edit", args=[2020, "baoan", project.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "已批准并锁定" in page and "预算调整" in page and "角色" not in page
    response = client.get(
        reverse("budgets:budget-edit", args=[2020, "baoan"]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 403 and "预算调整" in response.content.decode()


def test_a_reviewer_on_a_draft_is_refused_for_the_role(draft_project, client):
    client.force_login(user("hq_reviewer"))
    response = client.get(
        reverse("budgets:project-edit", args=[2021, "baoan", draft_project.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 403 and "锁定" not in response.content.decode()


def test_the_inbox_explains_its_badge_and_notifications_are_links(demo, client):
    """The badge counts unread notifications: the inbox says so when nothing else waits, and
    each notification opens its item (issue #10, point 13)."""
    from budgets.models import UnitBudget
    from core import events
    from core.models import EventType, Notification

    auditor = user("auditor")
    budget = UnitBudget.objects.get(cycle__year=2020, unit__code="baoan")
    event = events.record(
        subject=budget, event_type=EventType.APPROVE, actor=user("hq_approver"), unit_id=budget.unit_id
    )
    Notification.objects.create(recipient=auditor, event=event, link="/budgets/2020/baoan/")
    client.force_login(auditor)
    page = client.get(reverse("approvals:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="unread-hint"' in page and "下方有 1 条未读通知" in page
    assert '<a href="/budgets/2020/baoan/" data-testid="notification-link">' in page
