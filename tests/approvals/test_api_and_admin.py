from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from budgets.services import item_transition
from budgets.states import State
from core.events import events_of

from .conftest import sub_items_for, user

pytestmark = pytest.mark.django_db


def api(username):
    client = APIClient()
    client.force_authenticate(user(username))
    return client


def submitted(project):
    item_transition(item=project, action="submit", actor=user("baoan_preparer"))
    item_transition(item=project, action="sign_off", actor=user("baoan_head"))
    project.refresh_from_db()
    return project


def test_api_transition_follows_the_same_rules(draft_project):
    url = f"/api/v1/projects/{draft_project.pk}/transition/"
    response = api("baoan_preparer").post(url, {"action": "sign_off"}, format="json")
    assert response.status_code == 400 and response.json()["code"] in ("conflict", "forbidden", "wrong_state")
    assert api("baoan_preparer").post(url, {"action": "submit"}, format="json").status_code == 200
    assert (
        api("baoan_head").post(url, {"action": "sign_off"}, format="json").json()["to_state"] == "submitted"
    )
    denied = api("hq_reviewer").post(url, {"action": "return"}, format="json")
    assert denied.status_code == 400 and denied.json()["code"] == "reason_required"
    returned = api("hq_reviewer").post(
        url,
        {"action": "return", "comments": [{"target": "field:purpose", "text": "说明用途"}]},
        format="json",
    )
    assert returned.status_code == 200 and returned.json()["to_state"] == "returned"


def test_api_lists_the_callers_actions(draft_project):
    assert api("baoan_preparer").get(f"/api/v1/projects/{draft_project.pk}/actions/").json() == ["submit"]
    assert api("hq_reviewer").get(f"/api/v1/projects/{draft_project.pk}/actions/").json() == []


def test_api_cannot_reach_another_units_project(draft_project):
    response = api("luohu_head").post(
        f"/api/v1/projects/{draft_project.pk}/transition/", {"action": "submit"}
    )
    assert response.status_code == 404


def test_api_cut_with_amounts(draft_project):
    submitted(draft_project)
    url = f"/api/v1/projects/{draft_project.pk}/transition/"
    cut = {"action": "cut", "reason": "压减", "fiscal_amount": "450000.00"}
    # An itemised project's cut names the new amount of each sub-item, adding up to the new amount.
    refused = api("hq_reviewer").post(url, cut, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "sub_items_required")
    new_sub_items = {str(k): str(v) for k, v in sub_items_for(draft_project, "450000.00").items()}
    response = api("hq_reviewer").post(url, {**cut, "sub_items": new_sub_items}, format="json")
    assert response.status_code == 200
    draft_project.refresh_from_db()
    assert draft_project.amount == Decimal("450000.00")
    assert sum(s.amount for s in draft_project.sub_items.all()) == Decimal("450000.00")


def test_admin_bulk_approve_gives_each_item_its_own_event(draft_project, budget_2021, client):
    from .conftest import new_project

    second = new_project(budget_2021, name="第二个项目")
    for project in (draft_project, second):
        submitted(project)
        item_transition(item=project, action="recommend", actor=user("hq_reviewer"))
    client.login(username="hq_approver", password="demo-2020")
    url = reverse("admin:approvals_reviewqueueproject_changelist")
    listing = client.get(url).content.decode()
    assert "社保政策宣传（2021）" in listing and "第二个项目" in listing
    ids = [str(draft_project.pk), str(second.pk)]
    confirm = client.post(url, {"action": "approve_selected", "_selected_action": ids})
    assert "Confirm" in confirm.content.decode() or "确认" in confirm.content.decode()
    done = client.post(
        url, {"action": "approve_selected", "_selected_action": ids, "confirm": "yes", "reason": ""},
        follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    (message,) = [str(m) for m in done.context["messages"]]
    assert message.startswith("批准") and "2" in message and "approve" not in message  # no raw action code
    for project in (draft_project, second):
        project.refresh_from_db()
        assert project.state == State.APPROVED
        assert events_of(project).filter(type="approve").count() == 1


def test_admin_return_needs_a_reason(draft_project, client):
    submitted(draft_project)
    client.login(username="hq_reviewer", password="demo-2020")
    url = reverse("admin:approvals_reviewqueueproject_changelist")
    client.post(url, {"action": "return_selected", "_selected_action": [draft_project.pk], "confirm": "yes"})
    draft_project.refresh_from_db()
    assert draft_project.state == State.SUBMITTED
    client.post(url, {"action": "return_selected", "_selected_action": [draft_project.pk], "confirm": "yes",
                      "reason": "补充依据"})  # fmt: skip
    draft_project.refresh_from_db()
    assert draft_project.state == State.RETURNED


def test_queue_shows_only_what_waits_for_the_role(draft_project, client):
    submitted(draft_project)
    client.login(username="hq_approver", password="demo-2020")
    listing = client.get(reverse("admin:approvals_reviewqueueproject_changelist")).content.decode()
    assert "社保政策宣传（2021）" not in listing  # it waits for the reviewer, not the approver


def test_admin_detail_shows_history_and_comments(draft_project, client):
    submitted(draft_project)
    item_transition(item=draft_project, action="start_review", actor=user("hq_reviewer"))
    client.login(username="hq_reviewer", password="demo-2020")
    page = client.get(
        reverse("admin:approvals_reviewqueueproject_change", args=[draft_project.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = page.content.decode()
    # Events by their Chinese names, at Shenzhen time, never raw codes or UTC (issue #10, point 6).
    assert page.status_code == 200 and "sign_off" not in html and "start_review" not in html
    assert "签发报送市局" in html and "开始审核" in html
    from core.models import Event

    when = timezone.localtime(Event.objects.filter(type="start_review").latest("created_at").created_at)
    assert when.strftime("%Y-%m-%d %H:%M") in html
