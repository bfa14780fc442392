from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import FunctionalCode, FundingSource, ProcurementItem, UnitBudget

pytestmark = pytest.mark.django_db


def _post_data(budget, basic_amount="1000000.00", proc_amount="50000.00"):
    code = FunctionalCode.objects.get(code="2080109").pk
    funding = FundingSource.objects.get(code="general_operating").pk
    item = ProcurementItem.objects.get(catalogue__code="2020", code="A03").pk
    data = {
        "expected_version": budget.version,
        "basic-TOTAL_FORMS": "1", "basic-INITIAL_FORMS": "0",
        "basic-0-functional_code": code, "basic-0-funding_source": funding, "basic-0-amount": basic_amount,
        "proc-TOTAL_FORMS": "1", "proc-INITIAL_FORMS": "0",
        "proc-0-item": item, "proc-0-amount": proc_amount, "proc-0-sme_amount": "10000", "proc-0-small_micro_amount": "0",
    }  # fmt: skip
    for year in (2021, 2020):
        data.update({f"tp{year}-abroad": "0", f"tp{year}-reception": "3500", f"tp{year}-vehicle_purchase": "0",
                     f"tp{year}-vehicle_operation": "105000"})  # fmt: skip
    return data


def test_preparer_saves_basic_procurement_and_three_public_together(demo, client):
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    client.login(username="baoan_preparer", password="demo-2020")
    response = client.post(reverse("budgets:budget-edit", args=[2021, "baoan"]), _post_data(budget))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.basic_lines.get().amount == Decimal("1000000.00")
    assert budget.procurement_lines.get().sme_amount == Decimal("10000.00")
    assert budget.three_public.get(year=2021).vehicle_operation == Decimal("105000.00")
    assert budget.version == 2


def test_one_bad_row_saves_nothing(demo, client):
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    client.login(username="baoan_preparer", password="demo-2020")
    # Reservations larger than the line: the whole save is refused.
    data = _post_data(budget, proc_amount="5000.00")
    response = client.post(reverse("budgets:budget-edit", args=[2021, "baoan"]), data)
    assert response.status_code == 200
    assert not budget.basic_lines.exists() and not budget.procurement_lines.exists()


def test_the_unit_submission_is_checked_before_it_goes_to_hq(demo, client):
    from budgets import checks

    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    assert {p.code for p in checks.budget_problems(budget)} == {"basic_lines", "three_public"}
    client.login(username="baoan_preparer", password="demo-2020")
    client.post(reverse("budgets:budget-edit", args=[2021, "baoan"]), _post_data(budget))
    assert checks.budget_problems(budget) == []


def test_others_cannot_edit_the_unit_submission(demo, client):
    client.login(username="luohu_preparer", password="demo-2020")
    assert client.get(reverse("budgets:budget-edit", args=[2021, "baoan"])).status_code == 404
    client.login(username="baoan_preparer", password="demo-2020")
    assert client.get(reverse("budgets:budget-edit", args=[2020, "baoan"])).status_code == 403  # published
    client.login(username="hq_reviewer", password="demo-2020")
    assert client.get(reverse("budgets:budget-edit", args=[2021, "baoan"])).status_code == 403


@pytest.mark.parametrize(
    "sme, small, ok",
    [("10000", "10000", True), ("10000", "4000", True), ("10000", "10001", False), ("60000", "0", False)],
)
def test_small_micro_is_entered_as_part_of_the_sme_reservation_and_errors_mark_the_row(
    demo, client, sme, small, ok
):
    """小微企业 is a part (其中) of 中小企业; a bad row is marked, with a message in Chinese and no
    constraint name (issue #10, point 3)."""
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    client.login(username="baoan_preparer", password="demo-2020")
    data = {**_post_data(budget), "proc-0-sme_amount": sme, "proc-0-small_micro_amount": small}
    response = client.post(
        reverse("budgets:budget-edit", args=[2021, "baoan"]), data, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    if ok:
        assert response.status_code == 302
        assert budget.procurement_lines.get().small_micro_amount == Decimal(small)
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-row-error" in page and "procurement_" not in page and "约束" not in page
    assert ("小型、微型" if small != "0" else "中小企业") in page
    assert not budget.procurement_lines.exists() and not budget.basic_lines.exists()
