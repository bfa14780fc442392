"""Pages, downloads and progress endpoints of the disclosure app, and who may use them."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.models import BudgetCycle, CycleState, Project, UnitBudget
from core.models import Unit
from disclosure.models import ExportJob, ImportJob, ImportStatus, JobStatus
from disclosure.template import build_template

from .conftest import load

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def export(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("disclosure:export-create"), {"year": 2020, **data})


def test_hq_exports_the_bureau_workbook_in_the_background_and_gets_the_link_by_email(
    demo, client, eager_celery, django_capture_on_commit_callbacks
):
    login(client, "hq_reviewer")
    response = export(client, django_capture_on_commit_callbacks, unit="")
    job = ExportJob.objects.get()
    assert response.url == reverse("disclosure:export", args=[job.pk])
    assert job.status == JobStatus.DONE and job.progress == 100 and job.findings_count > 0
    status = client.get(reverse("disclosure:export-status", args=[job.pk])).json()
    assert status["status"] == "done" and status["download"]
    download = client.get(reverse("disclosure:export-download", args=[job.pk]))
    workbook = load(b"".join(download.streaming_content))
    assert "表15" in workbook.sheetnames
    assert len(mail.outbox) == 1
    assert job.download_url in mail.outbox[0].body
    assert mail.outbox[0].to == ["hq_reviewer@demo.invalid"]


def test_a_branch_user_cannot_export_the_bureau_workbook(demo, client, django_capture_on_commit_callbacks):
    login(client, "baoan_preparer")
    response = export(client, django_capture_on_commit_callbacks, unit="")
    assert response.status_code == 302 and response.url == reverse("disclosure:index")
    assert not ExportJob.objects.exists()


def test_a_branch_user_exports_their_unit_and_never_sees_another_units_export(
    demo, client, eager_celery, django_capture_on_commit_callbacks
):
    login(client, "luohu_head")
    export(client, django_capture_on_commit_callbacks, unit="luohu")
    luohu_job = ExportJob.objects.get(unit__code="luohu")
    client.logout()
    login(client, "baoan_preparer")
    assert export(client, django_capture_on_commit_callbacks, unit="luohu").status_code == 302
    assert ExportJob.objects.filter(unit__code="luohu").count() == 1  # the form refused luohu
    for name in ("disclosure:export", "disclosure:export-status", "disclosure:export-download"):
        assert client.get(reverse(name, args=[luohu_job.pk])).status_code == 404
    assert b"luohu" not in client.get(reverse("disclosure:index")).content


def test_import_preview_then_confirm(demo, client, tmp_path, django_capture_on_commit_callbacks):
    baoan = Unit.objects.get(code="baoan")
    # An import changes drafts only: 宝安分局's published 2020 budget is reopened for the test.
    UnitBudget.objects.filter(cycle=demo, unit=baoan).update(state="draft")
    Project.objects.filter(budget__cycle=demo, budget__unit=baoan).update(state="draft")
    BudgetCycle.objects.filter(pk=demo.pk).update(state=CycleState.PREPARATION)  # targets open
    workbook = build_template(cycle=demo, unit=baoan, with_data=True)
    workbook["项目"].append(
        ["baoan", "新项目", "其他项目", "一般性项目支出", "业务类", None, None, 5000, 5000, 0]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(client, "baoan_preparer")
    upload = SimpleUploadedFile("baoan.xlsx", buffer.getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("disclosure:import-create"), {"year": 2020, "unit": "baoan", "file": upload}
        )
    job = ImportJob.objects.get()
    assert response.url == reverse("disclosure:import", args=[job.pk])
    assert job.status == ImportStatus.READY
    assert job.summary["项目"]["new"] == 1
    assert not Project.objects.filter(name="新项目").exists()
    page = client.get(response.url)
    assert b'data-testid="confirm"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Project.objects.filter(budget__unit=baoan, name="新项目").exists()


def test_import_preview_shows_row_and_column_errors(demo, client, django_capture_on_commit_callbacks):
    BudgetCycle.objects.filter(pk=demo.pk).update(state=CycleState.PREPARATION)  # targets open
    workbook = build_template(cycle=demo, unit=Unit.objects.get(code="baoan"), with_data=True)
    workbook["基本支出"]["E2"] = "abc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(client, "baoan_preparer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("disclosure:import-create"),
            {"year": 2020, "unit": "baoan", "file": SimpleUploadedFile("bad.xlsx", buffer.getvalue())},
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    assert (
        job.errors[0]["sheet"] == "基本支出"
        and job.errors[0]["row"] == 2
        and job.errors[0]["column"] == "金额（元）"
    )
    page = client.get(reverse("disclosure:import", args=[job.pk]))
    assert "金额（元）" in page.content.decode()
    assert b'data-testid="confirm"' not in page.content
    assert client.post(reverse("disclosure:import-confirm", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID


def test_a_branch_user_cannot_import_for_another_unit(demo, client):
    login(client, "baoan_preparer")
    upload = SimpleUploadedFile("x.xlsx", b"junk")
    client.post(reverse("disclosure:import-create"), {"year": 2020, "unit": "luohu", "file": upload})
    client.post(reverse("disclosure:import-create"), {"year": 2020, "unit": "", "file": upload})
    assert not ImportJob.objects.exists()


def test_the_template_downloads_for_a_branch_user(demo, client):
    login(client, "baoan_preparer")
    response = client.get(reverse("disclosure:template"), {"year": 2020, "unit": "baoan", "data": "1"})
    workbook = load(response.content)
    units = {row[0] for row in workbook["项目"].iter_rows(min_row=2, values_only=True)}
    assert units == {"baoan"}
    assert client.get(reverse("disclosure:template"), {"year": 2020, "unit": "luohu"}).status_code == 404


def test_pages_require_login(demo, client):
    for url in (reverse("disclosure:index"), reverse("reminders:log"), reverse("reminders:mine")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_a_large_file_is_checked_and_imported_by_a_worker(
    demo, client, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.DISCLOSURE_IMPORT_INLINE_MAX_BYTES = 0  # every file counts as large
    luohu = Unit.objects.get(code="luohu")
    UnitBudget.objects.filter(cycle=demo, unit=luohu).update(state="draft")
    Project.objects.filter(budget__cycle=demo, budget__unit=luohu).update(state="draft")
    BudgetCycle.objects.filter(pk=demo.pk).update(state=CycleState.PREPARATION)  # targets open
    workbook = build_template(cycle=demo, unit=luohu, with_data=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(client, "luohu_preparer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("disclosure:import-create"),
            {"year": 2020, "unit": "luohu", "file": SimpleUploadedFile("luohu.xlsx", buffer.getvalue())},
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READY and job.progress == 100
    assert client.get(reverse("disclosure:import-status", args=[job.pk])).json()["status"] == "ready"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
