"""The admin lists every performance model, read-only where the services own the changes."""

import pytest
from django.urls import reverse

from performance.models import Indicator

pytestmark = pytest.mark.django_db

MODELS = [
    "performancesettings",
    "departmenttarget",
    "indicator",
    "monitoringround",
    "projectmonitoring",
    "targetchange",
    "spendingimport",
    "spendingrecord",
    "projectevaluation",
    "departmentevaluation",
]


@pytest.mark.parametrize("model", MODELS)
def test_administrator_opens_every_list(demo, client, model, django_assert_max_num_queries):
    client.login(username="admin", password="demo-2020")
    with django_assert_max_num_queries(20):
        assert client.get(reverse(f"admin:performance_{model}_changelist")).status_code == 200


def test_indicators_are_read_only_in_the_admin(demo, client):
    client.login(username="admin", password="demo-2020")
    indicator = Indicator.objects.first()
    page = client.get(reverse("admin:performance_indicator_change", args=[indicator.pk]))
    assert page.status_code == 200 and b'name="target_text"' not in page.content
