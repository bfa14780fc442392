import pytest
from django.contrib import admin
from django.urls import reverse

from approvals.models import ReviewQueueBudget, ReviewQueueProject

pytestmark = pytest.mark.django_db
QUEUES = {ReviewQueueProject, ReviewQueueBudget}


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m not in QUEUES])
def test_every_admin_changelist_opens_with_its_filters_and_search(demo, client, model):
    client.login(username="admin", password="demo-2020")
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
    assert client.get(reverse("admin:budgets_unit_add")).status_code == 403


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
