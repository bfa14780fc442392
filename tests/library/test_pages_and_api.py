"""The library's pages, the admin and the API ask the same policy: another unit's project
answers 404, the auditor reads and writes nothing, the suggestion is shown to HQ beside the
request (project page, review queue, API)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from budgets.models import Project
from budgets.states import State
from demo.library import library_demo_2021, poor_project
from demo.loader import DemoLoadResult
from library import selectors
from library.models import LibraryProject, LibraryState, LibraryYear, SuggestionRule

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    return client


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_branch_user_sees_only_its_units_library(client, users):
    page = client_for(client, users["baoan_preparer"]).get(reverse("library:index"))
    codes = {p.code for p in page.context["projects"]}
    assert codes and all(code.startswith("baoan-") for code in codes)


def test_another_units_project_answers_404_on_every_path(client, users, continuing_2020):
    client_for(client, users["baoan_head"])
    assert client.get(reverse("library:project", args=[continuing_2020.pk])).status_code == 404
    response = client.post(reverse("library:transition", args=[continuing_2020.pk]),
                           {"action": "withdraw", "reason": "x"})  # fmt: skip
    assert response.status_code == 404
    assert (
        api_for(users["baoan_head"]).get(f"/api/v1/library/projects/{continuing_2020.pk}/").status_code == 404
    )
    continuing_2020.refresh_from_db()
    assert continuing_2020.state == LibraryState.EXECUTING


def test_the_auditor_reads_the_timeline_and_is_offered_no_action(client, users, continuing_2020):
    page = client_for(client, users["auditor"]).get(reverse("library:project", args=[continuing_2020.pk]))
    assert page.status_code == 200
    assert (
        page.context["transitions"] == [] and not page.context["can_assess"] and not page.context["can_plan"]
    )
    assert b'data-testid="timeline"' in page.content and b"2020" in page.content
    client.post(reverse("library:transition", args=[continuing_2020.pk]), {"action": "complete"})
    client.post(
        reverse("library:assess", args=[continuing_2020.pk]), {"conclusion": "reject", "reasons": "x"}
    )
    continuing_2020.refresh_from_db()
    assert continuing_2020.state == LibraryState.EXECUTING and not continuing_2020.assessments.exists()


def test_a_branch_proposes_through_the_page_and_hq_assesses_and_admits(client, users):
    client_for(client, users["luohu_preparer"])
    response = client.post(reverse("library:propose"), {
        "name": "社保自助终端升级", "kind": "one_off", "plan_0": "300000", "plan_1": "0", "plan_2": "0",
        "necessity": "终端老化。",
    })  # fmt: skip
    project = LibraryProject.objects.get(name="社保自助终端升级")
    assert response.status_code == 302 and project.unit.code == "luohu"
    client_for(client, users["hq_reviewer"])
    scores = {"necessity": "18", "feasibility": "17", "target_quality": "15", "cost": "16", "funding": "17"}
    client.post(
        reverse("library:assess", args=[project.pk]), {**scores, "conclusion": "support", "reasons": "必要。"}
    )
    client.post(reverse("library:transition", args=[project.pk]), {"action": "admit"})
    project.refresh_from_db()
    assert project.state == LibraryState.ADMITTED
    client_for(client, users["luohu_head"])
    client.post(reverse("library:transition", args=[project.pk]), {"action": "take_into_budget"})
    project.refresh_from_db()
    assert project.state == LibraryState.BUDGETED
    assert Project.objects.filter(
        budget__cycle__year=2021, name="社保自助终端升级", fiscal_amount=300000
    ).exists()


def test_a_refused_step_is_said_on_the_page_and_changes_nothing(client, users, propose):
    project = propose()
    client_for(client, users["hq_reviewer"])
    response = client.post(reverse("library:transition", args=[project.pk]), {"action": "admit"}, follow=True)
    assert "事前绩效评估" in response.content.decode()
    project.refresh_from_db()
    assert project.state == LibraryState.PROPOSED


@pytest.fixture
def demo_2021(demo):
    library_demo_2021(result=DemoLoadResult())
    return LibraryYear.objects.get(project=poor_project()).library_project.years.get(cycle__year=2021).project


def test_the_hq_reviewer_sees_the_suggestion_beside_the_request(client, users, demo_2021):
    url = reverse("budgets:project", args=[2021, "luohu", demo_2021.pk])
    page = client_for(client, users["hq_reviewer"]).get(url).content.decode()
    assert 'data-testid="suggestion"' in page and "上年自评等级为差" in page and "执行率低于80%" in page
    assert 'data-testid="library-note"' in page
    # The unit sees its library entry, not HQ's review aid.
    page = client_for(client, users["luohu_preparer"]).get(url).content.decode()
    assert 'data-testid="library-note"' in page and 'data-testid="suggestion"' not in page


def test_the_review_queue_shows_the_suggestion(client, users, demo_2021):
    Project.objects.filter(pk=demo_2021.pk).update(state=State.SUBMITTED)
    page = (
        client_for(client, users["hq_reviewer"]).get("/admin/approvals/reviewqueueproject/").content.decode()
    )
    suggested = selectors.wan(selectors.suggestion_for(demo_2021).amount)
    assert demo_2021.name in page and f"{suggested} 万元" in page and "上年自评等级为差" in page


def test_the_api_gives_the_suggestion_to_hq_only(users, demo_2021):
    body = api_for(users["hq_reviewer"]).get(f"/api/v1/library/suggestions/{demo_2021.pk}/").json()
    suggestion = body["suggestion"]
    assert Decimal(suggestion["suggested"]) < Decimal(suggestion["requested"])
    assert len(suggestion["applied"]) == 2 and suggestion["reasons"]
    assert (
        api_for(users["luohu_preparer"]).get(f"/api/v1/library/suggestions/{demo_2021.pk}/").status_code
        == 403
    )
    assert api_for(users["baoan_head"]).get(f"/api/v1/library/suggestions/{demo_2021.pk}/").status_code == 404


def test_the_api_proposes_assesses_and_admits_with_one_error_shape(users):
    created = api_for(users["luohu_head"]).post(
        "/api/v1/library/projects/",
        {"name": "API项目", "kind": "recurring", "year": 2021, "plan": ["100000", "100000", "100000"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    refused = api_for(users["hq_reviewer"]).post(f"/api/v1/library/projects/{pk}/transition/", {"action": "admit"},
                                                 format="json")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["code"] == "not_assessed"
    scores = {"necessity": 18, "feasibility": 17, "target_quality": 15, "cost": 16, "funding": 17}
    assessed = api_for(users["hq_reviewer"]).post(f"/api/v1/library/projects/{pk}/assessments/", {
        **scores, "conclusion": "partial", "reasons": "压缩规模。", "year": 2021}, format="json")  # fmt: skip
    assert assessed.status_code == 201 and assessed.json()["total"] == "83.00"
    admitted = api_for(users["hq_reviewer"]).post(f"/api/v1/library/projects/{pk}/transition/", {"action": "admit"},
                                                  format="json")  # fmt: skip
    assert admitted.status_code == 200 and admitted.json()["state"] == "admitted"
    auditor = api_for(users["auditor"]).post(f"/api/v1/library/projects/{pk}/transition/", {"action": "withdraw",
                                             "reason": "x"}, format="json")  # fmt: skip
    assert auditor.status_code == 400 and auditor.json()["code"] == "forbidden"


def test_hq_edits_the_suggestion_rules_in_the_admin_and_the_auditor_only_reads_them(client, users):
    rule = SuggestionRule.objects.get(name="上年自评等级为差：核减20%")
    url = reverse("admin:library_suggestionrule_change", args=[rule.pk])
    assert client_for(client, users["auditor"]).post(url, {}).status_code == 403
    page = client_for(client, users["hq_approver"]).get(url)
    assert page.status_code == 200


def test_a_rule_without_its_grade_or_threshold_is_refused_by_the_admin_form(client, users):
    client_for(client, users["hq_approver"])
    url = reverse("admin:library_suggestionrule_add")
    page = client.post(url, {"name": "无阈值", "condition": "execution_below", "effect": "cut_request",
                             "percent": "10", "active": "on", "sort_order": "9"})  # fmt: skip
    assert page.status_code == 200 and "threshold" in page.context["adminform"].form.errors
    assert not SuggestionRule.objects.filter(name="无阈值").exists()


def test_the_library_list_and_the_api_list_take_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries
):
    client_for(client, users["hq_reviewer"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("library:index")).status_code == 200
    api = api_for(users["hq_reviewer"])
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/library/projects/").status_code == 200
