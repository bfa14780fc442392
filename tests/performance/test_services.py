"""Every write of the performance app: who may, in which state, and what is recorded."""

from decimal import Decimal

import pytest
from django.core import mail

from budgets.models import Project
from core.errors import BusinessRuleError
from core.models import Event, EventType
from performance import services
from performance.models import (
    ChangeState,
    DeviationCategory,
    Indicator,
    Level1,
    Level2,
    Progress,
    ProjectMonitoring,
    ReportState,
    SpendingRecord,
    TargetChange,
)
from performance.selectors import events_of, monitoring_detail
from performance.services import IndicatorData, MonitoringLineData

from .conftest import DATA

pytestmark = pytest.mark.django_db

D = Decimal

ROWS = [
    IndicatorData(None, Level1.OUTPUT, Level2.QUANTITY, "扫描页数", "≥50万页", "年度工作计划"),
    IndicatorData(None, Level1.OUTPUT, Level2.QUALITY, "扫描合格率", "≥99%", "行业标准"),
    IndicatorData(None, Level1.SATISFACTION, Level2.SERVICE_SATISFACTION, "查档人满意度", "≥90%", "历史标准"),
]


# --- Targets -------------------------------------------------------------------------------


def test_real_targets_fit_to_submit_have_no_problems(baoan_project):
    assert services.project_target_problems(project=baoan_project) == []


def test_real_targets_with_problems_name_the_indicator(demo):
    project = Project.objects.get(budget__cycle=demo, budget__unit__code="zhishu", name="社保关系转移接续")
    problems = services.project_target_problems(project=project)
    assert {p.code for p in problems} == {
        "no_source",
        "rate_or_count_without_number",
        "satisfaction_not_percentage",
    }
    sources = [p for p in problems if p.code == "no_source"]
    assert len(sources) == 8 and all(p.indicator for p in sources)
    assert Indicator.objects.get(pk=sources[0].indicator).project == project


def test_a_project_without_indicators_cannot_be_submitted(demo):
    project = Project.objects.get(budget__cycle=demo, budget__unit__code="luohu", name="预算准备金")
    assert [p.code for p in services.project_target_problems(project=project)] == ["no_output", "no_effect"]


def test_preparer_enters_the_targets_of_a_project_in_preparation(draft_project, users):
    saved = services.project_targets_save(project=draft_project, rows=ROWS, actor=users["baoan_preparer"])
    assert [(i.sort_order, i.name, i.target_value, i.target_unit) for i in saved] == [
        (1, "扫描页数", D(500000), "页"),
        (2, "扫描合格率", D(99), "%"),
        (3, "查档人满意度", D(90), "%"),
    ]
    assert services.project_target_problems(project=draft_project) == []
    # Reordered, one changed, one removed: ids are kept, so comments on a row stay attached.
    first, second, third = saved
    rows = [
        IndicatorData(
            third.pk, Level1.SATISFACTION, Level2.SERVICE_SATISFACTION, "查档人满意度", "≥95%", "历史标准"
        ),
        IndicatorData(first.pk, Level1.OUTPUT, Level2.QUANTITY, "扫描页数", "≥60万页", "年度工作计划"),
    ]
    again = services.project_targets_save(project=draft_project, rows=rows, actor=users["baoan_head"])
    assert [(i.pk, i.sort_order, i.target_text) for i in again] == [
        (third.pk, 1, "≥95%"),
        (first.pk, 2, "≥60万页"),
    ]
    assert not Indicator.objects.filter(pk=second.pk).exists()
    assert Event.objects.filter(type=EventType.TARGETS_SAVED, object_id=draft_project.pk).count() == 2


@pytest.mark.parametrize("username", ["luohu_preparer", "hq_reviewer", "hq_approver", "auditor"])
def test_only_the_units_own_staff_enter_targets(draft_project, users, username):
    with pytest.raises(BusinessRuleError) as raised:
        services.project_targets_save(project=draft_project, rows=ROWS, actor=users[username])
    assert raised.value.code == "not_allowed"
    assert not draft_project.indicators.exists()


def test_targets_of_an_approved_budget_are_locked(baoan_project, users):
    with pytest.raises(BusinessRuleError) as raised:
        services.project_targets_save(project=baoan_project, rows=ROWS, actor=users["baoan_preparer"])
    assert raised.value.code == "targets_locked"
    assert baoan_project.indicators.count() == 6


def test_rows_of_another_table_or_a_wrong_level_are_refused(draft_project, baoan_project, users):
    foreign = baoan_project.indicators.first()
    with pytest.raises(BusinessRuleError):
        services.project_targets_save(
            project=draft_project,
            rows=[IndicatorData(foreign.pk, Level1.OUTPUT, Level2.QUANTITY, "x", "1次", "工作计划")],
            actor=users["baoan_preparer"],
        )
    with pytest.raises(BusinessRuleError):
        services.project_targets_save(
            project=draft_project,
            rows=[IndicatorData(None, Level1.OUTPUT, Level2.SOCIAL, "x", "1次", "工作计划")],
            actor=users["baoan_preparer"],
        )
    assert not draft_project.indicators.exists()


# --- Monitoring ----------------------------------------------------------------------------


def fill(monitoring, project, users, *, training="1", reason="", category="", expected="600000"):
    """The 宝安 answers of July: 1 training of 4 (behind), the rest on track."""
    rows = list(project.indicators.order_by("sort_order"))
    lines = {
        rows[0].pk: MonitoringLineData(
            actual_value=D(training),
            forecast_value=D(3),
            deviation_category=category,
            deviation_reason=reason,
        ),
        rows[1].pk: MonitoringLineData(actual_value=D(600000)),
        rows[2].pk: MonitoringLineData(actual_value=D(100)),
        rows[3].pk: MonitoringLineData(
            progress=Progress.PARTLY, deviation_category="other", deviation_reason="印制中"
        ),
        rows[4].pk: MonitoringLineData(actual_value=D("99.2")),
        rows[5].pk: MonitoringLineData(actual_value=D("99.5")),
    }
    return services.project_monitoring_save(
        monitoring=monitoring,
        actor=users["baoan_preparer"],
        adjusted_budget=None,
        adjusted_budget_source="",
        expected_spending=D(expected) if expected else None,
        remarks="",
        lines=lines,
    )


def test_only_hq_opens_the_round(demo, users):
    with pytest.raises(BusinessRuleError):
        services.monitoring_round_open(cycle=demo, actor=users["baoan_head"])
    first = services.monitoring_round_open(cycle=demo, actor=users["hq_approver"])
    assert services.monitoring_round_open(cycle=demo, actor=users["hq_reviewer"]) == first


def test_a_behind_schedule_indicator_blocks_submission_until_it_has_a_reason(
    baoan_project, monitoring_round, users, django_capture_on_commit_callbacks
):
    monitoring = services.project_monitoring_start(
        round=monitoring_round, project=baoan_project, actor=users["baoan_preparer"]
    )
    assert monitoring.lines.count() == 6
    fill(monitoring, baoan_project, users)
    view = monitoring_detail(ProjectMonitoring.objects.get(pk=monitoring.pk))
    assert [row.light for row in view.rows] == ["red", "green", "green", "yellow", "green", "green"]

    with pytest.raises(BusinessRuleError) as raised:
        services.project_monitoring_submit(monitoring=monitoring, actor=users["baoan_head"])
    (problem,) = raised.value.params["problems"]
    assert problem["indicator"] == view.rows[0].indicator.pk and "社保政策法规培训场次" in problem["message"]
    assert ProjectMonitoring.objects.get(pk=monitoring.pk).state == ReportState.DRAFT

    fill(monitoring, baoan_project, users, reason="疫情期间暂停集中培训", category=DeviationCategory.OTHER)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_monitoring_submit(monitoring=monitoring, actor=users["baoan_head"])
    monitoring.refresh_from_db()
    assert monitoring.state == ReportState.SUBMITTED
    event = Event.objects.filter(type=EventType.REPORT_SUBMIT).get()
    assert (event.actor.username, event.from_state, event.to_state) == ("baoan_head", "draft", "submitted")
    assert "hq_reviewer@demo.invalid" in {address for message in mail.outbox for address in message.to}


def test_the_preparer_answers_but_only_the_head_submits(baoan_project, monitoring_round, users):
    monitoring = services.project_monitoring_start(
        round=monitoring_round, project=baoan_project, actor=users["baoan_preparer"]
    )
    fill(monitoring, baoan_project, users, training="3")
    with pytest.raises(BusinessRuleError) as raised:
        services.project_monitoring_submit(monitoring=monitoring, actor=users["baoan_preparer"])
    assert raised.value.code == "forbidden"


def test_missing_actuals_and_expected_spending_block_submission(baoan_project, monitoring_round, users):
    monitoring = services.project_monitoring_start(
        round=monitoring_round, project=baoan_project, actor=users["baoan_preparer"]
    )
    with pytest.raises(BusinessRuleError) as raised:
        services.project_monitoring_submit(monitoring=monitoring, actor=users["baoan_head"])
    assert len(raised.value.params["problems"]) == 7


def test_another_branch_cannot_touch_the_form(baoan_project, monitoring_round, users):
    monitoring = services.project_monitoring_start(
        round=monitoring_round, project=baoan_project, actor=users["baoan_preparer"]
    )
    with pytest.raises(BusinessRuleError):
        fill(monitoring, baoan_project, {"baoan_preparer": users["luohu_preparer"]})
    with pytest.raises(BusinessRuleError):
        services.project_monitoring_start(
            round=monitoring_round, project=baoan_project, actor=users["luohu_head"]
        )


def test_hq_returns_with_a_comment_and_approves(baoan_project, monitoring_round, users):
    monitoring = services.project_monitoring_start(
        round=monitoring_round, project=baoan_project, actor=users["baoan_preparer"]
    )
    fill(monitoring, baoan_project, users, training="3")
    services.project_monitoring_submit(monitoring=monitoring, actor=users["baoan_head"])
    with pytest.raises(BusinessRuleError):
        fill(monitoring, baoan_project, users, training="2")  # locked while HQ has it
    with pytest.raises(BusinessRuleError) as raised:
        services.project_monitoring_return(monitoring=monitoring, actor=users["hq_reviewer"], comment=" ")
    assert raised.value.code == "reason_required"
    with pytest.raises(BusinessRuleError):
        services.project_monitoring_approve(monitoring=monitoring, actor=users["baoan_head"])
    services.project_monitoring_return(
        monitoring=monitoring, actor=users["hq_reviewer"], comment="请补充纠偏措施"
    )
    fill(monitoring, baoan_project, users, training="3")
    services.project_monitoring_submit(monitoring=monitoring, actor=users["baoan_head"])
    approved = services.project_monitoring_approve(monitoring=monitoring, actor=users["hq_reviewer"])
    assert approved.state == ReportState.APPROVED
    actions = list(events_of(monitoring).values_list("type", flat=True))
    assert actions == [
        EventType.REPORT_START,
        EventType.REPORT_SUBMIT,
        EventType.REPORT_RETURN,
        EventType.REPORT_SUBMIT,
        EventType.REPORT_APPROVE,
    ]


def test_adjusted_budget_needs_its_source(baoan_project, monitoring_round, users):
    monitoring = services.project_monitoring_start(
        round=monitoring_round, project=baoan_project, actor=users["baoan_preparer"]
    )
    with pytest.raises(BusinessRuleError):
        services.project_monitoring_save(
            monitoring=monitoring,
            actor=users["baoan_preparer"],
            adjusted_budget=D(500000),
            adjusted_budget_source="",
            expected_spending=None,
            remarks="",
            lines={},
        )


# --- Target changes ------------------------------------------------------------------------


def test_only_the_hq_approver_approves_a_target_change_and_both_values_stay(baoan_project, users):
    indicator = baoan_project.indicators.get(sort_order=1)
    change = services.target_change_request(
        indicator=indicator, new_text="2期", reason="受疫情影响，集中培训减半", actor=users["baoan_preparer"]
    )
    with pytest.raises(BusinessRuleError) as raised:
        services.target_change_request(
            indicator=indicator, new_text="3期", reason="x", actor=users["baoan_head"]
        )
    assert raised.value.code == "change_pending"
    for username in ("hq_reviewer", "baoan_head", "auditor"):
        with pytest.raises(BusinessRuleError):
            services.target_change_approve(change=change, actor=users[username])
    services.target_change_approve(change=change, actor=users["hq_approver"], comment="同意")
    indicator.refresh_from_db()
    change.refresh_from_db()
    assert (indicator.initial_target_text, indicator.target_text, indicator.target_value) == (
        "4期",
        "2期",
        D(2),
    )
    assert (change.previous_text, change.new_text, change.state) == ("4期", "2期", ChangeState.APPROVED)
    assert change.decided_by == users["hq_approver"]
    with pytest.raises(BusinessRuleError):
        services.target_change_reject(change=change, actor=users["hq_approver"], comment="晚了")


def test_a_rejected_change_leaves_the_target(baoan_project, users):
    indicator = baoan_project.indicators.get(sort_order=1)
    change = services.target_change_request(
        indicator=indicator, new_text="2期", reason="x", actor=users["baoan_preparer"]
    )
    with pytest.raises(BusinessRuleError):
        services.target_change_reject(change=change, actor=users["hq_approver"], comment="")
    services.target_change_reject(change=change, actor=users["hq_approver"], comment="下半年可补足")
    indicator.refresh_from_db()
    assert indicator.target_text == "4期"
    assert TargetChange.objects.get(pk=change.pk).state == ChangeState.REJECTED


def test_another_branch_cannot_ask_to_change_a_target(baoan_project, users):
    with pytest.raises(BusinessRuleError):
        services.target_change_request(
            indicator=baoan_project.indicators.first(), new_text="1期", reason="x", actor=users["luohu_head"]
        )


# --- Spending import -----------------------------------------------------------------------


def test_spending_imported_from_csv(demo, baoan_project, users):
    batch = services.spending_import(
        cycle=demo,
        filename="spending_good.csv",
        content=(DATA / "spending_good.csv").read_bytes(),
        actor=users["hq_reviewer"],
    )
    assert batch.rows == 11
    from performance.selectors import project_spending, unit_spending_by_month

    assert project_spending(project=baoan_project, through_month=7) == D("210000.00")
    assert project_spending(project=baoan_project) == D("250000.00")
    assert unit_spending_by_month(cycle=demo, unit=baoan_project.budget.unit)[1] == D("5030000.00")
    # A later export of the same months replaces the amounts; nothing is counted twice.
    services.spending_import(
        cycle=demo,
        filename="again.csv",
        content="unit,project,month,amount\nbaoan,社保政策法规研究,1,40000\n".encode(),
        actor=users["hq_approver"],
    )
    assert project_spending(project=baoan_project, through_month=7) == D("220000.00")
    assert SpendingRecord.objects.filter(cycle=demo).count() == 11


def test_bad_rows_are_reported_one_by_one_and_nothing_is_imported(demo, users):
    with pytest.raises(services.SpendingImportError) as raised:
        services.spending_import(
            cycle=demo,
            filename="spending_bad.csv",
            content=(DATA / "spending_bad.csv").read_bytes(),
            actor=users["hq_reviewer"],
        )
    errors = {e["row"]: e["message"] for e in raised.value.params["errors"]}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "nowhere" in errors[3]
    assert "不存在的项目" in errors[4]
    assert "第2行" in errors[10]
    assert not SpendingRecord.objects.exists()


def test_spending_imported_from_xlsx(demo, baoan_project, users):
    import io
    from datetime import date

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["单位", "项目", "月份", "金额"])
    sheet.append(["宝安分局", "社保政策法规研究", date(2020, 7, 1), 12345.67])
    sheet.append(["baoan", "社保政策法规研究", 6, 1000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    services.spending_import(
        cycle=demo, filename="finance.xlsx", content=buffer.getvalue(), actor=users["hq_reviewer"]
    )
    from performance.selectors import project_spending

    assert project_spending(project=baoan_project) == D("13345.67")


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("x.txt", b"unit", "spending_file_type"),
        ("x.csv", b"", "spending_file_empty"),
        ("x.csv", "单位,金额\nbaoan,1\n".encode(), "spending_file_columns"),
        ("x.xlsx", b"not a workbook", "spending_file_unreadable"),
    ],
)
def test_unusable_files_are_refused(demo, users, filename, content, code):
    with pytest.raises(BusinessRuleError) as raised:
        services.spending_import(cycle=demo, filename=filename, content=content, actor=users["hq_reviewer"])
    assert raised.value.code == code


def test_branches_do_not_import_spending(demo, users):
    with pytest.raises(BusinessRuleError):
        services.spending_import(
            cycle=demo,
            filename="spending_good.csv",
            content=(DATA / "spending_good.csv").read_bytes(),
            actor=users["baoan_head"],
        )
