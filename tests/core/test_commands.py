"""The two commands that read a file (core.commands.FileCommand) fail the same way: a missing
file, an object the arguments name that does not exist, and a refused file (every problem on
stderr, their count in the failure, nothing written)."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from budgets.models import ProcurementItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "args, message",
    [
        (["import_budget", "missing.xlsx", "--year", "2020"], "No file missing.xlsx."),
        (["load_procurement_catalogue", "2022", "missing.xlsx"], "No file missing.xlsx."),
        (["import_budget", "{file}", "--year", "1999"], "No budget cycle for 1999."),
        (["import_budget", "{file}", "--year", "2020", "--unit", "nowhere"], "No unit with code 'nowhere'."),
        (["load_procurement_catalogue", "1999", "{file}"], "No procurement catalogue version '1999'."),
        (["load_procurement_catalogue", "2022", "{file}", "--user", "nobody"], "No user 'nobody'."),
    ],
)
def test_a_missing_file_or_object_fails_naming_it(demo, tmp_path, args, message):
    file = tmp_path / "some.xlsx"
    openpyxl.Workbook().save(file)
    with pytest.raises(CommandError) as raised:
        call_command(*[a.replace("{file}", str(file)) for a in args])
    assert str(raised.value) == message


def test_a_refused_catalogue_prints_every_error_and_loads_nothing(demo, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["品目编码", "品目名称"])
    book.active.append(["A0201", "计算机设备"])
    book.active.append(["A02019998", "新设备"])
    book.active.append(["X", "坏"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^2 errors; nothing was loaded\.$"):
        call_command("load_procurement_catalogue", "2022", str(path), stderr=err)
    assert len(err.getvalue().strip().splitlines()) == 2
    assert not ProcurementItem.objects.filter(code="A02019998").exists()
