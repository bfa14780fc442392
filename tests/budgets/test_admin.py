import pytest
from django.contrib import admin
from django.urls import reverse

from approvals.models import ReviewQueueBudget, ReviewQueueProject

pytestmark = pytest.mark.django_db
QUEUES = {ReviewQueueProject, ReviewQueueBudget}


# The security records are the security or the audit administrator's (三员), not the system
# administrator's: each list opens for its keeper.
KEEPERS = {
    "auditentry": "audit_admin",
    "accessattempt": "audit_admin",
    "accesslog": "audit_admin",
    "accessfailurelog": "audit_admin",
    "secondfactordevice": "security_admin",
}


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m not in QUEUES])
def test_every_admin_changelist_opens_with_its_filters_and_search(demo, client, model):
    client.login(username=KEEPERS.get(model._meta.model_name, "admin"), password="demo-2020")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url, {"q": "社保"}).status_code == 200


@pytest.mark.parametrize("model", sorted(QUEUES, key=str))
@pytest.mark.parametrize("username", ["hq_reviewer", "hq_approver"])
def test_review_queues_open_for_hq_reviewers_and_approvers(demo, client, model, username):
    client.login(username=username, password="demo-2020")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url, {"waiting": "gt7", "o": "1"}).status_code == 200


def test_reviewer_admin_lists_are_read_only(demo, client):
    client.login(username="hq_reviewer", password="demo-2020")
    assert client.get(reverse("admin:budgets_project_changelist")).status_code == 200
    assert client.get(reverse("admin:core_unit_add")).status_code == 403


def test_approved_items_cannot_be_changed_in_the_admin_even_by_a_superuser(demo, client):
    from budgets.models import Project

    client.login(username="admin", password="demo-2020")
    project = Project.objects.filter(state="published").first()
    url = reverse("admin:budgets_project_change", args=[project.pk])
    response = client.post(url, {"name": "改名"})
    project.refresh_from_db()
    assert project.name != "改名"
    assert response.status_code in (200, 403)


def test_history_cannot_be_reverted_from_the_admin(demo, client):
    from budgets.models import Project

    client.login(username="admin", password="demo-2020")
    project = Project.objects.filter(state="published").first()
    record = project.history.first()
    url = reverse("admin:budgets_project_simple_history", args=[project.pk, record.history_id])
    page = client.get(url)
    assert page.status_code == 200 and "_change_history" not in page.content.decode()
    assert client.post(url, {"name": "改名", "_change_history": "1"}).status_code == 403
    project.refresh_from_db()
    assert project.name != "改名"


# --- The admin is only another way in: the policy's rule, the workflow's fields read-only ------


def test_a_branch_user_with_every_permission_is_kept_out_of_the_admin_and_writes_nothing(
    staff_preparer, client
):
    from budgets.models import BasicExpenditureLine, FunctionalCode, FundingSource, UnitBudget

    client.force_login(staff_preparer)
    budget = UnitBudget.objects.get(cycle__year=2020, unit__code="baoan")
    before = BasicExpenditureLine.objects.filter(budget=budget).count()
    response = client.post(reverse("admin:budgets_basicexpenditureline_add"), {
        "budget": budget.pk, "functional_code": FunctionalCode.objects.get(code="2080109").pk,
        "funding_source": FundingSource.objects.get(code="general_operating").pk, "amount": "1.00", "note": "x"})  # fmt: skip
    # policy.can_use_admin: the admin is for bureau-wide roles only, whatever the flags say.
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert BasicExpenditureLine.objects.filter(budget=budget).count() == before


def test_a_line_cannot_be_added_to_an_approved_budget_in_the_admin(superuser, client):
    from budgets.models import BasicExpenditureLine, FunctionalCode, FundingSource, UnitBudget

    client.force_login(superuser)
    budget = UnitBudget.objects.get(cycle__year=2020, unit__code="baoan")
    assert budget.is_locked
    before = BasicExpenditureLine.objects.filter(budget=budget).count()
    response = client.post(reverse("admin:budgets_basicexpenditureline_add"), {
        "budget": budget.pk, "functional_code": FunctionalCode.objects.get(code="2080109").pk,
        "funding_source": FundingSource.objects.get(code="general_operating").pk, "amount": "1.00", "note": "x"})  # fmt: skip
    assert response.status_code in (200, 403)
    assert BasicExpenditureLine.objects.filter(budget=budget).count() == before


def test_a_project_cannot_be_created_in_the_admin_at_all(superuser, client):
    """Only a unit's own staff create its projects (policy), and they are kept out of the admin:
    a project is created on the unit's pages, as a draft, never in the admin (as published)."""
    from budgets.models import Project

    client.force_login(superuser)
    before = Project.objects.count()
    assert client.get(reverse("admin:budgets_project_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:budgets_project_add"), {"name": "新项目", "state": "published"}
        ).status_code
        == 403
    )
    assert Project.objects.count() == before


@pytest.mark.parametrize("username", ["admin", "hq_reviewer", "hq_approver", "auditor"])
def test_workflow_fields_are_read_only_and_only_the_units_staff_change_a_draft(demo, client, username):
    from budgets.models import Project

    project = Project.objects.filter(budget__cycle__year=2021, budget__unit__code="baoan").first() or \
        Project.objects.first()  # fmt: skip
    Project.objects.filter(pk=project.pk).update(state="draft")
    client.login(username=username, password="demo-2020")
    url = reverse("admin:budgets_project_change", args=[project.pk])
    client.post(url, {"name": "改名", "state": "published", "version": "99"})
    project.refresh_from_db()
    assert project.name != "改名" and project.state == "draft" and project.version != 99


def test_a_submitted_project_cannot_be_changed_in_the_admin(superuser, client):
    from budgets.models import Project

    project = Project.objects.filter(budget__unit__code="baoan").first()
    Project.objects.filter(pk=project.pk).update(state="submitted")
    client.force_login(superuser)
    url = reverse("admin:budgets_project_change", args=[project.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()  # a view, not a form
    client.post(url, {"name": "改名"})
    project.refresh_from_db()
    assert project.name != "改名"
    assert (
        client.post(reverse("admin:budgets_project_delete", args=[project.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Project.objects.filter(pk=project.pk).exists()
