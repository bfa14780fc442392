"""/api/v1/ceilings/ under the same policy and services as the pages."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from ceilings import services
from ceilings.models import RequestRank, Round

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def ceiling(users, cycle, baoan, baoan_projects):
    return services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D("900000.00"))


def test_hq_lists_ceilings_with_what_falls_within_them(api, users, ceiling, baoan_projects):
    api.force_authenticate(users["auditor"])
    data = api.get("/api/v1/ceilings/", {"year": 2021}).json()
    row = next(r for r in data if r["unit"] == "baoan")
    assert row["total"] == "900000.00" and row["round"] == Round.FIRST_UP
    assert row["kept_total"] == "900000.00" and row["below_total"] == "200000.00"
    assert row["kept"][0]["mandated"] == "reserve"


def test_a_branch_sees_only_its_own_ceiling_and_404_for_another(api, users, ceiling):
    api.force_authenticate(users["luohu_preparer"])
    assert api.get("/api/v1/ceilings/", {"year": 2021}).json() == []
    assert api.get(f"/api/v1/ceilings/{ceiling.pk}/").status_code == 404
    assert api.post(f"/api/v1/ceilings/{ceiling.pk}/ranking/", [], format="json").status_code == 404
    assert api.get("/api/v1/ceilings/scenarios/", {"year": 2021}).status_code == 404


def test_the_unit_ranks_through_the_api(api, users, ceiling, baoan_projects):
    p = baoan_projects
    api.force_authenticate(users["baoan_preparer"])
    body = [
        {"project": p["c"].pk, "rank": 1},
        {"project": p["a"].pk, "rank": 2, "mandatory": True, "mandatory_reason": "合同"},
    ]
    response = api.post(f"/api/v1/ceilings/{ceiling.pk}/ranking/", body, format="json")
    assert response.status_code == 200, response.json()
    assert RequestRank.objects.get(project=p["a"]).mandatory
    api.force_authenticate(users["auditor"])
    response = api.post(f"/api/v1/ceilings/{ceiling.pk}/ranking/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_editable"


def test_rounds_move_through_the_api_with_the_machines_rules(api, users, ceiling):
    api.force_authenticate(users["baoan_head"])
    response = api.post(f"/api/v1/ceilings/{ceiling.pk}/transition/", {"action": "issue"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "forbidden"
    api.force_authenticate(users["hq_reviewer"])
    response = api.post(f"/api/v1/ceilings/{ceiling.pk}/transition/", {"action": "issue"}, format="json")
    assert response.status_code == 200 and response.json()["round"] == Round.FIRST_DOWN
    assert [r["round"] for r in response.json()["rounds"]] == [Round.FIRST_UP, Round.FIRST_DOWN]
    response = api.post(f"/api/v1/ceilings/{ceiling.pk}/transition/", {"action": "recut", "total": "NaN", "reason": "x"},
                        format="json")  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "bad_amount"


def test_scenarios_compared_and_one_applied_through_the_api(api, users, ceiling):
    api.force_authenticate(users["hq_approver"])
    data = api.get("/api/v1/ceilings/scenarios/", {"year": 2021, "rates": "-4,-8"}).json()
    assert [r["new_total"] for r in data["-4.00"]] == ["864000.00"]
    assert [r["new_total"] for r in data["-8.00"]] == ["828000.00"]
    response = api.post("/api/v1/ceilings/scenarios/apply/", {"year": 2021, "percent": "-8"}, format="json")
    assert response.status_code == 200 and response.json()[0]["total"] == "828000.00"
    ceiling.refresh_from_db()
    assert ceiling.state == Round.FIRST_DOWN
