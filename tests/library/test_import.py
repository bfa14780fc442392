"""Proposing library projects from a spreadsheet: the same rules as the page, all or nothing."""

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.importing import ImportRefused, library_import
from library.models import LibraryProject, PlanRow

pytestmark = pytest.mark.django_db

HEADER = ["项目名称", "项目属性", "立项必要性", "2021", "2022", "2023"]


def workbook(*rows, header=HEADER) -> BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    data = BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_rows_become_proposed_library_projects_with_their_plans(users, luohu, cycle2021):
    created = library_import(actor=users["luohu_preparer"], unit=luohu, cycle=cycle2021, file=workbook(
        ["档案数字化", "一次性", "纸质档案老化", 500000, 0, 0],
        ["上门服务", "经常性", "", "120000.50", 120000, 120000],
    ))  # fmt: skip
    assert [p.code for p in created] == ["luohu-2021-001", "luohu-2021-002"]
    assert created[0].kind == "one_off" and created[1].kind == "recurring"
    assert PlanRow.objects.get(library_project=created[1], year=2021).amount == Decimal("120000.50")


def test_one_refused_row_writes_nothing_and_every_refusal_is_reported(users, luohu, cycle2021):
    with pytest.raises(ImportRefused) as refused:
        library_import(actor=users["luohu_preparer"], unit=luohu, cycle=cycle2021, file=workbook(
            ["档案数字化", "一次性", "", 500000, 0, 0],
            ["坏金额", "经常性", "", -5, 0, 0],
            ["坏属性", "偶尔", "", 1, 0, 0],
        ))  # fmt: skip
    assert [e.row for e in refused.value.errors] == [3, 4]
    assert not LibraryProject.objects.filter(unit=luohu, first_year=2021).exists()


def test_a_sheet_without_the_years_columns_is_refused(users, luohu, cycle2021):
    with pytest.raises(ImportRefused) as refused:
        library_import(actor=users["luohu_preparer"], unit=luohu, cycle=cycle2021,
                       file=workbook(["x", "经常性"], header=["项目名称", "项目属性"]))  # fmt: skip
    assert "2021" in refused.value.errors[0].message


def test_not_a_workbook_is_refused(users, luohu, cycle2021):
    with pytest.raises(ImportRefused):
        library_import(actor=users["luohu_preparer"], unit=luohu, cycle=cycle2021, file=BytesIO(b"not excel"))


@pytest.mark.parametrize("who", ["auditor", "hq_reviewer"])
def test_only_a_units_staff_reach_the_import(who, users, client):
    client.force_login(users[who])
    upload = SimpleUploadedFile("p.xlsx", workbook(["x", "经常性", "", 1, 1, 1]).read())
    assert client.post(reverse("library:import"), {"file": upload}).status_code == 404
    assert not LibraryProject.objects.filter(name="x").exists()


def test_the_import_page_reports_the_refused_rows(users, client):
    client.force_login(users["luohu_head"])
    upload = SimpleUploadedFile("p.xlsx", workbook(["坏金额", "经常性", "", "abc", 0, 0]).read())
    page = client.post(reverse("library:import"), {"file": upload})
    assert page.status_code == 200 and [e.row for e in page.context["errors"]] == [2]
