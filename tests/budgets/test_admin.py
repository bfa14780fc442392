import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry))
def test_every_admin_changelist_opens_with_its_filters_and_search(demo, client, model):
    client.login(username="admin", password="demo-2020")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url, {"q": "社保"}).status_code == 200


def test_reviewer_admin_lists_are_read_only(demo, client):
    client.login(username="hq_reviewer", password="demo-2020")
    assert client.get(reverse("admin:budgets_project_changelist")).status_code == 200
    assert client.get(reverse("admin:budgets_unit_add")).status_code == 403
