"""A failed Celery task is kept (django-celery-results) and shown to administrators in the admin;
branch staff cannot see the list."""

import pytest
from celery import shared_task
from django.contrib.auth import get_user_model
from django_celery_results.models import TaskResult

from config.celery import app

pytestmark = pytest.mark.django_db


@shared_task(name="tests.ops.export_that_fails")
def export_that_fails(year):
    raise RuntimeError(f"the workbook of {year} could not be built")


@pytest.fixture
def store_eager_results():
    # Tests run tasks at once (CELERY_TASK_ALWAYS_EAGER); a worker stores results through the
    # same backend, which this makes the eager run use too.
    app.conf.task_store_eager_result = True
    yield
    app.conf.task_store_eager_result = False


def test_a_failed_task_is_kept_with_its_error(store_eager_results):
    result = export_that_fails.apply(args=[2020])
    assert result.failed()
    row = TaskResult.objects.get(task_id=result.id)
    assert row.status == "FAILURE"
    assert row.task_name == "tests.ops.export_that_fails"
    assert "the workbook of 2020 could not be built" in row.result
    assert "RuntimeError" in row.traceback


def test_administrators_see_failed_tasks_in_the_admin(client, demo, store_eager_results):
    result = export_that_fails.apply(args=[2021])
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get("/admin/django_celery_results/taskresult/?status__exact=FAILURE")
    assert page.status_code == 200
    assert result.id in page.content.decode()


def test_branch_staff_cannot_see_them(client, demo, store_eager_results):
    export_that_fails.apply(args=[2021])
    client.force_login(get_user_model().objects.get(username="baoan_preparer"))
    page = client.get("/admin/django_celery_results/taskresult/")
    assert page.status_code in {302, 403}
