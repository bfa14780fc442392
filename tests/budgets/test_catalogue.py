"""The procurement catalogue (issue #9, part 5): the code rule, resolving a line's code, loading a
catalogue from a workbook (service, admin page, command) and the 2022 fixture."""

import io
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from budgets.catalogue import (
    ancestor_codes,
    catalogue_load_xlsx,
    is_well_formed,
    parent_code,
    resolve_item,
)
from budgets.models import CatalogueVersion, ProcurementItem

FIXTURE = Path(__file__).resolve().parents[2] / "budgets" / "fixtures" / "procurement_catalogue_2022.json"
FULL_CODE = re.compile(r"^[ABC](\d{8})?$")


@pytest.fixture
def catalogue_2022(db) -> CatalogueVersion:
    """A small 2022-style catalogue: 货物 / 设备 / 信息化设备 / 计算机 / 台式计算机, and 服务."""
    catalogue = CatalogueVersion.objects.create(code="2099", name="测试目录（2022 式）")
    parents: dict[str, ProcurementItem] = {}
    for code, name in [
        ("A", "货物"),
        ("A02000000", "设备"),
        ("A02010000", "信息化设备"),
        ("A02010100", "计算机"),
        ("A02010105", "台式计算机"),
        ("C", "服务"),
        ("C21000000", "房地产服务"),
        ("C21040000", "物业管理服务"),
    ]:
        parent = parents.get(parent_code(code))
        parents[code] = ProcurementItem.objects.create(
            catalogue=catalogue, code=code, name=name, parent=parent
        )
    return catalogue


@pytest.fixture
def catalogue_2020(demo) -> CatalogueVersion:
    return CatalogueVersion.objects.get(code="2020")


def workbook_file(
    rows, *, title_rows=(("政府采购品目分类目录",),), header=("品目编码", "品目名称")
) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "catalogue.xlsx"
    return buffer


def user(username: str):
    return get_user_model().objects.get(username=username)


# --- The code rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["A", "C", "A02010105", "C16070000", "C21040000", "B99000000", " a02010105 "]
)
def test_2022_codes_are_a_letter_and_eight_padded_digits(catalogue_2022, code):
    assert is_well_formed(code, catalogue_2022)


@pytest.mark.parametrize(
    "code",
    ["", "D02010105", "A0201010", "A020101050", "A03", "C1000", "A00010000", "A02000100", "A00000000", "A-2"],
)
def test_malformed_2022_codes_are_refused(catalogue_2022, code):
    assert not is_well_formed(code, catalogue_2022)


@pytest.mark.parametrize("code", ["A", "A03", "C1000", "C130000", "A02010105"])
def test_2020_codes_are_a_letter_and_pairs_of_digits(catalogue_2020, code):
    assert is_well_formed(code, catalogue_2020)


@pytest.mark.parametrize("code", ["A0", "C100", "X03", "A020101050"])
def test_malformed_2020_codes_are_refused(catalogue_2020, code):
    assert not is_well_formed(code, catalogue_2020)


def test_a_2022_parent_is_the_code_with_its_last_pair_zeroed():
    assert parent_code("A02010105") == "A02010100"
    assert parent_code("A02010100") == "A02010000"
    assert parent_code("A02010000") == "A02000000"
    assert parent_code("A02000000") == "A"
    assert parent_code("A") is None
    assert ancestor_codes("C1001")[:2] == ["C1000", "C10"]


# --- Resolving a line's code ----------------------------------------------------------------


def test_a_known_code_is_its_item_without_warning(catalogue_2022):
    item, warning = resolve_item(catalogue=catalogue_2022, code="A02010105")
    assert item.name == "台式计算机" and warning is None


def test_an_unknown_well_formed_code_is_a_warning_not_a_refusal(catalogue_2022):
    item, warning = resolve_item(catalogue=catalogue_2022, code="A02010108")
    assert item is None
    assert warning == "采购品目编码 A02010108 不在 2099 年目录中，已按未列入目录的品目记录，请核对"
    assert not catalogue_2022.items.filter(code="A02010108").exists()


def test_an_unknown_code_becomes_an_unlisted_item_under_its_nearest_ancestor_when_asked(catalogue_2022):
    item, warning = resolve_item(catalogue=catalogue_2022, code="A02010108", create=True, name="便携式计算机")
    assert warning and item.pk and not item.listed
    assert (item.name, item.parent.code) == ("便携式计算机", "A02010100")
    deeper, _ = resolve_item(catalogue=catalogue_2022, code="C21049900", create=True)
    assert deeper.parent.code == "C21040000" and "C21049900" in deeper.name
    again, warning_again = resolve_item(catalogue=catalogue_2022, code="A02010108", create=True)
    assert again == item and warning_again == warning


def test_the_warning_is_in_english_for_an_english_reader(catalogue_2022):
    with translation.override("en"):
        _item, warning = resolve_item(catalogue=catalogue_2022, code="A02010108")
    assert warning.startswith("Procurement item code A02010108 is not in the 2099 catalogue")


def test_a_malformed_code_is_refused_with_a_chinese_message(catalogue_2022):
    with pytest.raises(ValidationError) as refused:
        resolve_item(catalogue=catalogue_2022, code="A0201", create=True)
    assert "格式不正确" in refused.value.messages[0] and "A0201" in refused.value.messages[0]
    assert not catalogue_2022.items.filter(code="A0201").exists()


def test_the_2020_short_codes_resolve_in_their_own_catalogue(catalogue_2020):
    item, warning = resolve_item(catalogue=catalogue_2020, code="C1000")
    assert item.name == "物业管理" and warning is None
    _item, warning = resolve_item(catalogue=catalogue_2020, code="C1700")
    assert "C1700" in warning


# --- Loading a catalogue from a workbook ----------------------------------------------------


def test_an_administrator_loads_a_workbook_adding_and_renaming_items(demo, catalogue_2022):
    file = workbook_file(
        [
            ("A02010105", "台式计算机"),
            ("A02010104", "服务器"),
            ("A02010108", "便携式计算机"),
            ("C21040000", "物业管理服务（改名）"),
            (None, None),
            ("C23030000", "审计服务"),
            ("C23000000", "商务服务"),
        ]
    )
    summary = catalogue_load_xlsx(actor=user("admin"), catalogue=catalogue_2022, file=file)
    assert summary.ok
    assert summary.added == ["A02010104", "A02010108", "C23000000", "C23030000"]
    assert summary.updated == ["C21040000"] and summary.unchanged == 1
    items = {i.code: i for i in catalogue_2022.items.select_related("parent")}
    assert items["C21040000"].name == "物业管理服务（改名）"
    assert items["A02010108"].parent.code == "A02010100" and items["A02010108"].listed
    assert items["C23030000"].parent.code == "C23000000"
    assert items["C23000000"].parent.code == "C"


def test_loading_lists_an_item_a_line_had_added_as_unlisted(demo, catalogue_2022):
    resolve_item(catalogue=catalogue_2022, code="A02010108", create=True)
    summary = catalogue_load_xlsx(
        actor=user("admin"), catalogue=catalogue_2022, file=workbook_file([("A02010108", "便携式计算机")])
    )
    assert summary.updated == ["A02010108"]
    assert resolve_item(catalogue=catalogue_2022, code="A02010108") == (
        catalogue_2022.items.get(code="A02010108"),
        None,
    )


def test_a_workbook_with_errors_writes_nothing_and_reports_every_bad_row(demo, catalogue_2022):
    before = list(catalogue_2022.items.values_list("code", "name", "listed", "parent"))
    file = workbook_file(
        [
            ("A02010104", "服务器"),  # row 3: good, but not written
            ("A0201", "计算机设备"),  # row 4: malformed
            ("C21040000", ""),  # row 5: no name
            ("A02010104", "服务器"),  # row 6: duplicate of row 3
            (None, "没有编码"),  # row 7: no code
            ("C23030000", "审" * 101),  # row 8: name too long
        ]
    )
    summary = catalogue_load_xlsx(actor=user("admin"), catalogue=catalogue_2022, file=file)
    assert not summary.ok and summary.added == [] and summary.updated == []
    assert [error.row for error in summary.errors] == [4, 5, 6, 7, 8]
    assert str(summary.errors[0]).startswith("第 4 行：") and "A0201" in str(summary.errors[0])
    assert "第 3 行" in str(summary.errors[2])
    assert list(catalogue_2022.items.values_list("code", "name", "listed", "parent")) == before


def test_a_workbook_without_the_header_or_not_a_workbook_is_reported(demo, catalogue_2022):
    no_header = workbook_file([("A02010104", "服务器")], header=("代码", "名字"))
    summary = catalogue_load_xlsx(actor=user("admin"), catalogue=catalogue_2022, file=no_header)
    assert "品目编码" in str(summary.errors[0])
    garbage = io.BytesIO(b"not a workbook")
    summary = catalogue_load_xlsx(actor=user("admin"), catalogue=catalogue_2022, file=garbage)
    assert "无法读取" in str(summary.errors[0])


@pytest.mark.parametrize("username", ["hq_reviewer", "hq_approver", "auditor", "baoan_preparer"])
def test_only_an_administrator_may_load_a_catalogue(demo, catalogue_2022, username):
    with pytest.raises(PermissionDenied):
        catalogue_load_xlsx(
            actor=user(username), catalogue=catalogue_2022, file=workbook_file([("A02010104", "服务器")])
        )
    assert not catalogue_2022.items.filter(code="A02010104").exists()


def test_an_administrator_loads_a_workbook_from_the_admin_page(demo, catalogue_2022, client):
    client.login(username="admin", password="demo-2020")
    change_page = client.get(reverse("admin:budgets_catalogueversion_change", args=[catalogue_2022.pk]))
    url = reverse("admin:budgets_catalogueversion_import", args=[catalogue_2022.pk])
    assert url in change_page.content.decode() and "从 Excel 导入品目" in change_page.content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": workbook_file([("A02010104", "服务器"), ("A02010105", "台式电脑")])})
    page = response.content.decode()
    assert response.status_code == 200 and "新增 1 个品目，更新 1 个" in page
    assert catalogue_2022.items.get(code="A02010105").name == "台式电脑"
    bad = client.post(url, {"file": workbook_file([("A0201", "计算机设备")])}).content.decode()
    assert "未导入任何品目" in bad and "第 3 行" in bad


def test_an_hq_reviewer_cannot_load_a_catalogue_from_the_admin(demo, catalogue_2022, client):
    client.login(username="hq_reviewer", password="demo-2020")
    url = reverse("admin:budgets_catalogueversion_import", args=[catalogue_2022.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": workbook_file([("A02010104", "服务器")])}).status_code == 403
    change_page = client.get(reverse("admin:budgets_catalogueversion_change", args=[catalogue_2022.pk]))
    assert url not in change_page.content.decode()
    assert not catalogue_2022.items.filter(code="A02010104").exists()


def test_the_command_loads_a_workbook_and_fails_on_errors(demo, catalogue_2022, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook_file([("A02010104", "服务器")]).getvalue())
    call_command("load_procurement_catalogue", "2099", str(good))
    assert catalogue_2022.items.filter(code="A02010104", listed=True).exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_file([("A0201", "计算机设备")]).getvalue())
    with pytest.raises(CommandError):
        call_command("load_procurement_catalogue", "2099", str(bad))
    with pytest.raises(CommandError):
        call_command("load_procurement_catalogue", "2099", str(good), "--user", "hq_reviewer")


# --- The 2022 fixture -----------------------------------------------------------------------


def fixture_items() -> dict[str, dict]:
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return {row["fields"]["code"]: row["fields"] for row in rows if row["model"] == "budgets.procurementitem"}


def test_the_2022_fixture_codes_have_the_format_and_parents_follow_the_codes():
    items = fixture_items()
    assert len(items) > 4000
    for code, fields in items.items():
        assert FULL_CODE.match(code), code
        assert fields["catalogue"] == ["2022"] and fields["listed"] and fields["name"], code
        expected = parent_code(code)
        assert fields["parent"] == (["2022", expected] if expected else None), code
        assert expected is None or expected in items, code


def test_the_2022_fixture_holds_every_heading_and_the_items_the_bureau_buys():
    items = fixture_items()
    names = {code: fields["name"] for code, fields in items.items()}
    level_1 = [code for code in names if len(code) == 9 and code.endswith("000000")]
    assert len([c for c in level_1 if c[0] == "C"]) == 25 and "C99000000" in level_1
    expected = {
        "A02010104": "服务器",
        "A02010105": "台式计算机",
        "A02010108": "便携式计算机",
        "A02021000": "打印机",
        "A02010201": "路由器",
        "A08060300": "计算机软件",
        "C16070000": "运行维护服务",
        "C16000000": "信息技术服务",
        "C21040000": "物业管理服务",
        "C05040300": "保安服务",
        "C23020000": "会计服务",
        "C23030000": "审计服务",
        "C23010000": "法律服务",
        "C02060000": "培训服务",
        "C23090100": "印刷服务",
    }
    assert {code: names[code] for code in expected} == expected


def test_the_2022_fixture_loads_and_its_codes_resolve(demo):
    call_command("loaddata", "procurement_catalogue_2022", verbosity=0)
    catalogue = CatalogueVersion.objects.get(code="2022")
    assert catalogue.items.count() == len(fixture_items())
    item, warning = resolve_item(catalogue=catalogue, code="A02010105")
    assert (item.name, item.parent.code, warning) == ("台式计算机", "A02010100", None)
    assert resolve_item(catalogue=catalogue, code="A02010110")[1] is not None
    with pytest.raises(ValidationError):
        resolve_item(catalogue=catalogue, code="C1000")
