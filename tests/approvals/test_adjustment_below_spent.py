"""Issue #14: an adjustment cannot bring an item below what is already spent on it. One rule
(performance's ``not_below_spent``, registered into ``budgets.adjustments``) kept on every path:
the page's form, the API's revision, and the approval, which checks again (spending may have been
imported after the adjustment was asked for)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.services import adjustment_request, adjustment_transition
from budgets.adjustments import adjustment_problems
from budgets.models import AdjustmentRequest, BasicExpenditureLine
from core.errors import BusinessRuleError
from performance.models import SpendingImport, SpendingRecord

from .conftest import adjustment_through_the_chain, user
from .test_adjustment_review import ZH, approved_project

pytestmark = pytest.mark.django_db


def spend(budget, amount, *, project=None, month=3):
    source = SpendingImport.objects.create(cycle=budget.cycle, filename="支出.xlsx", rows=1,
                                           imported_by=user("hq_approver"))  # fmt: skip
    return SpendingRecord.objects.create(cycle=budget.cycle, unit=budget.unit, project=project, month=month,
                                         amount=D(amount), source=source)  # fmt: skip


def api(username):
    client = APIClient()
    client.force_authenticate(user(username))
    return client


def test_the_rule_allows_down_to_the_spent_amount_and_not_a_cent_below(demo):
    project = approved_project()
    spend(project.budget, "100000.00", project=project, month=2)
    spend(project.budget, "50000.00", project=project, month=3)
    assert adjustment_problems(project, D("150000.00")) == []
    (problem,) = adjustment_problems(project, D("149999.99"))
    assert problem.code == "below_spent"


def test_the_page_form_refuses_an_amount_below_what_is_spent_naming_it(demo, client):
    project = approved_project()
    spend(project.budget, "150000.00", project=project)
    client.force_login(user("baoan_preparer"))
    page = client.post(
        reverse("approvals:adjustment-request", args=[project.pk]),
        {"fiscal_amount": "100000", "other_amount": "0", "reason": "压减"}, **ZH,
    )  # fmt: skip
    assert "p" not in page.context  # no confirmation: the form again, with the error
    errors = " ".join(page.context["form"].non_field_errors())
    assert "不能低于该项目已支出的金额（15.00 万元" in errors and "调整后金额（10.00 万元）" in errors
    assert not AdjustmentRequest.objects.filter(project=project).exists()
    # At the amount spent it may be asked for.
    ok = client.post(
        reverse("approvals:adjustment-request", args=[project.pk]),
        {"fiscal_amount": "150000", "other_amount": "0", "reason": "压减"}, **ZH,
    )  # fmt: skip
    assert ok.context["p"].adjusted == D("150000")


def test_the_api_refuses_a_revision_below_what_is_spent(demo):
    project = approved_project()
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=D("200000"),
                                    other_amount=D("0"), reason="压减")  # fmt: skip
    adjustment_through_the_chain(adjustment, to="submitted")
    adjustment_transition(adjustment=adjustment, action="return", actor=user("hq_reviewer"), reason="请核实")
    spend(project.budget, "180000.00", project=project)
    url = f"/api/v1/adjustments/{adjustment.pk}/transition/"
    response = api("baoan_preparer").post(
        url, {"action": "resubmit", "reason": "再压减", "fiscal_amount": "120000", "other_amount": "0"},
        format="json", **ZH,
    )  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "below_spent" and "18.00 万元" in str(body)
    adjustment.refresh_from_db()
    assert (adjustment.state, adjustment.adjusted_amount) == ("returned", D("200000"))


def test_spending_recorded_after_asking_makes_the_approval_refused(demo):
    project = approved_project()
    before = project.amount
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=D("200000"),
                                    other_amount=D("0"), reason="压减")  # fmt: skip
    adjustment_through_the_chain(adjustment, to="recommended")
    spend(project.budget, "250000.00", project=project, month=6)  # imported meanwhile
    with pytest.raises(BusinessRuleError) as refused:
        adjustment_transition(adjustment=adjustment, action="approve", actor=user("hq_approver"))
    assert refused.value.code == "below_spent" and "25.00 万元" in str(refused.value.message)
    adjustment.refresh_from_db()
    project.refresh_from_db()
    assert (adjustment.state, project.amount) == ("recommended", before)
    # Through the API too, with the same message; HQ can still reject it.
    response = api("hq_approver").post(f"/api/v1/adjustments/{adjustment.pk}/transition/",
                                       {"action": "approve"}, format="json", **ZH)  # fmt: skip
    assert (response.status_code, response.json()["code"]) == (400, "below_spent")
    adjustment_transition(
        adjustment=adjustment, action="reject", actor=user("hq_approver"), reason="已超支出"
    )
    adjustment.refresh_from_db()
    assert adjustment.state == "rejected"


def test_a_raise_is_never_refused_by_the_spending_even_one_still_below_it(demo):
    project = approved_project()
    spend(project.budget, str(project.amount + 50000), project=project)  # already above budget
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"),
                                    fiscal_amount=project.fiscal_amount + 10000, other_amount=project.other_amount,
                                    reason="补足")  # fmt: skip
    adjustment_through_the_chain(adjustment)
    assert adjustment.state == "approved"


def test_a_basic_line_may_not_bring_the_units_basic_expenditure_below_its_basic_spending(demo, client):
    # Basic spending is recorded per unit, not per line: the unit's basic total is what counts.
    line = BasicExpenditureLine.objects.filter(budget__cycle__year=2020, budget__unit__code="baoan").first()
    budget = line.budget
    lines = list(BasicExpenditureLine.objects.filter(budget=budget))
    total = sum((x.amount for x in lines), D(0))
    others = total - line.amount
    spend(budget, str(others + 1000), month=4)
    spend(budget, "99999999.00", project=approved_project(), month=4)  # a project's does not count here
    assert adjustment_problems(line, D("1000")) == []
    (problem,) = adjustment_problems(line, D("999"))
    assert problem.code == "below_spent"
    client.force_login(user("baoan_preparer"))
    page = client.post(reverse("approvals:basic-line-adjustment", args=[line.pk]),
                       {"fiscal_amount": "500", "reason": "压减"}, **ZH)  # fmt: skip
    errors = " ".join(page.context["form"].non_field_errors())
    assert "将低于已支出的基本支出金额" in errors
