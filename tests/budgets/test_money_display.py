"""Issue #10, point 8: every amount says its unit and is written one way (budgets.money.format_money
through the ``money`` filter); forms say 元 and accept thousands separators."""

import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from budgets.forms import BasicLineForm, ProjectForm, SubItemForm, ThreePublicForm
from budgets.models import Project, UnitBudget
from budgets.money import format_money
from budgets.services import item_transition, project_update
from tests.approvals.conftest import user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# 1200000.00, 625900000.00: four or more digits before the point with no thousands separator.
RAW_DECIMAL = re.compile(r"(?<![\d,.])\d{4,}\.\d{2}(?!\d)")


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return unescape(re.sub(r"(?s)<[^>]+>", " ", html))


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def test_format_money_styles():
    assert format_money(Decimal("4512200.00")) == "451.22"
    assert format_money(Decimal("4512200.00"), "whole") == "451"
    assert format_money(Decimal("1200000.00"), "yuan") == "1,200,000.00"
    assert format_money(Decimal("1200000.00"), "yuan", unit=True) == "1,200,000.00 元"
    assert format_money(Decimal("1200000.00"), unit=True) == "120.00 万元"
    assert format_money(Decimal("0"), "whole", blank_zero=True) == ""
    assert format_money(None) == ""
    with pytest.raises(ValueError):
        format_money(Decimal(1), "cents")


def test_templates_format_amounts_only_through_the_money_filter():
    old = re.compile(r"\|\s*(wan|wan2|yuan|wan_blank)\b")
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in TEMPLATES.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if old.search(line)
    ]
    assert offenders == []


@pytest.fixture
def resubmitted_project(demo):
    """A 2021 request HQ returned, then changed: its amount and a sub-item amount differ from
    what HQ saw."""
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    from tests.approvals.conftest import complete_project_data, new_project

    project = new_project(budget)
    project_update(
        project=project,
        actor=user("baoan_preparer"),
        version=project.version,
        data=complete_project_data(fiscal_amount=Decimal("1200000.00"), total_amount=Decimal("1200000.00")),
        sub_items=[
            {
                "id": None,
                "name": "宣传册印刷",
                "amount": Decimal("1000000.00"),
                "description": "",
                "delete": False,
            },
            {"id": None, "name": "培训", "amount": Decimal("200000.00"), "description": "", "delete": False},
        ],
    )
    project.refresh_from_db()
    for action, who in (("submit", "baoan_preparer"), ("sign_off", "baoan_head")):
        item_transition(item=project, action=action, actor=user(who))
    item_transition(item=project, action="return", actor=user("hq_reviewer"), reason="请压减印刷费")
    project.refresh_from_db()
    printing = project.sub_items.get(name="宣传册印刷")
    project_update(
        project=project,
        actor=user("baoan_preparer"),
        version=project.version,
        data={"fiscal_amount": Decimal("1150000.00")},
        sub_items=[
            {
                "id": printing.pk,
                "name": "宣传册印刷",
                "amount": Decimal("950000.00"),
                "description": "",
                "delete": False,
            }
        ],
    )
    project.refresh_from_db()
    return project


def test_the_diff_box_writes_amounts_with_their_unit(resubmitted_project, client):
    project = resubmitted_project
    html = (
        login(client, "baoan_preparer")
        .get(reverse("budgets:project", args=[2021, "baoan", project.pk]))
        .content.decode()
    )
    diff = html[html.index('data-testid="diff"') : html.index("</details>", html.index('data-testid="diff"'))]
    assert "1,200,000.00 元" in diff and "1,150,000.00 元" in diff
    assert "宣传册印刷 · 950,000.00 元" in unescape(diff)
    assert RAW_DECIMAL.findall(visible_text(diff)) == []


def test_no_page_shows_a_raw_decimal(resubmitted_project, client):
    project = resubmitted_project
    pages = {
        "baoan_preparer": [
            reverse("budgets:unit", args=[2020, "baoan"]),
            reverse("budgets:unit", args=[2021, "baoan"]),
            reverse("budgets:project", args=[2021, "baoan", project.pk]),
            reverse("budgets:project-edit", args=[2021, "baoan", project.pk]),
            reverse("budgets:budget-edit", args=[2021, "baoan"]),
        ],
        "hq_reviewer": [
            reverse("budgets:bureau", args=[2020]),
            reverse("budgets:project", args=[2021, "baoan", project.pk]),
            reverse(
                "budgets:project",
                args=[
                    2020,
                    "longhua",
                    Project.objects.get(budget__unit__code="longhua", name="社保综合管理").pk,
                ],
            ),
            reverse("approvals:dashboard", args=[2021]),
            reverse("approvals:inbox"),
        ],
    }
    for username, urls in pages.items():
        client.logout()
        login(client, username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert RAW_DECIMAL.findall(visible_text(response.content.decode())) == [], url


def test_every_amount_column_of_the_unit_page_says_10000_yuan(demo, client):
    html = login(client, "baoan_preparer").get(reverse("budgets:unit", args=[2020, "baoan"])).content.decode()
    amount_headers = re.findall(r'<th class="num">(.*?)</th>', html)
    assert amount_headers and all("万元" in header for header in amount_headers), amount_headers
    for field in ("total", "basic", "project", "procurement"):
        label = re.search(
            rf'<div class="small text-muted">([^<]*)</div><div class="fs-4" data-field="{field}">', html
        )
        assert "万元" in label.group(1)
    assert "元）" not in visible_text(html).replace("万元）", "")  # no column in 元


def test_the_project_page_is_in_yuan_once_per_table(demo, client):
    project = Project.objects.get(budget__unit__code="longhua", name="社保综合管理")
    html = login(client, "hq_reviewer").get(reverse("budgets:project", args=[2020, "longhua", project.pk]))
    html = html.content.decode()
    assert 'data-testid="money-unit">金额单位：元。' in html
    assert "万元" not in html
    assert "10,299,998.00" in html
    sub_items = html[html.index('data-testid="sub-items"') :]
    assert "金额（元）" in sub_items[: sub_items.index("</thead>")]


def test_form_amounts_say_yuan_and_accept_thousands_separators(demo):
    project_form = ProjectForm()
    for name in ("fiscal_amount", "other_amount", "total_amount", "asset_purchase_amount"):
        field = project_form.fields[name]
        assert str(field.label).endswith("（元）") and "元" in str(field.help_text), name
    assert str(ThreePublicForm().fields["abroad"].label) == "因公出国（境）费（元）"

    form = SubItemForm(data={"name": "培训", "amount": "1,200,000.50"})
    assert form.is_valid() and form.cleaned_data["amount"] == Decimal("1200000.50")
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    line = BasicLineForm(data={"amount": "12,000"}, instance=budget.basic_lines.model(budget=budget))
    line.is_valid()
    assert "amount" not in line.errors
    assert line.cleaned_data["amount"] == Decimal("12000.00")

    for typed, message in (
        ("12万", "请输入以元为单位的金额"),
        ("1.234", "最多保留两位小数"),
        ("-5", "不能为负数"),
        ("1e30", "金额过大"),
    ):
        refused = SubItemForm(data={"name": "培训", "amount": typed})
        assert not refused.is_valid()
        assert message in refused.errors["amount"][0], typed


def test_an_amount_box_shows_the_saved_amount_with_separators(demo):
    budget = UnitBudget.objects.get(cycle__year=2020, unit__code="baoan")
    form = BasicLineForm(instance=budget.basic_lines.first())
    html = str(form["amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert RAW_DECIMAL.search(html) is None
