"""Exports and imports on the S3-compatible object store (production's FILE_STORAGE=s3): the
files are objects in the bucket, read and written over HTTP through django-storages (moto's
server on loopback, tests/support/s3.py); downloads are streamed by the application after the
same access check as on the filesystem, and nothing lands on the local disk."""

import io
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from budgets.models import BudgetCycle, CycleState, Project, UnitBudget
from config.storage import FileStoreUnavailable, default_storage_settings
from core.models import Unit
from disclosure import services
from disclosure.models import ExportJob, ImportJob, ImportStatus, JobStatus
from disclosure.template import build_template
from tests.support.s3 import create_bucket, moto_s3_server, s3_environ

from .conftest import load

pytestmark = pytest.mark.django_db
User = get_user_model()

PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def test_an_export_is_an_object_in_the_bucket_downloaded_only_through_the_access_check(
    s3_storage, demo, client, eager_celery, django_capture_on_commit_callbacks, tmp_path
):
    login(client, "luohu_head")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:export-create"), {"year": 2020, "unit": "luohu"})
    job = ExportJob.objects.get()
    assert job.status == JobStatus.DONE

    # The workbook is an object of the bucket, private, and nothing was written locally.
    assert s3_storage.keys() == [job.file.name]
    assert job.file.name.startswith("disclosure/exports/") and job.file.name.endswith(
        "disclosure-2020-luohu.xlsx"
    )
    stored = s3_storage.read(job.file.name)
    assert "表15" in load(stored).sheetnames
    grants = s3_storage.client.get_object_acl(Bucket=s3_storage.name, Key=job.file.name)["Grants"]
    assert [
        grant["Grantee"].get("URI") for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GRANTEES
    ] == []
    assert not (tmp_path / "media").exists()

    # Its owner downloads the same bytes, streamed by the application.
    url = reverse("disclosure:export-download", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="disclosure-2020-luohu.xlsx"'
    assert b"".join(response.streaming_content) == stored

    # Another unit's user gets nothing, not even the job's existence; nobody anonymous either.
    client.logout()
    login(client, "baoan_preparer")
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_two_exports_of_the_same_scope_are_two_objects(
    s3_storage, demo, client, eager_celery, django_capture_on_commit_callbacks
):
    """The store never replaces a file by a later one of the same name (as the filesystem)."""
    login(client, "luohu_head")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("disclosure:export-create"), {"year": 2020, "unit": "luohu"})
    first, second = ExportJob.objects.order_by("pk")
    assert first.file.name != second.file.name
    assert s3_storage.keys() == sorted([first.file.name, second.file.name])
    for job in (first, second):
        download = client.get(reverse("disclosure:export-download", args=[job.pk]))
        assert b"".join(download.streaming_content) == s3_storage.read(job.file.name)


def _reopen(demo, code: str) -> Unit:
    """An import changes drafts only, in a cycle whose targets are open."""
    unit = Unit.objects.get(code=code)
    UnitBudget.objects.filter(cycle=demo, unit=unit).update(state="draft")
    Project.objects.filter(budget__cycle=demo, budget__unit=unit).update(state="draft")
    BudgetCycle.objects.filter(pk=demo.pk).update(state=CycleState.PREPARATION)
    return unit


def _workbook_bytes(demo, unit, *extra_projects) -> bytes:
    workbook = build_template(cycle=demo, unit=unit, with_data=True)
    for row in extra_projects:
        workbook["项目"].append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("in_a_worker", [False, True], ids=["in-the-request", "in-a-worker"])
def test_an_import_is_checked_then_imported_from_the_bucket(
    in_a_worker,
    s3_storage,
    demo,
    client,
    settings,
    eager_celery,
    django_capture_on_commit_callbacks,
    tmp_path,
):
    if in_a_worker:
        settings.DISCLOSURE_IMPORT_INLINE_MAX_BYTES = 0  # every file counts as large
    baoan = _reopen(demo, "baoan")
    content = _workbook_bytes(
        demo,
        baoan,
        ["baoan", "云上新项目", "其他项目", "一般性项目支出", "业务类", None, None, 5000, 5000, 0],
    )
    login(client, "baoan_preparer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("disclosure:import-create"),
            {"year": 2020, "unit": "baoan", "file": SimpleUploadedFile("宝安.xlsx", content)},
        )
    job = ImportJob.objects.get()
    assert s3_storage.keys() == [job.file.name]
    assert s3_storage.read(job.file.name) == content
    assert not (tmp_path / "media").exists()
    assert job.status == ImportStatus.READY, job.errors
    assert job.summary["项目"]["new"] == 1
    assert not Project.objects.filter(name="云上新项目").exists()  # a dry run writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Project.objects.filter(budget__unit=baoan, name="云上新项目").count() == 1


def test_a_workbook_from_the_bucket_with_one_bad_row_writes_nothing(
    s3_storage, demo, client, django_capture_on_commit_callbacks
):
    baoan = _reopen(demo, "baoan")
    content = _workbook_bytes(
        demo,
        baoan,
        ["baoan", "云上好项目", "其他项目", "一般性项目支出", "业务类", None, None, 5000, 5000, 0],
        ["baoan", "云上坏项目", "其他项目", "一般性项目支出", "业务类", None, None, "abc", 5000, 0],
    )
    login(client, "baoan_preparer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("disclosure:import-create"),
            {"year": 2020, "unit": "baoan", "file": SimpleUploadedFile("bad.xlsx", content)},
        )
    job = ImportJob.objects.get()
    assert s3_storage.keys() == [job.file.name]
    assert job.status == ImportStatus.INVALID
    assert {error["sheet"] for error in job.errors} == {"项目"}
    assert not Project.objects.filter(name__startswith="云上").exists()


def test_a_file_that_is_not_a_workbook_is_refused_from_the_bucket(
    s3_storage, demo, client, django_capture_on_commit_callbacks
):
    _reopen(demo, "baoan")
    login(client, "baoan_preparer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("disclosure:import-create"),
            {
                "year": 2020,
                "unit": "baoan",
                "file": SimpleUploadedFile("junk.xlsx", b"not a workbook at all"),
            },
        )
    job = ImportJob.objects.get()
    assert s3_storage.read(job.file.name) == b"not a workbook at all"
    assert job.status == ImportStatus.INVALID
    with translation.override("zh-hans"):
        refusal = translation.gettext("This file is not an Excel workbook (.xlsx). Use the template.")
    assert [error["message"] for error in job.errors] == [refusal]


# --- the object store stopped mid-way ---------------------------------------------------------


def _told(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture
def stopped_store(settings):
    """Files on a bucket whose server has stopped: the store does not answer any more. The
    test's ``given`` runs inside the ``with`` (the server up), its ``when`` after it."""

    @contextmanager
    def running():
        with moto_s3_server() as endpoint_url:
            create_bucket(endpoint_url, "budget-stopped")
            environ = s3_environ(endpoint_url, "budget-stopped")
            settings.STORAGES = {**settings.STORAGES, "default": default_storage_settings(environ)}
            yield

    return running


def test_an_export_the_store_does_not_take_fails_instead_of_running_forever(demo, stopped_store):
    luohu_head = User.objects.get(username="luohu_head")
    with stopped_store():
        job = services.export_job_create(user=luohu_head, cycle=demo, unit=Unit.objects.get(code="luohu"))
    with pytest.raises(FileStoreUnavailable):
        services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file
    with translation.override("zh-hans"):
        assert job.error == translation.gettext(
            "The workbook was built, but the file store did not take it. Export it again later."
        )


def _uploaded_before_the_store_stopped(demo, stopped_store) -> ImportJob:
    """宝安's workbook with one new project, uploaded while the store answered; it answers no more."""
    baoan = _reopen(demo, "baoan")
    content = _workbook_bytes(
        demo,
        baoan,
        ["baoan", "云上新项目", "其他项目", "一般性项目支出", "业务类", None, None, 5000, 5000, 0],
    )
    with stopped_store():
        return services.import_job_create(
            user=User.objects.get(username="baoan_preparer"),
            cycle=demo,
            unit=baoan,
            upload=SimpleUploadedFile("宝安.xlsx", content),
        )


def test_an_import_whose_file_cannot_be_read_goes_back_and_writes_nothing(demo, client, stopped_store):
    job = _uploaded_before_the_store_stopped(demo, stopped_store)
    assert job.status == ImportStatus.UPLOADED  # its check runs once the request has committed

    # The check: back to "uploaded", for the sweep to queue again.
    with pytest.raises(FileStoreUnavailable):
        services.import_job_run(job_id=job.pk, dry_run=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED

    # The import of a checked file: back to "ready", the preparer is told and may confirm again.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.READY)
    with pytest.raises(FileStoreUnavailable):
        services.import_job_run(job_id=job.pk, dry_run=False)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    told = _told("The file store did not answer; nothing was imported. Import it again later.")
    assert job.step == told
    assert not Project.objects.filter(name="云上新项目").exists()
    login(client, "baoan_preparer")
    page = client.get(reverse("disclosure:import", args=[job.pk])).content.decode()
    assert told in page and 'data-testid="confirm"' in page


# --- the same, as the user meets it: a page that says so, never a 500 -------------------------


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_an_upload_the_store_does_not_take_is_refused_with_a_message_and_leaves_no_job(
    demo, client, stopped_store
):
    baoan = _reopen(demo, "baoan")
    content = _workbook_bytes(demo, baoan)
    with stopped_store():
        pass  # the store existed once, and now does not answer
    login(client, "baoan_preparer")
    upload = SimpleUploadedFile("宝安.xlsx", content)
    response = client.post(
        reverse("disclosure:import-create"), {"year": 2020, "unit": "baoan", "file": upload}, follow=True
    )
    assert response.status_code == 200
    assert _told("The file store did not answer; the file was not uploaded. Try again in a few minutes.") in (
        _messages(response)
    )
    assert not ImportJob.objects.exists()


def test_a_confirmed_import_the_store_cannot_read_goes_back_and_says_so(
    demo, client, stopped_store, django_capture_on_commit_callbacks
):
    job = _uploaded_before_the_store_stopped(demo, stopped_store)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.READY)  # checked while it was up
    login(client, "baoan_preparer")
    with django_capture_on_commit_callbacks(execute=True):  # the inline import, after the commit
        response = client.post(reverse("disclosure:import-confirm", args=[job.pk]))
    assert response.status_code == 302 and response.url == reverse("disclosure:import", args=[job.pk])
    job.refresh_from_db()
    told = _told("The file store did not answer; nothing was imported. Import it again later.")
    assert job.status == ImportStatus.READY and job.step == told
    assert told in client.get(response.url).content.decode()
    assert not Project.objects.filter(name="云上新项目").exists()


def test_a_download_the_store_cannot_serve_returns_to_the_job_with_a_message(demo, client, stopped_store):
    luohu_head = User.objects.get(username="luohu_head")
    with stopped_store():
        job = services.export_job_create(user=luohu_head, cycle=demo, unit=Unit.objects.get(code="luohu"))
        job = services.export_job_run(job_id=job.pk)
        assert job.status == JobStatus.DONE and job.file
    login(client, "luohu_head")
    response = client.get(reverse("disclosure:export-download", args=[job.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("disclosure:export", args=[job.pk])
    assert _told(
        "The file store did not answer; the workbook cannot be downloaded now. Try again in a few minutes."
    ) in _messages(response)
