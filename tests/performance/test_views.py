"""Pages: every page enforces core.policy; the forms call the services and show their errors."""

import io
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import Project
from core.models import Unit
from performance.models import (
    DepartmentEvaluation,
    Indicator,
    ProjectMonitoring,
    ReportState,
    TargetChange,
)

from .conftest import DATA
from .test_rubric import CHECKLIST, DEDUCTIONS, FIGURES

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def urls_of(project):
    args = [2020, project.budget.unit.code, project.pk]
    return {
        "targets": reverse("performance:project_targets", args=args),
        "monitoring": reverse("performance:project_monitoring", args=args),
        "evaluation": reverse("performance:project_evaluation", args=args),
    }


def test_pages_require_login(demo, client, baoan_project):
    for url in [reverse("performance:bureau", args=[2020]), *urls_of(baoan_project).values()]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_hq_sees_the_bureau_and_branches_land_on_their_unit(demo, client):
    response = login(client, "hq_reviewer").get(reverse("performance:home"), follow=True)
    assert response.status_code == 200 and len(response.context["statuses"]) == 13
    client.logout()
    response = login(client, "baoan_preparer").get(reverse("performance:bureau", args=[2020]))
    assert response.url == reverse("performance:unit", args=[2020, "baoan"])


def test_unit_page_lists_every_project_in_fixed_queries(demo, client, django_assert_max_num_queries):
    login(client, "hq_reviewer")
    with django_assert_max_num_queries(
        24
    ):  # 20, +3: the session renewed (idle timeout), +1: the pager's count
        response = client.get(reverse("performance:unit", args=[2020, "hq"]))
    assert response.status_code == 200
    statuses = response.context["statuses"]
    assert len(statuses) == 12
    research = next(s for s in statuses if s.project.name == "社保政策法规研究")
    assert (research.indicator_count, research.problems) == (13, 0)


def test_bureau_page_in_fixed_queries(demo, client, django_assert_max_num_queries):
    login(client, "hq_approver")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("performance:bureau", args=[2020])).status_code == 200


@pytest.mark.parametrize("page", ["targets", "monitoring", "evaluation"])
def test_branch_user_never_sees_another_units_pages(demo, client, page):
    other = Project.objects.get(budget__cycle=demo, budget__unit__code="luohu", name="社保综合管理")
    login(client, "baoan_head")
    assert client.get(urls_of(other)[page]).status_code == 404
    # Nor through its own unit in the URL.
    url = reverse(f"performance:project_{page}", args=[2020, "baoan", other.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("performance:unit", args=[2020, "luohu"])).status_code == 404
    assert client.get(reverse("performance:department_evaluation", args=[2020, "luohu"])).status_code == 404
    assert client.get(reverse("performance:department_targets", args=[2020, "luohu"])).status_code == 404


def test_project_targets_page_has_an_anchor_per_indicator(demo, client, baoan_project):
    html = login(client, "baoan_preparer").get(urls_of(baoan_project)["targets"]).content.decode()
    for indicator in baoan_project.indicators.all():
        assert f'id="indicator-{indicator.pk}"' in html
        assert indicator.get_absolute_url().endswith(f"#indicator-{indicator.pk}")
    assert "data-targets-form" not in html  # the 2020 budget is approved: no entry form


def test_problems_are_shown_with_links_to_their_rows(demo, client):
    project = Project.objects.get(budget__cycle=demo, budget__unit__code="zhishu", name="社保关系转移接续")
    html = login(client, "hq_reviewer").get(urls_of(project)["targets"]).content.decode()
    first = project.indicators.order_by("sort_order").first()
    assert f'href="#indicator-{first.pk}"' in html


def test_preparer_enters_targets_and_the_live_check_names_the_problems(client, draft_project):
    login(client, "baoan_preparer")
    urls = urls_of(draft_project)
    urls = {k: v.replace("/2020/", "/2031/") for k, v in urls.items()}
    assert "data-targets-form" in client.get(urls["targets"]).content.decode()
    data = {
        "ind-TOTAL_FORMS": "2",
        "ind-INITIAL_FORMS": "0",
        "ind-0-level1": "output",
        "ind-0-level2": "quantity",
        "ind-0-name": "扫描页数",
        "ind-0-target_text": "≥50万页",
        "ind-0-target_source": "年度工作计划",
        "ind-0-ORDER": "1",
        "ind-1-level1": "satisfaction",
        "ind-1-level2": "service_satisfaction",
        "ind-1-name": "查档人满意度",
        "ind-1-target_text": "满意",
        "ind-1-target_source": "",
        "ind-1-ORDER": "2",
    }
    check = client.post(
        reverse("performance:targets_check", args=[2031, "baoan", draft_project.pk]), data
    ).json()
    assert {p["code"] for p in check["problems"]} == {"no_source", "satisfaction_not_percentage"}
    assert check["targets"]["0"]["value"] == "500000" and check["targets"]["0"]["comparator"] == "≥"
    assert not Indicator.objects.filter(project=draft_project).exists()  # the check saves nothing

    response = client.post(
        urls["targets"], {**data, "ind-1-target_text": "≥90%", "ind-1-target_source": "历史标准"}
    )
    assert response.status_code == 302
    assert list(draft_project.indicators.values_list("name", "target_value")) == [
        ("扫描页数", Decimal("500000")),
        ("查档人满意度", Decimal("90")),
    ]
    client.logout()
    login(client, "luohu_preparer")
    assert client.post(urls["targets"], data).status_code == 404


def line_data(project, **overrides):
    rows = list(project.indicators.order_by("sort_order"))
    data = {
        "action": "save",
        "expected_spending": "600000",
        "adjusted_budget": "",
        "adjusted_budget_source": "",
    }
    values = ["1", "600000", "100", None, "99.2", "99.5"]
    for indicator, value in zip(rows, values, strict=True):
        prefix = f"i{indicator.pk}"
        if value is None:
            data[f"{prefix}-progress"] = "reached"
        else:
            data[f"{prefix}-actual_value"] = value
    data.update(overrides)
    return data, rows


def test_monitoring_form_cannot_be_submitted_without_a_reason(
    demo, client, baoan_project, monitoring_round, django_assert_max_num_queries
):
    url = urls_of(baoan_project)["monitoring"]
    login(client, "baoan_head")
    assert client.post(url).status_code == 302  # start the form
    data, rows = line_data(baoan_project, action="submit")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "社保政策法规培训场次" in " ".join(response.context["form"].non_field_errors())
    monitoring = ProjectMonitoring.objects.get(project=baoan_project)
    assert monitoring.state == ReportState.DRAFT
    assert monitoring.lines.get(indicator=rows[0]).actual_value == 1  # what was typed is kept
    first = f"i{rows[0].pk}"
    data.update({f"{first}-deviation_category": "other", f"{first}-deviation_reason": "疫情期间暂停集中培训"})
    assert client.post(url, data).status_code == 302
    monitoring.refresh_from_db()
    assert monitoring.state == ReportState.SUBMITTED

    client.logout()
    login(client, "hq_reviewer")
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert 'data-light="red"' in page.content.decode()
    client.post(url, {"action": "approve", "comment": "同意"})
    monitoring.refresh_from_db()
    assert monitoring.state == ReportState.APPROVED


def test_target_change_asked_by_the_branch_and_approved_by_the_hq_approver(demo, client, baoan_project):
    indicator = baoan_project.indicators.get(sort_order=1)
    ask = reverse("performance:target_change_request", args=[2020, "baoan", baoan_project.pk, indicator.pk])
    login(client, "baoan_preparer")
    assert client.post(ask, {"new_text": "2期", "reason": "疫情"}).status_code == 302
    change = TargetChange.objects.get()
    decide = reverse("performance:target_change_decide", args=[2020, change.pk])
    client.post(decide, {"action": "approve"})
    client.logout()
    login(client, "hq_reviewer")
    client.post(decide, {"action": "approve"})
    assert TargetChange.objects.get().state == "requested"
    client.logout()
    login(client, "hq_approver")
    assert "2期" in client.get(reverse("performance:target_changes", args=[2020])).content.decode()
    response = client.post(decide, {"action": "approve", "next": "//evil.example/"})
    assert response.url == reverse("performance:project_monitoring", args=[2020, "baoan", baoan_project.pk])
    indicator.refresh_from_db()
    assert (indicator.initial_target_text, indicator.target_text) == ("4期", "2期")


def test_spending_import_page_shows_row_errors(demo, client):
    url = reverse("performance:spending_import", args=[2020])
    login(client, "baoan_head")
    assert client.get(url).status_code == 403
    client.logout()
    login(client, "hq_reviewer")
    with (DATA / "spending_bad.csv").open("rb") as handle:
        response = client.post(url, {"file": handle})
    assert response.status_code == 200 and len(response.context["row_errors"]) == 9
    with (DATA / "spending_good.csv").open("rb") as handle:
        assert client.post(url, {"file": handle}).status_code == 302


def test_project_evaluation_page_scores_and_submits(demo, client, baoan_project):
    url = urls_of(baoan_project)["evaluation"]
    login(client, "baoan_head")
    client.post(url)
    data = {
        "action": "save",
        "adjusted_budget": "660000",
        "adjusted_budget_source": "年初预算",
        "spending": "600000",
        "spending_source": "决算",
    }
    rows = list(baoan_project.indicators.order_by("sort_order"))
    for indicator, value in zip(rows, ["4", "1000000", "100", None, "99.5", "99"], strict=True):
        if value is None:
            data.update({f"i{indicator.pk}-achievement": "reached", f"i{indicator.pk}-band_percent": "100"})
        else:
            data[f"i{indicator.pk}-actual_value"] = value
    assert client.post(url, data).status_code == 302
    page = client.get(url)
    score = page.context["view"].score
    assert score.total == Decimal("99.09") and score.grade == "excellent"  # 600,000 / 660,000 x 10 = 9.09
    assert client.post(url, {**data, "action": "submit"}).status_code == 302


def department_form(inputs):
    data = {"action": "save"}
    for key, value in inputs["figures"].items():
        entry = value if isinstance(value, dict) else {"value": value, "source": "决算报表"}
        raw = entry["value"]
        data[f"{key}__value"] = ("true" if raw else "false") if isinstance(raw, bool) else str(raw)
        data[f"{key}__source"] = entry.get("source") or "决算报表"
    for key, entry in inputs.get("deductions", DEDUCTIONS).items():
        data[f"{key}__deduction"] = entry["points"]
        data[f"{key}__deduction_reason"] = entry["reason"]
    for key, entry in inputs["checklist"].items():
        data[f"{key}__points"] = entry["points"]
        data[f"{key}__reason"] = entry["reason"]
    return data


def start(client, url, code):
    """Start the unit's rubric with the unit itself as the scope, as the page's form posts it."""
    return client.post(url, {"scope": [Unit.objects.get(code=code).pk], "action": "start"})


def test_department_rubric_page_report_and_xlsx(demo, client, django_assert_max_num_queries):
    url = reverse("performance:department_evaluation", args=[2020, "baoan"])
    login(client, "baoan_preparer")
    assert start(client, url, "baoan").status_code == 302
    evaluation = DepartmentEvaluation.objects.get(unit__code="baoan")
    bad = department_form({"figures": {**FIGURES, "satisfaction_rate": "101"}, "checklist": CHECKLIST})
    response = client.post(url, bad)
    assert response.status_code == 200 and response.context["form"].errors["satisfaction_rate__value"]
    assert client.post(url, department_form({"figures": FIGURES, "checklist": CHECKLIST})).status_code == 302
    html = client.get(url).content.decode()
    assert 'data-field="total">82.56<' in html

    with django_assert_max_num_queries(15):  # +3: the session renewed (idle timeout)
        report = client.get(reverse("performance:department_report", args=[2020, "baoan"]))
    assert 'data-field="report-total">82.56<' in report.content.decode()
    response = client.get(reverse("performance:department_xlsx", args=[2020, "baoan"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "宝安分局" in sheet["A1"].value
    values = {
        sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=7).value
        for r in range(3, sheet.max_row + 1)
    }
    assert values["*财务合规性"] == pytest.approx(2.51)
    assert values["合计"] == pytest.approx(82.56)
    assert values["等级"] == "良"
    assert sheet.merged_cells.ranges  # level cells span their items, as in DOMAIN §8

    client.logout()
    login(client, "baoan_head")
    assert (
        client.post(
            url, {**department_form({"figures": FIGURES, "checklist": CHECKLIST}), "action": "submit"}
        ).status_code
        == 302
    )
    evaluation.refresh_from_db()
    assert evaluation.state == ReportState.SUBMITTED
    client.logout()
    login(client, "luohu_head")
    assert client.get(reverse("performance:department_xlsx", args=[2020, "baoan"])).status_code == 404


def test_hq_opens_the_round_from_the_bureau_page(demo, client):
    login(client, "baoan_head")
    client.post(reverse("performance:monitoring_open", args=[2020]))
    assert not demo.__class__.objects.filter(monitoring_round__isnull=False).exists()
    client.logout()
    login(client, "hq_reviewer")
    client.post(reverse("performance:monitoring_open", args=[2020]))
    demo.refresh_from_db()
    assert demo.monitoring_round


def test_branch_enters_its_department_wide_target_while_in_preparation(client, draft_project):
    url = reverse("performance:department_targets", args=[2031, "baoan"])
    login(client, "baoan_head")
    assert "data-targets-form" in client.get(url).content.decode()
    data = {
        "overall_goal": "保障各项社保业务正常运行",
        "task-TOTAL_FORMS": "1",
        "task-INITIAL_FORMS": "0",
        "task-0-name": "社会保障和就业支出",
        "task-0-content": "基本支出和项目支出",
        "task-0-fiscal_wan": "7655.86",
        "task-0-other_wan": "0",
        "ind-TOTAL_FORMS": "1",
        "ind-INITIAL_FORMS": "0",
        "ind-0-level1": "output",
        "ind-0-level2": "quantity",
        "ind-0-name": "完成履职所需要的项目数",
        "ind-0-target_text": "=17",
        "ind-0-ORDER": "1",
    }
    assert client.post(url, data).status_code == 302
    page = client.get(url)
    (task,) = page.context["tasks"]
    assert task.total_amount == Decimal("76558600.00")
    assert [i.target_value for i in page.context["indicators"]] == [Decimal(17)]
    # 2020 is approved: no form, and a POST is refused.
    assert (
        client.post(reverse("performance:department_targets", args=[2020, "baoan"]), data).status_code == 403
    )


class _FormFields(HTMLParser):
    """The (name, value) pairs a browser posts for the page's rubric form."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._inside = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._inside = a.get("data-testid") == "rubric-form"
        if not self._inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "button"}:
            self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.pairs.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
            self.pairs.append((a["name"], ""))
        elif tag == "option" and self._select and "selected" in a:
            self.pairs[-1] = (self._select, a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_a_figure_shared_by_two_rubric_items_is_one_input_and_keeps_its_value(demo, client):
    """Typing 实有在编人数 once and saving keeps it (issue #10, point 1): each figure is one
    input, however many items use it."""
    url = reverse("performance:department_evaluation", args=[2020, "baoan"])
    login(client, "baoan_preparer")
    assert start(client, url, "baoan").status_code == 302
    page = client.get(url).content.decode()
    form = _FormFields()
    form.feed(page)
    names = [name for name, _value in form.pairs]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert "data-shared-with" in page  # the second use says where the figure is entered
    filled = [(name, "128" if name == "headcount_actual__value" else value) for name, value in form.pairs] + [
        ("action", "save")
    ]
    assert (
        client.post(url, urlencode(filled), content_type="application/x-www-form-urlencoded").status_code
        == 302
    )
    evaluation = DepartmentEvaluation.objects.get(unit__code="baoan")
    assert str(evaluation.inputs["figures"]["headcount_actual"]["value"]) == "128"
