"""What an adjustment refuses, on every path (pages, admin queue, API): a second approval, any
step by the read-only auditor, and amounts that are not amounts (NaN, Infinity, 1e30, negatives,
sub-cent figures), the last by the one rule of ``budgets.money.parse_amount``."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.services import adjustment_request, adjustment_transition
from approvals.workflow import ADJUSTMENT
from budgets.models import AdjustmentRequest, BasicExpenditureLine
from core import policy
from core.errors import BusinessRuleError
from core.events import events_of

from .conftest import adjustment_through_the_chain, user
from .test_adjustment_review import ZH, approved_project

pytestmark = pytest.mark.django_db

BAD_AMOUNTS = ["NaN", "Infinity", "-Infinity", "1e30", "-1", "-0.01", "12.345", "abc", "sNaN"]


def api(username):
    client = APIClient()
    client.force_authenticate(user(username))
    return client


def asked(project, *, delta=D("30000"), to="with_branch_head") -> AdjustmentRequest:
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"),
                                    fiscal_amount=project.fiscal_amount + delta, other_amount=project.other_amount,
                                    reason="新增宣传任务")  # fmt: skip
    if to != "with_branch_head":
        adjustment_through_the_chain(adjustment, to=to)
    return adjustment


def approvals_of(project) -> int:
    return events_of(project).filter(type="adjustment_approve").count()


# --- An adjustment is approved once --------------------------------------------------------------


def test_a_second_approval_is_refused_and_the_amounts_change_once(demo):
    project = approved_project()
    before = project.amount
    adjustment = asked(project, to="recommended")
    stale = AdjustmentRequest.objects.get(pk=adjustment.pk)  # a second approver's page, opened before
    adjustment_transition(adjustment=adjustment, action="approve", actor=user("hq_approver"))
    with pytest.raises(BusinessRuleError) as second:
        adjustment_transition(adjustment=stale, action="approve", actor=user("hq_approver"))
    assert second.value.code == "conflict"  # “someone acted on it before you”
    with pytest.raises(BusinessRuleError) as again:
        adjustment_transition(adjustment=adjustment, action="approve", actor=user("hq_approver"))
    assert again.value.code == "wrong_state"
    project.refresh_from_db()
    assert project.amount == before + 30000
    assert approvals_of(project) == 1


def test_the_page_the_admin_and_the_api_cannot_approve_an_approved_adjustment(demo, client):
    project = approved_project()
    adjustment = asked(project, to="approved")
    client.force_login(user("hq_approver"))
    page = client.post(reverse("approvals:adjustment-transition", args=[adjustment.pk]), {"action": "approve"},
                       follow=True, **ZH)  # fmt: skip
    assert any("已批复" in str(m) or "批准" in str(m) for m in page.context["messages"])
    admin = client.post(reverse("admin:budgets_adjustmentrequest_changelist"),
                        {"action": "approve_selected", "_selected_action": [adjustment.pk], "confirm": "yes"},
                        follow=True, **ZH)  # fmt: skip
    assert "已批复" in [str(m) for m in admin.context["messages"]][-1]
    response = api("hq_approver").post(f"/api/v1/adjustments/{adjustment.pk}/transition/", {"action": "approve"},
                                       format="json")  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, "wrong_state")
    project.refresh_from_db()
    assert project.amount == adjustment.adjusted_amount
    assert approvals_of(project) == 1


def test_nobody_edits_an_adjustment_outside_its_machine(demo):
    """“May change” (the policy's one definition) is no for every role and state: an adjustment
    moves, and is revised, only through its transitions."""
    project = approved_project()
    adjustment = asked(project)
    adjustment_transition(adjustment=adjustment, action="send_back", actor=user("baoan_head"), reason="再核")
    for who in ("baoan_preparer", "baoan_head", "hq_reviewer", "hq_approver", "auditor", "admin"):
        assert not policy.can_change(user(who), adjustment), who
        assert not AdjustmentRequest.objects.restrict(user(who), "change").exists(), who
    assert [t.action for t in ADJUSTMENT.allowed(user("baoan_preparer"), adjustment)] == [
        "resubmit",
        "withdraw",
    ]


# --- The auditor reads, and takes no step ---------------------------------------------------------


def test_the_auditor_reads_adjustments_but_takes_no_step_on_the_pages(demo, client):
    project = approved_project()
    adjustment = asked(project, to="recommended")
    client.force_login(user("auditor"))
    page = client.get(reverse("budgets:project", args=[2020, "baoan", project.pk]), **ZH)
    assert page.status_code == 200
    card = page.content.decode()
    assert f'data-adjustment="{adjustment.pk}"' in card
    assert "data-step=" not in card and 'data-testid="adjustment-link"' not in card
    assert client.get(reverse("approvals:adjustment-request", args=[project.pk])).status_code == 403
    line = BasicExpenditureLine.objects.filter(budget=project.budget).first()
    assert client.get(reverse("approvals:basic-line-adjustment", args=[line.pk])).status_code == 403
    assert client.get(reverse("approvals:adjustment-revise", args=[adjustment.pk])).status_code == 403
    for action in ("approve", "reject", "return"):
        client.post(reverse("approvals:adjustment-transition", args=[adjustment.pk]),
                    {"action": action, "reason": "x"})  # fmt: skip
    adjustment.refresh_from_db()
    assert adjustment.state == "recommended"
    # The admin lists it for them, with no action to take.
    url = reverse("admin:budgets_adjustmentrequest_changelist")
    listing = client.get(url, **ZH)
    assert listing.status_code == 200 and adjustment in listing.context["cl"].result_list
    assert not listing.context["cl"].model_admin.get_actions(listing.wsgi_request)
    client.post(url, {"action": "approve_selected", "_selected_action": [adjustment.pk], "confirm": "yes"})
    adjustment.refresh_from_db()
    project.refresh_from_db()
    assert adjustment.state == "recommended" and project.amount == adjustment.original_amount


def test_the_auditor_reads_adjustments_but_takes_no_step_in_the_api(demo):
    project = approved_project()
    adjustment = asked(project, to="recommended")
    auditor = api("auditor")
    url = f"/api/v1/adjustments/{adjustment.pk}/"
    assert auditor.get(url).json()["state"] == "recommended"
    assert adjustment.pk in [a["id"] for a in auditor.get("/api/v1/adjustments/").json()["results"]]
    assert auditor.get(url + "actions/").json() == []
    for action in ("approve", "reject", "return", "recommend"):
        response = auditor.post(url + "transition/", {"action": action, "reason": "x"}, format="json")
        assert response.status_code == 400 and response.json()["code"] in ("forbidden", "wrong_state"), action
    adjustment.refresh_from_db()
    assert adjustment.state == "recommended"
    assert not events_of(project).filter(actor=user("auditor")).exists()


# --- Amounts that are not amounts -----------------------------------------------------------------


@pytest.mark.parametrize("bad", BAD_AMOUNTS)
def test_the_form_refuses_an_amount_that_is_not_an_amount(demo, client, bad):
    project = approved_project()
    client.force_login(user("baoan_preparer"))
    url = reverse("approvals:adjustment-request", args=[project.pk])
    for values in ({"fiscal_amount": bad, "other_amount": "0"},
                   {"fiscal_amount": str(project.fiscal_amount), "other_amount": bad}):  # fmt: skip
        response = client.post(url, {**values, "reason": "x"}, **ZH)
        assert response.status_code == 200 and "token" not in response.context
        field = next(name for name, value in values.items() if value == bad)
        assert "请输入 0 至" in " ".join(response.context["form"].errors[field]), (bad, field)
    assert not AdjustmentRequest.objects.filter(project=project).exists()


@pytest.mark.parametrize("bad", ["NaN", "1e30", "-5", D("-5")])
def test_the_service_refuses_an_amount_that_is_not_an_amount(demo, bad):
    project = approved_project()
    with pytest.raises(BusinessRuleError) as refused:
        adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=bad,
                           other_amount=project.other_amount, reason="x")  # fmt: skip
    assert refused.value.code == "bad_amount"
    assert not AdjustmentRequest.objects.filter(project=project).exists()


def test_a_reduction_is_an_adjustment_too(demo):
    """A negative difference is legitimate (the money is not needed); a negative amount is not."""
    project = approved_project()
    adjustment = asked(project, delta=-project.fiscal_amount, to="approved")
    project.refresh_from_db()
    assert adjustment.delta == -adjustment.original_fiscal_amount and project.fiscal_amount == 0


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1e30", 1e30, "-5", -5, "0.001", True])
def test_the_api_refuses_a_revised_amount_that_is_not_an_amount(demo, bad):
    project = approved_project()
    adjustment = asked(project, to="submitted")
    adjustment_transition(
        adjustment=adjustment, action="return", actor=user("hq_reviewer"), reason="请说明依据"
    )
    url = f"/api/v1/adjustments/{adjustment.pk}/transition/"
    for field in ("fiscal_amount", "other_amount"):
        response = api("baoan_preparer").post(
            url, {"action": "resubmit", "reason": "依据：年度计划", field: bad}, format="json"
        )
        assert response.status_code == 400, (bad, field)
        # The forms' message: one rule (parse_amount) refuses it, not a second one in the API.
        assert "请输入 0 至" in str(response.json()["details"][field]), (bad, field)
    adjustment.refresh_from_db()
    assert (adjustment.state, adjustment.adjusted_amount) == ("returned", project.amount + 30000)


def test_the_api_resubmits_with_a_new_reason_only_keeping_the_amounts_asked(demo):
    project = approved_project()
    adjustment = asked(project, to="submitted")
    adjustment_transition(
        adjustment=adjustment, action="return", actor=user("hq_reviewer"), reason="请说明依据"
    )
    url = f"/api/v1/adjustments/{adjustment.pk}/transition/"
    response = api("baoan_preparer").post(
        url, {"action": "resubmit", "reason": "依据：年度计划"}, format="json"
    )
    assert response.status_code == 200, response.json()
    adjustment.refresh_from_db()
    assert (adjustment.state, adjustment.adjusted_amount, adjustment.reason) == (
        "with_branch_head", project.amount + 30000, "依据：年度计划",
    )  # fmt: skip
    revised = api("baoan_head").post(url, {"action": "send_back", "reason": "金额再核"}, format="json")
    assert revised.status_code == 200
    again = api("baoan_preparer").post(
        url, {"action": "resubmit", "reason": "改为两万", "fiscal_amount": f"{project.fiscal_amount + 20000:,.2f}"},
        format="json",
    )  # fmt: skip
    assert again.status_code == 200, again.json()
    adjustment.refresh_from_db()
    assert adjustment.adjusted_amount == project.amount + 20000
