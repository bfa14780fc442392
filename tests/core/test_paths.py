"""Every path a user or an attacker may take asks the same policy (core.policy), and bad input
is a clear error, never a 500. Each test here failed on the code before the policy was asked."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.models import BudgetCycle, CycleState, Project, UnitBudget
from core.errors import BusinessRuleError
from core.models import Unit
from disclosure import services as disclosure_services
from disclosure.importing import import_workbook
from disclosure.models import DisclosureText, ImportJob, ImportStatus
from disclosure.template import build_template

pytestmark = pytest.mark.django_db


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def baoan(demo):
    """宝安分局, its 2020 budget reopened as a draft."""
    unit = Unit.objects.get(code="baoan")
    UnitBudget.objects.filter(cycle=demo, unit=unit).update(state="draft")
    Project.objects.filter(budget__cycle=demo, budget__unit=unit).update(state="draft")
    return unit


def _workbook_with_new_amount(demo, baoan, amount=4321):
    """宝安's own data, with the first project's fiscal amount changed."""
    workbook = build_template(cycle=demo, unit=baoan, with_data=True)
    sheet = workbook["项目"]
    name = sheet["B2"].value
    sheet["H2"] = max(amount, 10**8)
    sheet["I2"] = amount
    buffer = io.BytesIO()
    workbook.save(buffer)
    return name, buffer.getvalue()


def _path(tmp_path, content: bytes):
    path = tmp_path / "baoan.xlsx"
    path.write_bytes(content)
    return path


# --- 1. Only the unit's own staff import its figures -------------------------------------------


@pytest.mark.parametrize("username", ["auditor", "hq_reviewer", "hq_approver", "luohu_preparer"])
def test_only_the_units_own_staff_may_import_its_figures(baoan, demo, username):
    upload = SimpleUploadedFile("baoan.xlsx", _workbook_with_new_amount(demo, baoan)[1])
    with pytest.raises(BusinessRuleError):
        disclosure_services.import_job_create(user=user(username), cycle=demo, unit=baoan, upload=upload)
    assert not ImportJob.objects.exists()


def test_the_auditor_cannot_overwrite_baoans_drafts_through_the_page(
    baoan, demo, client, django_capture_on_commit_callbacks
):
    name, content = _workbook_with_new_amount(demo, baoan)
    before = Project.objects.get(budget__cycle=demo, budget__unit=baoan, name=name).fiscal_amount
    client.force_login(user("auditor"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:import-create"),
                    {"year": 2020, "unit": "baoan", "file": SimpleUploadedFile("b.xlsx", content)})  # fmt: skip
    assert not ImportJob.objects.exists()
    assert Project.objects.get(budget__cycle=demo, budget__unit=baoan, name=name).fiscal_amount == before


def test_a_job_run_for_a_user_without_the_right_writes_nothing(baoan, demo, tmp_path):
    name, content = _workbook_with_new_amount(demo, baoan)
    report = import_workbook(path=_path(tmp_path, content), cycle=demo, unit=baoan, dry_run=False,
                             user=user("hq_reviewer"))  # fmt: skip
    assert not report.ok
    assert Project.objects.get(budget__cycle=demo, budget__unit=baoan, name=name).fiscal_amount != Decimal(
        4321
    )


# --- 2. The import edits what policy.can_change allows, and bumps versions ----------------------


@pytest.mark.parametrize("state", ["submitted", "under_review", "recommended", "with_branch_head"])
def test_an_import_cannot_change_a_project_that_is_not_editable(baoan, demo, tmp_path, state):
    name, content = _workbook_with_new_amount(demo, baoan)
    Project.objects.filter(budget__cycle=demo, budget__unit=baoan, name=name).update(state=state)
    for who in ("baoan_preparer", None):
        report = import_workbook(path=_path(tmp_path, content), cycle=demo, unit=baoan, dry_run=False,
                                 user=user(who) if who else None)  # fmt: skip
        assert not report.ok
        assert any(p.sheet == "项目" and p.row == 2 and name in p.message for p in report.problems), [
            p.line() for p in report.problems
        ]
    assert Project.objects.get(budget__cycle=demo, budget__unit=baoan, name=name).fiscal_amount != Decimal(
        4321
    )


def test_every_row_an_import_changes_is_a_new_version_by_the_importer(baoan, demo, tmp_path):
    BudgetCycle.objects.filter(pk=demo.pk).update(
        state=CycleState.PREPARATION
    )  # targets open: the import writes them
    demo.refresh_from_db()
    name, content = _workbook_with_new_amount(demo, baoan)
    project = Project.objects.get(budget__cycle=demo, budget__unit=baoan, name=name)
    budget = UnitBudget.objects.get(cycle=demo, unit=baoan)
    has_lines = budget.basic_lines.exists()
    report = import_workbook(path=_path(tmp_path, content), cycle=demo, unit=baoan, dry_run=False,
                             user=user("baoan_preparer"))  # fmt: skip
    assert report.ok, [p.line() for p in report.problems]
    changed = Project.objects.get(pk=project.pk)
    assert changed.fiscal_amount == Decimal("4321.00")
    assert changed.version == project.version + 1
    assert changed.history.first().history_user == user("baoan_preparer")
    if has_lines:
        assert UnitBudget.objects.get(pk=budget.pk).version == budget.version + 1


# --- 3. The disclosure text and the import confirmation -----------------------------------------


def test_the_auditor_cannot_draft_or_edit_the_disclosure_text(demo, client):
    with pytest.raises(BusinessRuleError):
        disclosure_services.disclosure_text_draft(user=user("auditor"), cycle=demo)
    disclosure_services.disclosure_text_draft(user=user("hq_reviewer"), cycle=demo)
    section = DisclosureText.objects.filter(cycle=demo).first()
    with pytest.raises(BusinessRuleError):
        disclosure_services.disclosure_text_edit(user=user("auditor"), cycle=demo, key=section.key, text="改")
    client.force_login(user("auditor"))
    url = reverse("disclosure:text", args=[2020])
    assert client.get(url).status_code == 200
    assert client.post(url, {"draft": "1"}).status_code == 403
    assert client.post(url, {"key": section.key, "text": "审计改写"}).status_code == 403
    section.refresh_from_db()
    assert section.text != "审计改写"


def test_only_the_uploader_may_confirm_an_import(baoan, demo, django_capture_on_commit_callbacks):
    BudgetCycle.objects.filter(pk=demo.pk).update(
        state=CycleState.PREPARATION
    )  # targets open: the import writes them
    demo.refresh_from_db()
    upload = SimpleUploadedFile("baoan.xlsx", _workbook_with_new_amount(demo, baoan)[1])
    with django_capture_on_commit_callbacks(execute=True):
        job = disclosure_services.import_job_create(user=user("baoan_preparer"), cycle=demo, unit=baoan,
                                                    upload=upload)  # fmt: skip
    job.refresh_from_db()
    assert job.status == ImportStatus.READY, job.errors
    for other in ("baoan_head", "auditor", "hq_approver"):
        with pytest.raises(BusinessRuleError):
            disclosure_services.import_job_confirm(user=user(other), job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def _read_back(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


# --- 5. Bad input is a clear error, never a 500 ------------------------------------------------


def _approved_project(budget_2021_name="路径测试项目"):
    from budgets.services import item_transition
    from tests.approvals.conftest import new_project

    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    project = new_project(budget, name=budget_2021_name)
    for action, who in [("submit", "baoan_preparer"), ("sign_off", "baoan_head"), ("recommend", "hq_reviewer"),
                        ("approve", "hq_approver")]:  # fmt: skip
        item_transition(item=project, action=action, actor=user(who))
    project.refresh_from_db()
    return project


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e30", "abc"])
def test_a_bad_amount_in_an_adjustment_or_a_cut_is_a_message(demo, client, amount):
    from budgets.models import AdjustmentRequest

    project = _approved_project()
    client.force_login(user("baoan_head"))
    response = client.post(reverse("approvals:adjustment-request", args=[project.pk]),
                           {"fiscal_amount": amount, "other_amount": "0", "reason": "增加"}, follow=True)  # fmt: skip
    assert response.status_code == 200 and not AdjustmentRequest.objects.filter(project=project).exists()
    assert "0" in str(response.context["form"].errors["fiscal_amount"])
    line = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan").basic_lines.first()
    if line is not None:
        response = client.post(reverse("approvals:basic-line-adjustment", args=[line.pk]),
                               {"fiscal_amount": amount, "reason": "增加"}, follow=True)  # fmt: skip
        assert response.status_code == 200
    submitted = _approved_project_submitted()
    client.force_login(user("hq_reviewer"))
    before = Project.objects.get(pk=submitted.pk).fiscal_amount
    response = client.post(reverse("approvals:project-transition", args=[submitted.pk]),
                           {"action": "cut", "reason": "压减", "fiscal_amount": amount}, follow=True)  # fmt: skip
    assert response.status_code == 200
    assert Project.objects.get(pk=submitted.pk).fiscal_amount == before


def _approved_project_submitted():
    from budgets.services import item_transition
    from tests.approvals.conftest import new_project

    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    project = new_project(budget, name="待削减项目")
    item_transition(item=project, action="submit", actor=user("baoan_preparer"))
    item_transition(item=project, action="sign_off", actor=user("baoan_head"))
    return project


def test_the_approvers_inbox_opens_with_a_basic_line_adjustment_pending(demo, client):
    from approvals.services import adjustment_request
    from budgets.models import BasicExpenditureLine
    from tests.approvals.conftest import adjustment_through_the_chain

    line = BasicExpenditureLine.objects.filter(budget__cycle__year=2020, budget__unit__code="baoan").first()
    adjustment = adjustment_request(
        basic_line=line, actor=user("baoan_head"), fiscal_amount=line.amount + 1, reason="增加"
    )
    adjustment_through_the_chain(adjustment, to="recommended")
    client.force_login(user("hq_approver"))
    inbox = client.get(reverse("approvals:inbox"))
    assert inbox.status_code == 200 and adjustment in inbox.context["adjustments"]


def test_the_queue_page_shows_a_reason_with_braces(demo, client):
    from budgets.services import item_transition

    project = _approved_project_submitted()
    item_transition(
        item=project, action="return", actor=user("hq_reviewer"), reason="请补充 {x} 和 {0} 的依据"
    )
    item_transition(item=project, action="submit", actor=user("baoan_preparer"))
    item_transition(item=project, action="sign_off", actor=user("baoan_head"))
    client.force_login(user("hq_reviewer"))
    page = client.get(reverse("admin:approvals_reviewqueueproject_change", args=[project.pk]))
    assert page.status_code == 200 and "请补充 {x} 和 {0} 的依据" in page.content.decode()


def test_a_duplicate_project_name_is_a_form_error(demo, client):
    from tests.approvals.conftest import new_project

    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    first = new_project(budget, name="重名项目")
    second = new_project(budget, name="另一个项目")
    client.force_login(user("baoan_preparer"))
    page = client.get(reverse("budgets:project-edit", args=[2021, "baoan", second.pk]))
    form = page.context["form"]
    data = {name: (value.pk if hasattr(value, "pk") else value) for name, value in form.initial.items()
            if value is not None}  # fmt: skip
    data.update({"name": first.name, "expected_version": second.version, "sub-TOTAL_FORMS": "0",
                 "sub-INITIAL_FORMS": "0"})  # fmt: skip
    response = client.post(reverse("budgets:project-edit", args=[2021, "baoan", second.pk]), data)
    assert response.status_code == 200
    assert "已有同名项目" in response.content.decode()


def test_a_non_integer_id_on_the_project_targets_api_is_a_400(demo):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user("baoan_preparer"))
    response = api.get("/api/v1/performance/project-targets/abc/")
    assert response.status_code == 400, response.status_code
    assert set(response.json()) == {"code", "message", "details"} and response.json()["code"] == "bad_id"


# --- 7. Another unit's object and a missing one: the same 404 ----------------------------------


def test_another_units_indicator_answers_like_a_missing_one(demo):
    from rest_framework.test import APIClient

    from performance.models import Indicator

    theirs = Indicator.objects.filter(project__budget__unit__code="luohu").first()
    api = APIClient()
    api.force_authenticate(user("baoan_preparer"))
    answers = []
    for pk in (theirs.pk, 999999999):
        response = api.post("/api/v1/performance/target-changes/",
                            {"indicator": pk, "new_text": "≥1次", "reason": "试探"}, format="json")  # fmt: skip
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] and answers[0][0] == 404
    for pk in (theirs.project_id, 999999999):
        assert api.get(f"/api/v1/performance/project-targets/{pk}/").status_code == 404


# --- 6. User text in a workbook is a text cell, never a formula -------------------------------

FORMULA = '=HYPERLINK("http://x","y")'


def test_user_text_in_the_workbooks_is_never_a_formula(demo, baoan):
    from disclosure.exporting import build_workbook
    from disclosure.template import template_bytes

    project = Project.objects.filter(budget__cycle=demo, budget__unit=baoan).first()
    Project.objects.filter(pk=project.pk).update(name=FORMULA, purpose=FORMULA)
    for content in (
        build_workbook(cycle=demo).to_bytes(),
        template_bytes(cycle=demo, unit=baoan, with_data=True),
    ):
        cells = [c for sheet in _read_back(content).worksheets for row in sheet.iter_rows() for c in row
                 if isinstance(c.value, str) and "HYPERLINK" in c.value]  # fmt: skip
        assert cells, "the project's name is in the workbook"
        assert all(c.data_type == "s" for c in cells), [(c.coordinate, c.data_type) for c in cells]


# --- A save that does not say which version it was made from ---------------------------------


def test_a_save_without_the_version_it_was_made_from_is_refused_and_writes_nothing(demo, client):
    """Before, the version was optional: a save without it silently overwrote a colleague's."""
    from budgets.services import project_update

    project = Project.objects.filter(budget__cycle__year=2021, budget__unit__code="baoan").first()
    if project is None:
        from budgets.services import project_create
        from tests.approvals.conftest import complete_project_data

        project = project_create(
            budget=UnitBudget.objects.get(cycle__year=2021, unit__code="baoan"),
            actor=user("baoan_preparer"),
            data=complete_project_data(name="无版本保存"),
        )
    before = (project.version, project.purpose)
    with pytest.raises(BusinessRuleError) as error:
        project_update(project=project, actor=user("baoan_head"), version=None, data={"purpose": "覆盖"})
    assert error.value.code == "stale"
    project.refresh_from_db()
    assert (project.version, project.purpose) == before
