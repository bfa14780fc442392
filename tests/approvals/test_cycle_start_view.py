"""The "new budget cycle" page (issue #9): HQ approver and administrator only, on GET and POST;
the form prefilled from the latest cycle and the template calendar; errors shown on the form."""

from datetime import date

import pytest
from django.urls import reverse

from budgets.models import BudgetCycle, CatalogueVersion, DeadlineKind, UnitBudget, default_deadlines

from .conftest import user

pytestmark = pytest.mark.django_db

URL = reverse("approvals:cycle-start")
REFUSED = ["hq_reviewer", "auditor", "hq_preparer", "hq_head", "baoan_preparer", "baoan_head", "luohu_head"]


def form_data(year=2022, **overrides) -> dict:
    data = {
        "year": str(year),
        "disclosure_format": "2022",
        "procurement_catalogue": str(CatalogueVersion.objects.get(code="2020").pk),
        **{f"deadline_{kind}": due.isoformat() for kind, due in default_deadlines(year).items()},
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("username", REFUSED)
def test_everyone_but_the_approver_and_the_administrator_is_refused_on_get_and_post(demo, client, username):
    client.force_login(user(username))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data()).status_code == 403
    assert not BudgetCycle.objects.filter(year=2022).exists()


def test_anonymous_is_sent_to_log_in(demo, client):
    response = client.post(URL, form_data())
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not BudgetCycle.objects.filter(year=2022).exists()


def test_the_dashboard_offers_the_button_only_to_those_who_may(demo, client):
    dashboard = reverse("approvals:dashboard", args=[2021])
    for username, shown in [
        ("hq_approver", True),
        ("admin", True),
        ("hq_reviewer", False),
        ("auditor", False),
    ]:
        client.force_login(user(username))
        page = client.get(dashboard).content.decode()
        assert ('data-testid="new-cycle"' in page) is shown, username
        assert (URL in page) is shown, username


def test_the_form_is_prefilled_from_the_latest_cycle_and_the_template(demo, client):
    client.force_login(user("hq_approver"))
    response = client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    latest = BudgetCycle.objects.get(year=2021)
    assert form["year"].value() == 2022
    assert form["disclosure_format"].value() == latest.disclosure_format
    assert form["procurement_catalogue"].value() == latest.procurement_catalogue_id
    page = response.content.decode()
    assert 'value="2021-10-31"' in page  # preparation, autumn of Y-1
    assert 'value="2023-03-31"' in page  # self-evaluation, 31 March Y+1
    assert "新建预算年度" in page


def test_prefilling_for_another_year_recomputes_the_dates(demo, client):
    client.force_login(user("admin"))
    form = client.get(URL, {"year": "2026"}).context["form"]
    assert form["year"].value() == 2026
    assert form[f"deadline_{DeadlineKind.MONITORING_DUE}"].value() == date(2026, 8, 31)
    # A year the form would refuse falls back to the next one.
    assert client.get(URL, {"year": "99999"}).context["form"]["year"].value() == 2022


@pytest.mark.parametrize("username", ["hq_approver", "admin"])
def test_a_successful_post_starts_the_cycle_and_shows_it(demo, client, username):
    client.force_login(user(username))
    data = form_data(**{f"deadline_{DeadlineKind.PREPARATION}": "2021-11-15"})
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:cycle", args=[2022])
    cycle = BudgetCycle.objects.get(year=2022)
    assert cycle.deadlines.get(kind=DeadlineKind.PREPARATION).due_date == date(2021, 11, 15)
    assert (
        UnitBudget.objects.filter(cycle=cycle).count() == UnitBudget.objects.filter(cycle__year=2021).count()
    )
    page = client.get(response["Location"]).content.decode()
    assert "2021-11-15" in page and "2023-03-31" in page
    assert 'data-unit="baoan"' in page


def test_an_existing_year_is_shown_as_an_error_on_the_year(demo, client):
    client.force_login(user("hq_approver"))
    response = client.post(URL, form_data(2021))
    assert response.status_code == 200
    assert "2021" in " ".join(response.context["form"].errors["year"])
    assert 'data-testid="field-error"' in response.content.decode()
    assert BudgetCycle.objects.filter(year=2021).count() == 1


def test_bad_fields_are_shown_and_nothing_is_written(demo, client):
    client.force_login(user("hq_approver"))
    response = client.post(
        URL, form_data(disclosure_format="2021", **{f"deadline_{DeadlineKind.REVIEW}": ""})
    )
    errors = response.context["form"].errors
    assert set(errors) == {"disclosure_format", f"deadline_{DeadlineKind.REVIEW}"}
    response = client.post(URL, form_data(**{f"deadline_{DeadlineKind.MONITORING_DUE}": "2025-08-31"}))
    assert list(response.context["form"].errors) == [f"deadline_{DeadlineKind.MONITORING_DUE}"]
    assert not BudgetCycle.objects.filter(year=2022).exists()


def test_the_cycle_page_is_for_hq_roles_only_in_a_fixed_number_of_queries(
    demo, client, django_assert_max_num_queries
):
    page = reverse("approvals:cycle", args=[2021])
    client.force_login(user("auditor"))
    with django_assert_max_num_queries(15):  # +3: the session renewed (idle timeout)
        assert client.get(page).status_code == 200
    client.force_login(user("baoan_head"))
    assert client.get(page).status_code == 403
