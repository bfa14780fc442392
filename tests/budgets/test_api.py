import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from budgets.models import Project, UnitBudget
from budgets.money import to_wan
from budgets.selectors import budgets_with_totals

pytestmark = pytest.mark.django_db


def client_for(username: str) -> APIClient:
    from django.contrib.auth import get_user_model

    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/budgets/?year=2020",
        "/api/v1/projects/",
        "/api/v1/units/",
        "/api/v1/cycles/",
        "/api/v1/codes/functional/",
    ],
)
def test_anonymous_callers_are_refused(demo, url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "details"}


def test_token_authentication(demo):
    from django.contrib.auth import get_user_model

    token = Token.objects.create(user=get_user_model().objects.get(username="hq_reviewer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/budgets/?year=2020").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/budgets/?year=2020").status_code == 401


def test_session_authentication(demo, client):
    client.login(username="hq_reviewer", password="demo-2020")
    assert client.get("/api/v1/budgets/?year=2020").status_code == 200


def test_budgets_of_2020_with_totals_as_yuan_strings(demo, django_assert_max_num_queries):
    client = client_for("hq_reviewer")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/budgets/?year=2020")
    body = response.json()
    assert body["count"] == 13
    hq = next(row for row in body["results"] if row["unit"]["code"] == "hq")
    assert hq["unit"]["name"] == "深圳市社会保险基金管理局本级"
    computed = budgets_with_totals(UnitBudget.objects.filter(cycle=demo, unit__code="hq")).get()
    assert Decimal(hq["total"]) == computed.total
    assert hq["total"] == f"{computed.total:.2f}"
    assert Decimal(hq["total"]) == Decimal(hq["basic_total"]) + Decimal(hq["project_total"])
    assert to_wan(Decimal(hq["total"])) == 14267
    assert isinstance(hq["procurement_total"], str)


def test_budgets_filter_by_year(demo):
    assert client_for("hq_reviewer").get("/api/v1/budgets/?year=2019").json()["count"] == 0


def test_branch_user_sees_only_their_own_unit(demo):
    client = client_for("baoan_preparer")
    budgets = client.get("/api/v1/budgets/?year=2020").json()
    assert [row["unit"]["code"] for row in budgets["results"]] == ["baoan"]
    projects = client.get("/api/v1/projects/?year=2020").json()
    assert projects["count"] == 9
    assert {p["unit"]["code"] for p in projects["results"]} == {"baoan"}
    other = Project.objects.get(budget__unit__code="luohu", name="预算准备金")
    assert client.get(f"/api/v1/projects/{other.pk}/").status_code == 404
    assert client.get("/api/v1/units/luohu/").status_code == 404
    assert client.get("/api/v1/projects/?unit=luohu").json()["count"] == 0


def test_project_detail_carries_every_field(demo):
    project = Project.objects.get(budget__unit__code="longhua", name="社保综合管理")
    body = client_for("hq_approver").get(f"/api/v1/projects/{project.pk}/").json()
    assert body["amount"] == "10299998.00"
    assert body["unit"] == {"code": "longhua", "name": "深圳市社会保险基金管理局龙华分局"}
    assert len(body["sub_items"]) == 11
    assert {"background", "purpose", "annual_goal", "functional_code", "funding_source"} <= set(body)


def test_codes_are_served(demo):
    client = client_for("baoan_preparer")
    codes = client.get("/api/v1/codes/functional/").json()["results"]
    assert {"code": "2080109", "name": "社会保险经办机构", "parent": "20801", "level": 3} in codes
    for code in ("A02010105", "C16070000", "C21040000"):
        items = client.get(f"/api/v1/codes/procurement-items/?catalogue=2022&code={code}").json()["results"]
        assert [i["code"] for i in items] == [code]
    headings = client.get("/api/v1/codes/procurement-items/?catalogue=2022&code=C21").json()["results"]
    assert "C21040000" in {i["code"] for i in headings} and len(headings) > 1


def test_openapi_schema_validates(demo, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/budgets/" in target.read_text()


def test_schema_and_docs_pages_are_served_locally(demo, client):
    client.login(username="auditor", password="demo-2020")
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/").content.decode()
    # No asset from another host (a random CSRF token may well contain the letters "cdn").
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), page
    assert "/static/drf_spectacular_sidecar/" in page
